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
  redis: env.REDIS_URL,
  redisPrefix: env.REDIS_PREFIX,
  lockTtlMs: Number(env.LOCK_TTL_MS ?? 1000),
  logger: quietLogger(),
})

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://hub')
  if (url.pathname === '/state') {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ leader: hub.isLeader(), ready: hub.ready(), head: hub.log.head, pid: process.pid }))
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
      res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body))
    })
})
server.keepAliveTimeout = 60_000
server.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`LISTENING ${(server.address() as AddressInfo).port}`)
})
const stop = () => void hub.close().then(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
