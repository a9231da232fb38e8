// The built-in PBX: the simulator model behind a real HTTP server, so the dev proxy, long-poll
// holds and aborts behave as they will against a real Noojee PBX. `/__sim/*` is the test control.
import { createHash } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { PbxSimulator, type SimFault, type SimReply } from './pbx-simulator.ts'
import { startDemoTraffic } from './demo-traffic.ts'

export const DEMO_EXTENSIONS = ['400', '410', '420']
const API = '/servicemanager/rest/CallManagementAPI/'

export interface SimServer {
  sim: PbxSimulator
  url: string
  close: () => Promise<void>
}

function send(res: http.ServerResponse, reply: SimReply): void {
  if (reply.kind === 'hang') return
  if (reply.kind === 'reset') {
    // Headers and half a body, then the connection dies.
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.write('{"Data":{"4')
    setTimeout(() => res.socket?.destroy(), 10)
    return
  }
  res.writeHead(reply.status, { 'Content-Type': reply.contentType, 'Cache-Control': 'no-store' })
  res.end(reply.body)
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  let body = ''
  for await (const chunk of req) body += chunk
  return body ? (JSON.parse(body) as Record<string, unknown>) : {}
}

/** Accelerated traffic for the soak bench: each tick rings calls on free extensions; a call connects one tick later and hangs up the tick after. */
function startSoak(sim: PbxSimulator, exts: string[], calls: number, perTick: number, tickMs: number) {
  const progress = { started: 0, ended: 0, running: true }
  const free = [...exts]
  const extOf = new Map<string, string>()
  let ringing: string[] = []
  let connected: string[] = []
  const timer = setInterval(() => {
    for (const id of connected) {
      sim.setStatus(id, 'Hungup')
      free.push(extOf.get(id)!)
      extOf.delete(id)
      progress.ended += 1
    }
    for (const id of ringing) sim.connect(id, extOf.get(id)!)
    connected = ringing
    ringing = []
    while (ringing.length < perTick && progress.started < calls && free.length > 0) {
      const ext = free.shift()!
      const id = sim.ring({ ext, callerId: `04${String(progress.started).padStart(8, '0')}` })
      extOf.set(id, ext)
      ringing.push(id)
      progress.started += 1
    }
    if (progress.ended >= calls) stop()
  }, tickMs)
  const stop = () => {
    clearInterval(timer)
    progress.running = false
  }
  return { progress, stop }
}

