// The feed shared through Redis (docs/architecture.md, "More than one instance"). One leader, chosen by a
// lock (SET NX PX, renewed by a compare-and-expire script; a fencing token incremented on each
// acquisition), runs the upstream loop and appends to a Redis Stream through a script that refuses a
// stale fence — a paused ex-leader cannot write — and events that do not follow the stored PBX cursor (a
// compare-and-set: an append retried after a timeout cannot write the same events twice). The script numbers the events (the global seq), keeps
// the call state and stores the PBX cursor in the same step, so a new leader continues exactly where the
// last append left off: nothing lost, nothing twice. Every instance (the leader too) reads the stream
// into its own EventLog and serves its browsers from it.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { ENDED_STATUSES, type FeedDown } from '../../src/features/pbx/feed-contract.ts'
import type { PbxEvent } from '../types.ts'
import type { EventLog, LogEntry, LogEvent } from './event-log.ts'
import type { UpstreamWrite } from './upstream.ts'
import type { Upstream } from './upstream-loop.ts'

/** Stream entries kept (each a reply's events): roughly the history a new instance can be told about. */
const STREAM_MAXLEN = 10_000

const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('INCR', KEYS[2]) end
return 0`

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

// KEYS: fence, stream, meta, state. ARGV: fence, kind, pbxCursor, list, failure, maxlen, base, data, expected
// cursor, the head the leader's log shows (its diffs were made against that state), then per event: field
// (ext|id), ended (1/0), json.
const APPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('FENCED stale fencing token') end
local kind = ARGV[2]
local meta = KEYS[3]
if kind == 'events' then
  local stored = redis.call('HGET', meta, 'cursor') or ''
  if stored ~= ARGV[9] or (redis.call('HGET', meta, 'head') or '') ~= ARGV[10] then
    return redis.error_reply('CURSOR ' .. stored)
  end
end
if kind == 'failure' then
  redis.call('HSET', meta, 'failure', ARGV[5])
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'kind', 'status', 'failure', ARGV[5])
  return redis.call('HGET', meta, 'head') or '0'
end
local base = redis.call('HGET', meta, 'base')
local head = tonumber(redis.call('HGET', meta, 'head') or '0')
if kind == 'new-log' then
  local b = tonumber(ARGV[7])
  if b <= head then b = head + 1 end
  redis.call('DEL', KEYS[4])
  for i = 11, #ARGV, 3 do
    if ARGV[i + 1] == '0' then redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 2]) end
  end
  redis.call('HSET', meta, 'base', b, 'head', b, 'cursor', ARGV[3], 'list', ARGV[4], 'failure', '')
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'kind', 'new-log', 'base', b, 'list', ARGV[4], 'data', ARGV[8])
  return b
end
if not base then return redis.error_reply('NOLOG no log in Redis') end
local n = (#ARGV - 10) / 3
for i = 11, #ARGV, 3 do
  if ARGV[i + 1] == '1' then redis.call('HDEL', KEYS[4], ARGV[i]) else redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 2]) end
end
local failed = redis.call('HGET', meta, 'failure')
redis.call('HSET', meta, 'head', head + n, 'cursor', ARGV[3], 'failure', '')
if ARGV[4] ~= '' then redis.call('HSET', meta, 'list', ARGV[4]) end
if n > 0 or ARGV[4] ~= '' or (failed and failed ~= '') then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'kind', 'events', 'first', head + 1, 'list', ARGV[4], 'data', ARGV[8])
end
return head + n`

export interface RedisFeedOptions {
  url: string
  prefix: string
  log: EventLog
  logger: Logger
  lockTtlMs: number
  wanted: () => readonly string[]
  addWanted: (exts: string[]) => void
  startUpstream: (
    write: (w: UpstreamWrite) => Promise<void>,
    initial: { cursor: string | null; list: string; newLog: boolean },
  ) => Upstream
}

/** An append refused because the stored PBX cursor is another: the upstream continues from `storedCursor`. */
class CursorMoved extends Error {
  constructor(readonly storedCursor: string) {
    super(`the stored PBX cursor is ${storedCursor}`)
  }
}

export interface RedisFeed {
  isLeader(): boolean
  /** The reader is connected and has caught up with the stream. */
  ready(): boolean
  /** Retry now: the leader's upstream tries the PBX now (from a follower, through Redis). */
  retry(): void
  /**
   * This instance's users file changed its list: when leading, the upstream re-lists now. Every instance
   * re-reads the same users file, so the leader learns of a change from its own re-read.
   */
  relist(): void
  /** Dynamic mode: ask the leader to watch more extensions. */
  want(exts: string[]): Promise<void>
  close(): Promise<void>
  /** Tests: stop renewing the lock, as a frozen process would, while its upstream loop still writes. */
  pause(): void
}

type Fields = Record<string, string>
const fieldsOf = (flat: string[]): Fields => {
  const f: Fields = {}
  for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]] = flat[i + 1]
  return f
}
const listOf = (s: string | undefined) => (s ? s.split(',') : [])

