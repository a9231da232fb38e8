// One Switchboard instance's feed in its own process, for the kill -9 test and the benchmark: a hub on
// Redis polling a PBX over HTTP, with a control port (GET /state, /mark, /written, /gc). Browsers poll
// either a bare HTTP front (POST /poll, the tests) or, with FRONT=app (the benchmark), the real app
// (buildApp, local-developer sign-in, the production PBX client) at POST /api/pbx/subscribe.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../app.ts'
import { parseConfig } from '../../config.ts'
import { createPbxClient } from '../../pbx/pbx-client.ts'
import { openDatabase } from '../../db/database.ts'
import { createRecords } from '../../records/records.ts'
import { createFeedHub } from '../feed-hub.ts'
import { quietLogger } from './helpers.ts'
import { httpCallPbx } from './sim-pbx.ts'

const env = process.env
const app = env.FRONT === 'app'
const logger = quietLogger()
const callPbx = app
  ? createPbxClient({ url: env.PBX_URL!, apiKey: env.PBX_KEY! })
  : httpCallPbx(env.PBX_URL!, env.PBX_KEY!)
// DATABASE_URL (PostgreSQL) or RECORDS_DIR (SQLite): this process records calls too, as `npm start` does.
const records =
  env.DATABASE_URL || env.RECORDS_DIR
    ? createRecords(
        await openDatabase({ databaseUrl: env.DATABASE_URL || null, dataDir: env.RECORDS_DIR ?? '' }),
        parseConfig({}, { production: false }).config.records,
      )
    : null
const hub = createFeedHub({
  ...(records ? { record: (events, snapshotOf) => records.recordEvents(events, snapshotOf) } : {}),
  callPbx,
  extensions: env.EXTS!.split(','),
  redis: env.REDIS_URL || undefined,
  redisPrefix: env.REDIS_PREFIX,
  lockTtlMs: Number(env.LOCK_TTL_MS ?? 1000),
  logger,
})

/** When each reply with events was handed to its socket since the last /mark (wall clock, sub-ms). */
let written: number[] = []
const wallNow = () => performance.timeOrigin + performance.now()
const hasEvents = (body: unknown) => typeof body === 'string' && body.startsWith('{"Data":{"')
// The benchmark's server-side clock: the moment `end` returns, the reply is in the socket's kernel buffer (a
// small body is written at once), whichever front sent it.
const end = http.ServerResponse.prototype.end
http.ServerResponse.prototype.end = function (this: http.ServerResponse, ...args: unknown[]) {
  const r = (end as (...a: unknown[]) => http.ServerResponse).apply(this, args)
  if (hasEvents(args[0]) || (Buffer.isBuffer(args[0]) && hasEvents(args[0].toString('utf8', 0, 12))))
    written.push(wallNow())
  return r
} as typeof end

const control = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://hub')
  if (url.pathname === '/mark') written = []
  if (url.pathname === '/written') return res.end(JSON.stringify(written))
  if (url.pathname === '/gc') (globalThis as { gc?: () => void }).gc?.()
  if (url.pathname !== '/state') return res.end('{}')
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
})

/** The bare front: the hub's reply as it is. */
function bareFront(): http.Server {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub')
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
  return server
}

const listen = (s: http.Server) =>
  new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)))

let front: { port: number; path: string; close: () => Promise<unknown> }
if (app) {
  const { config } = parseConfig(
    { NOOJEE_URL: env.PBX_URL, NOOJEE_API_KEY: env.PBX_KEY, HOST: '127.0.0.1' },
    { production: false },
  )
  const fastify = await buildApp(config, { callPbx, feed: hub, logger })
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  front = {
    port: (fastify.server.address() as AddressInfo).port,
    path: '/api/pbx/subscribe',
    close: () => fastify.close(),
  }
} else {
  const s = bareFront()
  front = { port: await listen(s), path: '/poll', close: async () => s.close() }
}
const controlPort = await listen(control)
console.log(`LISTENING ${controlPort} POLL http://127.0.0.1:${front.port}${front.path}`)

const stop = () => void Promise.all([front.close(), hub.close()]).then(() => process.exit(0))
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