export async function startSimServer(opts: { apiKey: string; demo?: boolean; port?: number }): Promise<SimServer> {
  const sim = new PbxSimulator({ apiKey: opts.apiKey })
  let stopDemo: (() => void) | null = opts.demo ? startDemoTraffic(sim, DEMO_EXTENSIONS) : null
  let soak: ReturnType<typeof startSoak> | null = null

  const control = async (action: string, body: Record<string, unknown>): Promise<unknown> => {
    const s = (k: string) => (body[k] === undefined ? undefined : String(body[k]))
    switch (action) {
      case 'ring':
        return {
          uniqueCallId: sim.ring({
            ext: s('ext') ?? '410',
            callerId: s('callerId'),
            uniqueCallId: s('uniqueCallId'),
            queue: body.queue === true,
            canAnswer: body.canAnswer === false ? false : undefined,
            fromExt: s('fromExt'),
          }),
        }
      case 'status':
        return { ok: sim.setStatus(s('uniqueCallId') ?? '', s('status') ?? 'Hungup', s('ext')) }
      case 'connect':
        sim.connect(s('uniqueCallId') ?? '', s('ext') ?? '')
        return { ok: true }
      case 'raw':
        sim.emitRaw(s('ext') ?? '410', (body.callData ?? {}) as Record<string, unknown>)
        return { ok: true }
      case 'fault':
        sim.failNextSubscribe(...((body.faults ?? [body.fault]) as SimFault[]))
        return { ok: true }
      case 'restart':
        sim.restart({
          echoCursor: body.echoCursor === true,
          holdStale: body.holdStale === true,
          betweenPolls: body.betweenPolls === true,
        })
        return { ok: true }
      case 'clearFaults':
        sim.clearFaults()
        return { ok: true }
      case 'reset':
        stopDemo?.()
        stopDemo = null
        sim.reset()
        sim.apiKey = opts.apiKey
        return { ok: true }
      case 'auth':
        sim.authStyle = (s('style') as typeof sim.authStyle) ?? 'code'
        sim.apiKey = body.reject ? `${opts.apiKey}-rotated` : opts.apiKey
        return { ok: true }
      case 'demo':
        stopDemo?.()
        stopDemo = body.on
          ? startDemoTraffic(sim, (body.exts as string[]) ?? DEMO_EXTENSIONS, Number(body.everyMs) || 4000)
          : null
        return { ok: true }
      case 'state':
        return {
          seq: sim.seq,
          heldPolls: sim.heldPolls,
          truth: sim.truth(((body.exts as string[]) ?? DEMO_EXTENSIONS).map(String)),
        }
      case 'requests': {
        // Never echo the key back: the control surface is reachable from the browser in dev.
        const reqs = sim.requests.map((r) => ({
          ...r,
          params: { ...r.params, apiKey: r.params.apiKey === opts.apiKey ? '<valid>' : '<other>' },
        }))
        return { requests: reqs }
      }
      case 'keyDigest':
        // A one-way digest, so e2e can look for the key in browser traffic without the key leaving the server.
        return { sha256: createHash('sha256').update(opts.apiKey).digest('hex') }
      // Benchmarks (bench/): many events in one reply, hang everything up, accelerated traffic.
      case 'burst': {
        const exts = ((body.exts as unknown[]) ?? []).map(String)
        for (const ext of exts) sim.ring({ ext, callerId: `burst-${ext}` })
        return { count: exts.length, seq: sim.seq }
      }
      case 'endAll': {
        const ids = [...sim.calls.keys()]
        for (const id of ids) sim.setStatus(id, 'Hungup')
        return { count: ids.length }
      }
      case 'soak':
        soak?.stop()
        soak = startSoak(
          sim,
          ((body.exts as unknown[]) ?? DEMO_EXTENSIONS).map(String),
          Number(body.calls) || 1000,
          Number(body.perTick) || 10,
          Number(body.tickMs) || 50,
        )
        return { ok: true }
      case 'soakState':
        return soak ? soak.progress : { started: 0, ended: 0, running: false }
      default:
        throw new Error(`unknown control action ${action}`)
    }
  }

  // A restart closes every connection the PBX API served (kept-alive idle ones too), as a real PBX's would.
  const apiSockets = new Set<Socket>()
  const offClose = sim.onClose(() => {
    for (const s of apiSockets) s.destroy()
    apiSockets.clear()
  })
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim')
    try {
      if (url.pathname.startsWith(API)) {
        if (!apiSockets.has(req.socket)) {
          apiSockets.add(req.socket)
          req.socket.once('close', () => apiSockets.delete(req.socket))
        }
        const gone = new AbortController()
        res.on('close', () => res.writableEnded || gone.abort())
        const reply = await sim.handle(
          req.method ?? 'GET',
          url.pathname.slice(API.length),
          url.searchParams,
          gone.signal,
        )
        if (!res.destroyed) send(res, reply)
      } else if (url.pathname.startsWith('/__sim/')) {
        const result = await control(
          url.pathname.slice('/__sim/'.length),
          req.method === 'POST' ? await readJson(req) : {},
        )
        send(res, { kind: 'http', status: 200, contentType: 'application/json', body: JSON.stringify(result) })
      } else {
        send(res, { kind: 'http', status: 404, contentType: 'text/html', body: '<h1>404 Not Found</h1>' })
      }
    } catch (e) {
      send(res, { kind: 'http', status: 500, contentType: 'text/plain', body: String(e) })
    }
  })
  server.keepAliveTimeout = 120_000
  server.requestTimeout = 0
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    sim,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        stopDemo?.()
        offClose()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