export function startRedisFeed(o: RedisFeedOptions): RedisFeed {
  const k = {
    lock: `${o.prefix}lock`,
    fence: `${o.prefix}fence`,
    stream: `${o.prefix}stream`,
    meta: `${o.prefix}meta`,
    state: `${o.prefix}state`,
    wanted: `${o.prefix}wanted`,
    retry: `${o.prefix}retry`,
  }
  const logger = o.logger
  const opts = { maxRetriesPerRequest: 1, lazyConnect: false, retryStrategy: () => 200 }
  const cmd = new Redis(o.url, { ...opts, commandTimeout: 3000 })
  const reader = new Redis(o.url, opts)
  // Without a listener, ioredis prints every reconnect error; the reader's state says it all.
  cmd.on('error', () => {})
  reader.on('error', () => {})
  const token = randomUUID()
  let closed = false
  let paused = false
  let leader: { fence: string; upstream: Upstream; since: number } | null = null
  let lastRenewed = 0
  let readerLive = false
  let lastId = '$'
  const appliedWaiters = new Set<() => void>()

  const applied = () => {
    for (const f of [...appliedWaiters]) f()
  }
  /** Until the local log shows an append (or the wait makes no sense any more). */
  const untilLog = (ok: () => boolean, ms = 5000) =>
    new Promise<void>((resolve, reject) => {
      if (ok()) return resolve()
      const t = setTimeout(() => (appliedWaiters.delete(check), reject(new Error('the stream did not arrive'))), ms)
      const check = () => {
        if (!ok()) return
        clearTimeout(t)
        appliedWaiters.delete(check)
        resolve()
      }
      appliedWaiters.add(check)
    })

  // ---- reading the stream into the local log --------------------------------------------------

  const parseDown = (s: string | undefined): FeedDown | null => (s ? (JSON.parse(s) as FeedDown) : null)

  /** Join the log in Redis at its head (its state, its failure), or wait for one (none yet). */
  async function load(): Promise<void> {
    const res = await cmd.multi().hgetall(k.meta).hgetall(k.state).xrevrange(k.stream, '+', '-', 'COUNT', 1).exec()
    if (!res) throw new Error('Redis MULTI failed')
    for (const [err] of res) if (err) throw err
    const meta = res[0][1] as Fields
    const stateHash = res[1][1] as Fields
    const last = res[2][1] as [string, string[]][]
    const tip = last.length ? last[0][0] : '0-0'
    // No log in Redis yet (a first start, or a Redis that lost its data): its first entry will be one.
    if (!meta.base) return void (lastId = '0-0')
    const base = Number(meta.base)
    const head = Number(meta.head)
    const down = parseDown(meta.failure)
    // The same log: what we missed is still in the stream, read from our own last id.
    if (o.log.started && o.log.base === base && o.log.head <= head && lastId !== '$') return
    lastId = tip
    const state: LogEvent[] = []
    for (const [field, ev] of Object.entries(stateHash))
      state.push({ ext: field.slice(0, field.indexOf('|')), ev: JSON.parse(ev) as PbxEvent })
    o.log.apply({
      kind: 'new-log',
      base,
      head,
      state,
      list: listOf(meta.list),
      down,
    })
    applied()
  }

  function toEntry(f: Fields): LogEntry | null {
    if (f.kind === 'status') return { kind: 'status', down: parseDown(f.failure) }
    if (f.kind === 'new-log')
      return { kind: 'new-log', base: Number(f.base), state: JSON.parse(f.data) as LogEvent[], list: listOf(f.list) }
    if (f.kind === 'events')
      return {
        kind: 'events',
        first: Number(f.first),
        events: JSON.parse(f.data) as LogEvent[],
        ...(f.list ? { list: listOf(f.list) } : {}),
      }
    return null
  }

  async function readLoop(): Promise<void> {
    let resume = lastId
    let needLoad = lastId === '$'
    while (!closed) {
      try {
        if (needLoad) {
          await load()
          needLoad = false
          readerLive = true
          resume = lastId
          applied()
        }
        const res = (await reader.xread('COUNT', 1000, 'BLOCK', 2000, 'STREAMS', k.stream, resume)) as
          [string, [string, string[]][]][] | null
        readerLive = true
        if (!res) continue
        for (const [id, flat] of res[0][1]) {
          resume = id
          lastId = id
          const entry = toEntry(fieldsOf(flat))
          if (!entry) continue
          if (entry.kind === 'events' && (!o.log.started || entry.first !== o.log.head + 1)) {
            // A gap (entries trimmed away while we were behind, or a log we never joined): rejoin.
            if (o.log.started && entry.first <= o.log.head) continue
            logger.warn({ first: entry.first, head: o.log.head }, 'feed stream gap: rejoining the log in Redis')
            needLoad = true
            lastId = '$'
            break
          }
          o.log.apply(entry)
        }
        applied()
      } catch (e) {
        if (closed) break
        if (readerLive) logger.warn({ err: (e as Error).message }, 'Redis unreachable: the feed is not ready')
        readerLive = false
        needLoad = true
        await new Promise((r) => setTimeout(r, 300))
      }
    }
  }

  // ---- the leader ---------------------------------------------------------------------------

  async function append(fence: string, w: UpstreamWrite): Promise<void> {
    const base = String(Math.max(Date.now(), o.log.head + 1))
    const events = w.kind === 'failure' ? [] : w.kind === 'new-log' ? w.state : w.events
    const list = w.kind === 'failure' ? '' : (w.list ?? []).join(',')
    const args: string[] = [
      fence,
      w.kind,
      w.kind === 'failure' ? '' : w.pbxCursor,
      list,
      w.kind === 'failure' ? JSON.stringify(w.down) : '',
      String(STREAM_MAXLEN),
      base,
      JSON.stringify(events),
      w.kind === 'events' ? (w.expected ?? '') : '',
      String(o.log.head),
    ]
    for (const { ext, ev } of events)
      args.push(
        `${ext}|${ev.CallData.uniqueCallId}`,
        ENDED_STATUSES.has(ev.CallData.status) ? '1' : '0',
        JSON.stringify(ev),
      )
    let result: unknown
    try {
      result = await cmd.eval(APPEND, 4, k.fence, k.stream, k.meta, k.state, ...args)
    } catch (e) {
      const message = (e as Error).message
      if (/FENCED|NOLOG/.test(message)) void stepDown(`append refused: ${message}`)
      const moved = /CURSOR (\d*)/.exec(message)
      throw moved ? new CursorMoved(moved[1]) : e
    }
    const head = Number(result)
    if (w.kind === 'new-log') await untilLog(() => o.log.base === head)
    else if (w.kind === 'events') await untilLog(() => o.log.head >= head && o.log.phase.phase !== 'down')
    else await untilLog(() => o.log.phase.phase === 'down')
  }

  async function stepDown(why: string): Promise<void> {
    const was = leader
    if (!was) return
    leader = null
    logger.warn({ why }, 'no longer the feed leader')
    await was.upstream.stop()
  }

  async function tryLead(): Promise<void> {
    const fence = Number(await cmd.eval(ACQUIRE, 2, k.lock, k.fence, token, String(o.lockTtlMs)))
    if (!fence) return
    lastRenewed = Date.now()
    const meta = (await cmd.hgetall(k.meta)) as Fields
    const wanted = await cmd.smembers(k.wanted)
    if (wanted.length) o.addWanted(wanted)
    // Continue from the stored cursor once this instance's log has every event appended so far.
    if (meta.base) await untilLog(() => o.log.base === Number(meta.base) && o.log.head >= Number(meta.head))
    const f = String(fence)
    const initial = meta.base
      ? { cursor: meta.cursor || null, list: meta.list ?? '', newLog: false }
      : { cursor: null, list: '', newLog: true }
    logger.info({ fence, cursor: initial.cursor }, 'feed leader: polling the PBX')
    leader = { fence: f, since: Date.now(), upstream: o.startUpstream((w) => append(f, w), initial) }
  }

  let wantedSeen = 0
  async function tick(): Promise<void> {
    if (closed || paused) return
    try {
      if (leader) {
        const ok = Number(await cmd.eval(RENEW, 1, k.lock, token, String(o.lockTtlMs)))
        if (!ok) return void (await stepDown('lock lost'))
        lastRenewed = Date.now()
        const n = await cmd.scard(k.wanted)
        if (n !== wantedSeen) {
          wantedSeen = n
          const before = o.wanted().join(',')
          o.addWanted(await cmd.smembers(k.wanted))
          if (o.wanted().join(',') !== before) leader.upstream.relist()
        }
        // Retry now, asked on another instance.
        if (await cmd.getdel(k.retry)) leader.upstream.retry()
      } else if (readerLive) await tryLead()
    } catch (e) {
      logger.warn({ err: (e as Error).message }, 'Redis lock check failed')
      // Unable to renew: once the lock may have expired, another instance may lead.
      if (leader && Date.now() - lastRenewed > o.lockTtlMs * 0.8) await stepDown('lock not renewed in time')
    }
  }

  let ticking: Promise<void> = Promise.resolve()
  const timer = setInterval(
    () => {
      ticking = ticking.then(tick)
    },
    Math.max(50, Math.floor(o.lockTtlMs / 4)),
  )
  const reading = readLoop()
  ticking = ticking.then(tick)

  return {
    isLeader: () => leader !== null,
    retry() {
      if (leader) leader.upstream.retry()
      else void cmd.set(k.retry, '1', 'PX', 5000).catch(() => {})
    },
    relist: () => leader?.upstream.relist(),
    ready: () => readerLive && !closed,
    async want(exts) {
      await cmd.sadd(k.wanted, ...exts).catch(() => {})
    },
    pause() {
      paused = true
      clearInterval(timer)
    },
    async close() {
      closed = true
      clearInterval(timer)
      await ticking.catch(() => {})
      const was = leader
      await stepDown('closing')
      if (was) await cmd.eval(RELEASE, 1, k.lock, token).catch(() => {})
      reader.disconnect()
      await reading.catch(() => {})
      cmd.disconnect()
    },
  }
}
