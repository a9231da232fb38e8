// createFeedHub: the server's PBX feed (docs/architecture.md). Without Redis, one upstream loop writes
// straight into this process's event log; with Redis, the leader's loop writes to a Redis Stream that
// every instance's log reads (redis-feed.ts).
import type { Logger } from 'pino'
import { extKey } from '../../src/features/pbx/extension.ts'
import type { CallPbx, FeedHub, FeedReply } from '../types.ts'
import { EventLog } from './event-log.ts'
import { startRedisFeed, type RedisFeed } from './redis-feed.ts'
import type { UpstreamWrite } from './upstream.ts'
import { startUpstream, type Upstream } from './upstream-loop.ts'

export interface FeedHubOptions {
  callPbx: CallPbx
  /** The union of extensions users may watch (bare): one stable list, so the PBX cursor stays valid. */
  extensions: readonly string[]
  /** The local developer may watch any extension: the list grows when a browser asks for a new one. */
  dynamic?: boolean
  /** REDIS_URL: share the feed between instances. */
  redis?: string
  /** Key prefix in Redis (tests run several feeds on one server). */
  redisPrefix?: string
  logger: Logger
  /** Events kept in memory (the oldest cursor still answered). */
  capacity?: number
  /** Redis lock time-to-live: a dead leader is replaced within about this long. */
  lockTtlMs?: number
  /** SWITCHBOARD_RECONCILE_S in ms: a check snapshot diffed into events at least this often. */
  reconcileMs?: number
}

const sortedList = (exts: Iterable<string>) =>
  [...new Set([...exts].map((e) => extKey(e.trim())).filter(Boolean))].sort()

export interface FeedHubInternals extends FeedHub {
  /** For tests and benchmarks. */
  readonly log: EventLog
  isLeader(): boolean
  heldPolls(): number
  /** Tests: stop renewing the Redis lock as a frozen leader would (its writes go on, and are refused). */
  pauseLeadership(): void
}

export function createFeedHub(o: FeedHubOptions): FeedHubInternals {
  const log = new EventLog(o.capacity)
  const wanted = new Set(sortedList(o.extensions))
  let list = sortedList(wanted)
  const logger = o.logger.child({ part: 'feed' })

  let upstream: Upstream | null = null
  let redis: RedisFeed | null = null

  if (o.redis) {
    redis = startRedisFeed({
      url: o.redis,
      prefix: o.redisPrefix ?? 'switchboard:feed:',
      log,
      logger,
      lockTtlMs: o.lockTtlMs ?? 3000,
      wanted: () => list,
      addWanted: (exts) => {
        for (const e of exts) wanted.add(e)
        list = sortedList(wanted)
      },
      startUpstream: (write, initial) =>
        startUpstream({
          callPbx: o.callPbx,
          wanted: () => list,
          stateOf: (e) => log.stateOf(e),
          write,
          logger,
          initial,
          reconcileMs: o.reconcileMs,
        }),
    })
  } else {
    const write = async (w: UpstreamWrite) => {
      if (w.kind === 'failure') log.apply({ kind: 'status', down: w.down })
      else if (w.kind === 'new-log')
        // A new log's numbers start above every cursor the old one issued.
        log.apply({ kind: 'new-log', base: Math.max(Date.now(), log.head + 1), state: w.state, list: w.list })
      else log.apply({ kind: 'events', first: log.head + 1, events: w.events, list: w.list })
    }
    upstream = startUpstream({
      callPbx: o.callPbx,
      wanted: () => list,
      stateOf: (e) => log.stateOf(e),
      write,
      logger,
      reconcileMs: o.reconcileMs,
    })
  }

  return {
    log,
    isLeader: () => (redis ? redis.isLeader() : true),
    heldPolls: () => log.heldPolls,
    pauseLeadership: () => redis?.pause(),
    async poll(req): Promise<FeedReply> {
      let exts = sortedList(req.exts)
      if (!o.dynamic) exts = exts.filter((e) => wanted.has(e))
      else {
        const fresh = exts.filter((e) => !wanted.has(e))
        if (fresh.length) {
          for (const e of fresh) wanted.add(e)
          list = sortedList(wanted)
          logger.info({ added: fresh }, 'watching more extensions: the upstream poll re-lists')
          if (redis) await redis.want(fresh)
          else upstream?.relist()
        }
      }
      return log.poll({ ...req, exts }, { forCursorMs: redis ? 3000 : 0 })
    },
    setWatched(exts) {
      // The local developer's list grows with the browsers; a users file's re-read sets it.
      if (o.dynamic) return
      const next = sortedList(exts)
      if (next.join(',') === list.join(',')) return
      const added = next.filter((e) => !wanted.has(e))
      const dropped = list.filter((e) => !next.includes(e))
      wanted.clear()
      for (const e of next) wanted.add(e)
      list = next
      // A new list is new numbering at the PBX: the upstream takes a snapshot for it, diffed into our log.
      logger.info({ added, dropped }, 'the users file changed the watched extensions: the upstream re-lists')
      if (redis) redis.relist()
      else upstream?.relist()
    },
    retry: () => (redis ? redis.retry() : upstream?.retry()),
    call: (id) => log.call(id),
    ready: () => log.phase.phase === 'live' && (redis ? redis.ready() : true),
    async close() {
      log.close()
      await upstream?.stop()
      await redis?.close()
    },
  }
}
