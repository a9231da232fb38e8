// Switchboard's server as the panel sees it, for unit tests: MSW answers `/api/pbx/<method>` and
// `/api/feed/retry` with the browser↔server contract (src/features/pbx/feed-contract.ts) over one
// PbxSimulator. Small on purpose: the server itself is tested in server/; what the panel must handle
// from it (feed down, a resync, a refusal, a reply it should never send) are named faults.
// jsdom's fetch needs absolute URLs; vitest's jsdom environment gives the page http://localhost:3000/.
import { http, HttpResponse } from 'msw'
import { setupServer, type SetupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { PbxSimulator, type SimOptions, type SimReply } from '../../sim/pbx-simulator.ts'
import { FEED_RETRY_PATH, type ApiError, type FeedDown } from '../features/pbx/feed-contract.ts'
import { LOCAL_DEVELOPER, sessionHandlers, type FakeAccounts } from './session.ts'

type Fault = { kind: 'reply'; status: number; body: string; contentType: string } | { kind: 'reset' } | { kind: 'hang' }

/** The server's faults, as tests name them. */
export class ServerFaults {
  /** The server's PBX feed is down (every subscribe answers 503 with this) until `feedUp()`. */
  down: FeedDown | null = null
  /** POST /api/feed/retry calls received. */
  retries = 0
  /** Every `/api/pbx/<method>` request the server received, faulted or not (the simulator logs only the rest). */
  seen: { method: string; params: Record<string, string>; at: number }[] = []
  /** Requests held by `hangNext`, until the client gives up or `dropConnections()`. */
  private hung = new Set<() => void>()
  private resync: string | null | undefined = undefined
  private next = new Map<string, Fault[]>()

  feedDown(reason: FeedDown['reason'], message: string, retryAt?: number): void {
    this.down = { error: 'feed-down', reason, message, ...(retryAt === undefined ? {} : { retryAt }) }
  }
  feedUp(): void {
    this.down = null
  }
  /** The next poll with a cursor is told to take a snapshot (`seq: 0`), with `message` as the reason. */
  resyncNext(message: string | null = null): void {
    this.resync = message
  }
  /** The next `method` request is refused with the server's status and `{ error, message }`. */
  refuseNext(method: string, status: number, error: ApiError['error'], message: string): void {
    this.answerNext(method, status, JSON.stringify({ error, message }))
  }
  /** The next `method` request gets this body as it is (what the server should never send, too). */
  answerNext(method: string, status: number, body: string, contentType = 'application/json'): void {
    this.queue(method, { kind: 'reply', status, body, contentType })
  }
  /** The next `method` request fails as a dropped connection. */
  resetNext(method: string): void {
    this.queue(method, { kind: 'reset' })
  }
  /** The next `method` request is never answered (until the client gives up). */
  hangNext(method: string): void {
    this.queue(method, { kind: 'hang' })
  }
  /** Every request held by `hangNext` fails now as a dropped connection. */
  dropConnections(): void {
    for (const drop of [...this.hung]) drop()
  }
  get hanging(): number {
    return this.hung.size
  }
  /** A reply that never comes: settle when the client gives up (so no test leaks a promise) or the connection drops. */
  hold(signal: AbortSignal): Promise<Response> {
    return new Promise((resolve) => {
      const done = () => {
        this.hung.delete(done)
        resolve(HttpResponse.error())
      }
      this.hung.add(done)
      if (signal.aborted) done()
      else signal.addEventListener('abort', done, { once: true })
    })
  }
  take(method: string): Fault | undefined {
    return this.next.get(method)?.shift()
  }
  takeResync(cursor: string | null): string | null | undefined {
    if (this.resync === undefined || cursor === null || cursor === '0') return undefined
    const message = this.resync
    this.resync = undefined
    return message
  }
  clear(): void {
    this.down = null
    this.retries = 0
    this.seen = []
    this.dropConnections()
    this.resync = undefined
    this.next.clear()
  }
  private queue(method: string, fault: Fault): void {
    this.next.set(method, [...(this.next.get(method) ?? []), fault])
  }
}

function untilAborted(signal: AbortSignal): Promise<Response> {
  // A reply that never comes: settle only when the client gives up, so no test leaks a promise.
  return new Promise((resolve) => {
    const done = () => resolve(HttpResponse.error())
    if (signal.aborted) done()
    else signal.addEventListener('abort', done, { once: true })
  })
}

const json = (body: unknown, status = 200) => HttpResponse.json(body as Record<string, unknown>, { status })

/** The simulator's reply as the server passes it on; a PBX failure is the server's `feed-down` (or 502 `pbx`). */
function fromSim(reply: SimReply, method: string, signal: AbortSignal): Response | Promise<Response> {
  if (reply.kind === 'hang') return untilAborted(signal)
  const ok = reply.kind === 'http' && reply.status === 200 && reply.contentType.includes('json')
  if (ok) return new HttpResponse(reply.body, { headers: { 'Content-Type': 'application/json' } })
  const unreachable = reply.kind === 'reset'
  const message = unreachable ? 'Cannot reach the PBX' : 'The PBX is having trouble'
  if (method !== 'subscribe') return json({ error: 'pbx', message }, 502)
  return json({ error: 'feed-down', reason: unreachable ? 'unreachable' : 'pbx-error', message }, 503)
}

/** MSW handlers for the server over `sim`; `faults` are its named faults. */
export function serverHandlers(sim: PbxSimulator, faults: ServerFaults) {
  return [
    http.post(`*${FEED_RETRY_PATH}`, () => {
      faults.retries++
      return new HttpResponse(null, { status: 204 })
    }),
    http.all('*/api/pbx/:method', async ({ request, params }) => {
      const method = String(params.method)
      const query = new URL(request.url).searchParams
      faults.seen.push({ method, params: Object.fromEntries(query), at: Date.now() })
      const fault = faults.take(method)
      if (fault?.kind === 'reset') return HttpResponse.error()
      if (fault?.kind === 'hang') return faults.hold(request.signal)
      if (fault)
        return new HttpResponse(fault.body, { status: fault.status, headers: { 'Content-Type': fault.contentType } })
      if (method === 'subscribe') {
        if (faults.down) return json(faults.down, 503)
        const resync = faults.takeResync(query.get('lastSequenceNumber'))
        if (resync !== undefined) return json({ Data: {}, seq: 0, Code: 0, ...(resync ? { Message: resync } : {}) })
      }
      // The server adds its own key: the browser never sends one.
      for (const k of [...query.keys()]) if (k.toLowerCase() === 'apikey') query.delete(k)
      query.set('apiKey', sim.apiKey)
      return fromSim(await sim.handle(request.method, method, query, request.signal), method, request.signal)
    }),
  ]
}

export interface TestPbx {
  sim: PbxSimulator
  faults: ServerFaults
  server: SetupServer
}

/** A fresh simulator behind a stand-in server, and an MSW server for it (not listening yet). */
export function createTestPbx(options: SimOptions = {}): TestPbx {
  const sim = new PbxSimulator({ answerDelayMs: 20, ...options })
  const faults = new ServerFaults()
  // Signed in as the local developer, as `npm run dev` with no accounts is.
  const accounts: FakeAccounts = { users: {}, current: LOCAL_DEVELOPER }
  return { sim, faults, server: setupServer(...serverHandlers(sim, faults), ...sessionHandlers(accounts)) }
}

/** createTestPbx plus the usual lifecycle: listen for the file, reset sim, faults and handlers after each test. */
export function setupTestPbx(options: SimOptions = {}): TestPbx {
  const pbx = createTestPbx(options)
  beforeAll(() => pbx.server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => {
    pbx.server.resetHandlers()
    pbx.sim.reset()
    pbx.faults.clear()
  })
  afterAll(() => pbx.server.close())
  return pbx
}
