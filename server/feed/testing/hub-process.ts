// One Switchboard instance's feed in its own process, for the kill -9 test and the benchmark: a hub on
// Redis polling a PBX over HTTP, and a bare HTTP front (POST /poll, GET /state) standing in for the app.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFeedHub } from '../feed-hub.ts'
import { quietLogger } from './helpers.ts'
import { httpCallPbx } from './sim-pbx.ts'

const env = process.env
const hub = createFeedHub({
  callPbx: httpCallPbx(env.PBX_URL!, env.PBX_KEY!),
  extensions: env.EXTS!.split(','),
  redis: env.REDIS_URL || undefined,
  redisPrefix: env.REDIS_PREFIX,
  lockTtlMs: Number(env.LOCK_TTL_MS ?? 1000),
  logger: quietLogger(),
})

/** When each reply with events was handed to the socket since the last /mark (wall clock, sub-ms): the benchmark's server side. */
let written: number[] = []
const wallNow = () => performance.timeOrigin + performance.now()

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://hub')
  if (url.pathname === '/mark') {
    written = []
    res.end('{}')
    return
  }
  if (url.pathname === '/written') {
    res.end(JSON.stringify(written))
    return
  }
  if (url.pathname === '/gc') {
    ;(globalThis as { gc?: () => void }).gc?.()
    res.end('{}')
    return
  }
  if (url.pathname === '/state') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        leader: hub.isLeader(),
        ready: hub.ready(),
        head: hub.log.head,
        held: hub.heldPolls(),
        pid: process.pid,
        cpuUs: process.cpuUsage(),
        heapUsed: process.memoryUsage().heapUsed,
        rss: process.memoryUsage().rss,
      }),
    )
    return
  }
  const gone = new AbortController()
  res.on('close', () => res.writableEnded || gone.abort())
  void hub
    .poll({
      exts: (url.searchParams.get('exten') ?? '').split(','),
      cursor: Number(url.searchParams.get('lastSequenceNumber') ?? 0),
      timeoutSec: Number(url.searchParams.get('timeOut') ?? 25),
      signal: gone.signal,
    })
    .then((r) => {
      res.writeHead(r.status, r.headers ?? {})
      const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body)
      res.end(body, () => body.startsWith('{"Data":{}') || written.push(wallNow()))
    })
})
server.keepAliveTimeout = 60_000
server.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`LISTENING ${(server.address() as AddressInfo).port}`)
})
const stop = () => void hub.close().then(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
