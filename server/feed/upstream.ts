// The one upstream loop: one subscribe for the union of watched extensions, owning what the PBX
// contract makes hard (the browser's call-queries.ts + feed-store.ts did this per browser until now):
// the cursor, the 100 ms minimum period from the previous reply, backoff, refused keys (retried once a
// minute), restart detection (a lower seq; or, after any outage, a check snapshot whose seq is below
// our cursor — a restarted PBX may echo an old cursor back), and snapshots diffed into events.
import type { Logger } from 'pino'
import { parseEvent, rawEventsOf, subscribeSchema } from '../../src/features/pbx/pbx-schemas.ts'
import { fullJitterDelay } from '../../src/lib/backoff.ts'
import type { CallPbx, FeedReply, PbxEvent } from '../types.ts'
import { ENDED, type LogEvent } from './event-log.ts'
import { AUTH_WORDS, failureReply, isKeyRefusal, isRefusal, refusalReply, wrongShapeReply } from './failure.ts'

/** Seconds the PBX may hold our poll. */
export const UPSTREAM_HOLD_S = 25
/**
 * How long past the hold we wait for the PBX: 10 s. SWITCHBOARD_UPSTREAM_SLACK_MS shortens it for the
 * simulator's e2e run (a hung PBX found in seconds, not 35 s); it is not a production setting.
 */
const slackMs = (() => {
  const v = Number(process.env.SWITCHBOARD_UPSTREAM_SLACK_MS)
  return Number.isFinite(v) && v >= 1000 ? v : 10_000
})()
/** Our deadline beyond the hold (and never under 3 × the slack, 30 s: a snapshot of a thousand extensions is slow). */
export const upstreamDeadlineMs = (timeOut: number) => Math.max(timeOut * 1000 + slackMs, 3 * slackMs)
export const MIN_POLL_PERIOD_MS = 100
export const KEY_RETRY_MS = 60_000
/** Refused (negative Code) polls in a row before the cursor is given up for a snapshot. */
export const REFUSALS_BEFORE_RESYNC = 2
/** A browser's retry (Retry now, its own backoff) brings the upstream's next try forward, no more often than this. */
export const NUDGE_FLOOR_MS = 1000

/** What the loop writes; the writer (memory or Redis) resolves once the local log shows it. */
export type UpstreamWrite =
  /** `verifying`: a catch-up after an outage; the check for a PBX restart follows (browsers wait for it). */
  | { kind: 'events'; events: LogEvent[]; pbxCursor: string; list?: string[]; verifying?: boolean }
  | { kind: 'new-log'; state: LogEvent[]; pbxCursor: string; list: string[] }
  | { kind: 'failure'; reply: FeedReply }

/**
 * The next request, an explicit state: a snapshot, a catch-up with the cursor at once (after a fault),
 * or a held poll. A snapshot's `why`: `start` (or a new list) and `resync` (the cursor refused) take its
 * seq and diff it into events; `check` (after an outage) only looks for a restart — when there was none
 * the cursor is kept, so what happened since the catch-up still comes as events, none lost; `restart`
 * (the PBX's seq went back) starts a new log.
 */
type Next =
  { mode: 'snapshot'; why: 'start' | 'check' | 'resync' | 'restart' } | { mode: 'catch-up' } | { mode: 'hold' }

export interface UpstreamState {
  next: Next
  /** The PBX's cursor (exact digits); null before the first snapshot. */
  cursor: string | null
  /** The extension list the cursor belongs to. */
  list: string
  /** After an outage: once caught up, a snapshot checks the PBX did not restart meanwhile. */
  verify: boolean
  failures: number
  refusals: number
}

export interface UpstreamOptions {
  callPbx: CallPbx
  /** The extensions to watch now (bare, sorted); read before every poll. */
  wanted: () => readonly string[]
  /** The feed's call state for one extension, to diff a snapshot against. */
  stateOf: (ext: string) => ReadonlyMap<string, { ev: PbxEvent }> | undefined
  write: (w: UpstreamWrite) => Promise<void>
  logger: Logger
  /** Where to start (a new leader takes over the stored cursor). */
  initial?: { cursor: string | null; list: string; newLog?: boolean }
  random?: () => number
}

export interface Upstream {
  /** Stop at once (any held request is aborted). */
  stop(): Promise<void>
  /** The list changed (dynamic mode): give up the held poll so the next one covers it. */
  relist(): void
  /**
   * A browser asks again while the upstream waits out a failure (its own backoff, or Retry now): try
   * the PBX now, at most once a second however many browsers ask. True when a try was started.
   */
  nudge(): boolean
  readonly state: UpstreamState
}

const listOf = (key: string) => (key ? key.split(',') : [])
const bare = (ext: string) => ext.replace(/^[A-Za-z][A-Za-z0-9]*\//, '')

/** A subscribe reply's events, each under its bare extension; unreadable ones are counted. */
export function readEvents(data: unknown): { events: LogEvent[]; rejected: number } {
  const events: LogEvent[] = []
  let rejected = 0
  if (!data || typeof data !== 'object' || Array.isArray(data)) return { events, rejected }
  for (const [ext, list] of Object.entries(data as Record<string, unknown>)) {
    const raws = rawEventsOf(list)
    if (!raws) {
      rejected++
      continue
    }
    for (const raw of raws) {
      const ev = parseEvent(raw)
      if (ev.success) events.push({ ext: bare(ext), ev: JSON.parse(JSON.stringify(ev.data)) as PbxEvent })
      else rejected++
    }
  }
  return { events, rejected }
}

const sameEvent = (a: PbxEvent, b: PbxEvent) => JSON.stringify(a.CallData) === JSON.stringify(b.CallData)

/**
 * A PBX snapshot against the feed's state, as events: a call the PBX no longer lists ended
 * (a `Hungup` the server writes: the PBX never said how it ended), a new or changed one as the PBX
 * lists it now.
 */
export function diffSnapshot(
  list: readonly string[],
  snapshot: readonly LogEvent[],
  stateOf: UpstreamOptions['stateOf'],
): LogEvent[] {
  const byExt = new Map<string, Map<string, PbxEvent>>()
  for (const { ext, ev } of snapshot) {
    if (ENDED.has(ev.CallData.status)) continue
    const m = byExt.get(ext) ?? new Map<string, PbxEvent>()
    m.set(ev.CallData.uniqueCallId, ev)
    byExt.set(ext, m)
  }
  const out: LogEvent[] = []
  for (const ext of list) {
    const now = byExt.get(ext)
    const before = stateOf(ext)
    if (before)
      for (const [id, { ev }] of before)
        if (!now?.has(id)) out.push({ ext, ev: { CallData: { ...ev.CallData, status: 'Hungup', canAnswer: false } } })
    if (now)
      for (const [id, ev] of now) {
        const prev = before?.get(id)
        if (!prev || !sameEvent(prev.ev, ev)) out.push({ ext, ev })
      }
  }
  return out
}

class Aborted extends Error {}

export function startUpstream(o: UpstreamOptions): Upstream {
  const log = o.logger
  const st: UpstreamState = {
    // A new leader with no log in Redis starts one; with a stored cursor, it catches up from it.
    next: o.initial?.newLog
      ? { mode: 'snapshot', why: 'restart' }
      : o.initial?.cursor
        ? { mode: 'catch-up' }
        : { mode: 'snapshot', why: 'start' },
    cursor: o.initial?.cursor ?? null,
    list: o.initial?.list ?? '',
    verify: o.initial?.cursor != null,
    failures: 0,
    refusals: 0,
  }
  const stopped = new AbortController()
  let current: AbortController | null = null
  let relisting = false
  let pacedFrom = 0

  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (stopped.signal.aborted) return reject(new Aborted())
      const t = setTimeout(() => {
        stopped.signal.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => (clearTimeout(t), reject(new Aborted()))
      stopped.signal.addEventListener('abort', onAbort, { once: true })
    })

  /** Ends the wait after a failure early (nudge). */
  let backoff: { wake: () => void } | null = null
  let lastTry = 0

  async function failed(e: unknown, reply: FeedReply, refused: boolean, keyRefused: boolean) {
    st.failures++
    st.refusals = refused ? st.refusals + 1 : 0
    const delay = keyRefused ? KEY_RETRY_MS : fullJitterDelay(st.failures - 1, { random: o.random })
    log.warn({ err: e instanceof Error ? e.message : e, status: reply.status, delay }, 'PBX subscribe failed')
    await o.write({ kind: 'failure', reply })
    st.verify = true
    if (st.next.mode === 'snapshot' && st.next.why === 'restart') {
      // Still to take: the snapshot that starts the new log.
    } else if (st.refusals >= REFUSALS_BEFORE_RESYNC && st.cursor !== null) {
      log.info('%d refused polls in a row: the next asks for the current state', st.refusals)
      st.next = { mode: 'snapshot', why: 'resync' }
    } else st.next = st.cursor === null ? { mode: 'snapshot', why: 'start' } : { mode: 'catch-up' }
    await Promise.race([sleep(delay), new Promise<void>((wake) => (backoff = { wake }))])
    backoff = null
  }

  async function once(): Promise<void> {
    relisting = false
    const wait = pacedFrom + MIN_POLL_PERIOD_MS - Date.now()
    if (wait > 0) await sleep(wait)
    const wanted = o.wanted()
    const listKey = wanted.join(',')
    if (listKey !== st.list && !(st.next.mode === 'snapshot' && st.next.why !== 'check'))
      st.next = { mode: 'snapshot', why: 'start' }
    const next = st.next
    lastTry = Date.now()
    const sent = next.mode === 'snapshot' ? '0' : st.cursor!
    const timeOut = next.mode === 'hold' ? UPSTREAM_HOLD_S : 0
    current = new AbortController()
    const signal = AbortSignal.any([stopped.signal, current.signal])
    let raw: Record<string, unknown> & { Code: number }
    try {
      if (wanted.length === 0) {
        // Nothing to watch yet (dynamic mode before any browser): an empty, covering log.
        raw = { Code: 0, Data: {}, seq: st.cursor ?? 0 }
      } else
        raw = await o.callPbx(
          'subscribe',
          { exten: listKey, lastSequenceNumber: sent, timeOut: String(timeOut) },
          { signal, timeoutMs: upstreamDeadlineMs(timeOut) },
        )
    } catch (e) {
      pacedFrom = Date.now()
      if (stopped.signal.aborted) throw new Aborted()
      if (relisting) {
        relisting = false
        return
      }
      return failed(e, failureReply(e), isRefusal(e), isKeyRefusal(e))
    } finally {
      current = null
    }
    pacedFrom = Date.now()
    if (stopped.signal.aborted) throw new Aborted()
    const code = typeof raw.Code === 'number' ? raw.Code : Number(raw.Code)
    if (code < 0) {
      const message = typeof raw.Message === 'string' ? raw.Message : undefined
      const keyRefused = AUTH_WORDS.test(message ?? '')
      return failed(raw, refusalReply(code, message), !keyRefused, keyRefused)
    }
    const parsed = subscribeSchema.safeParse(raw)
    if (!parsed.success) return failed(raw, wrongShapeReply(code), false, false)
    const seq = String(parsed.data.seq)
    const { events, rejected } = readEvents(parsed.data.Data)
    if (rejected) log.warn({ rejected }, 'PBX events that could not be read were skipped')
    st.failures = 0
    st.refusals = 0
    if (next.mode === 'snapshot') {
      const restarted =
        next.why === 'restart' || (st.cursor !== null && st.list === listKey && BigInt(seq) < BigInt(st.cursor))
      if (!restarted && next.why === 'check') {
        // No restart: the cursor still holds, and what happened since the catch-up comes as events. Said to
        // the log (an entry with no events), so the browsers' polls held for the check go on.
        await o.write({ kind: 'events', events: [], pbxCursor: st.cursor! })
        st.verify = false
        st.next = { mode: 'hold' }
        return
      }
      if (restarted) {
        log.warn({ seq, cursor: st.cursor }, 'the PBX restarted: a new log')
        await o.write({ kind: 'new-log', state: events, pbxCursor: seq, list: [...wanted] })
      } else
        await o.write({
          kind: 'events',
          // Over the old list too: calls on an extension no longer watched end (no one may see it now, and
          // watched again later, its snapshot starts it afresh).
          events: diffSnapshot([...new Set([...wanted, ...listOf(st.list)])], events, o.stateOf),
          pbxCursor: seq,
          list: [...wanted],
        })
      st.list = listKey
      st.cursor = seq
      st.verify = false
      st.next = { mode: 'hold' }
      return
    }
    if (BigInt(seq) < BigInt(sent)) {
      log.warn({ seq, sent }, "the PBX's sequence went back: it restarted")
      st.next = { mode: 'snapshot', why: 'restart' }
      return
    }
    if (seq === sent && events.length > 0) {
      // Events come only with a seq beyond the cursor: this is a replayed reply.
      log.warn({ seq }, 'a reply repeated its seq with events: ignored as a replay')
      await o.write({ kind: 'events', events: [], pbxCursor: seq, ...(st.verify ? { verifying: true } : {}) })
      return
    }
    // After an outage the browsers wait for the check that follows: a restart that echoed our cursor is found
    // before any browser's catch-up is answered from the old log (its check would then miss the restart).
    await o.write({ kind: 'events', events, pbxCursor: seq, ...(st.verify ? { verifying: true } : {}) })
    st.cursor = seq
    st.next = st.verify ? { mode: 'snapshot', why: 'check' } : { mode: 'hold' }
    if (st.verify) log.info('caught up after a fault: a snapshot checks the PBX did not restart meanwhile')
    st.verify = false
  }

  const done = (async () => {
    while (!stopped.signal.aborted) {
      try {
        await once()
      } catch (e) {
        if (e instanceof Aborted || stopped.signal.aborted) break
        // A write that failed (Redis down, fenced): the caller decides; the loop pauses and goes on.
        log.error({ err: e instanceof Error ? e.message : String(e) }, 'feed write failed')
        st.next =
          st.cursor === null
            ? { mode: 'snapshot', why: st.next.mode === 'snapshot' ? st.next.why : 'start' }
            : st.next.mode === 'hold'
              ? { mode: 'catch-up' }
              : st.next
        st.verify = true
        try {
          await sleep(1000)
        } catch {
          break
        }
      }
    }
  })()

  return {
    state: st,
    async stop() {
      stopped.abort()
      await done
    },
    nudge() {
      if (!backoff) return false
      // Within a second of the last try, the next one is brought forward to a second after it: a Retry
      // now clicked just after the failure showed still gets its try (refusing it left a 60 s wait).
      const wait = lastTry + NUDGE_FLOOR_MS - Date.now()
      const b = backoff
      if (wait <= 0) b.wake()
      else setTimeout(() => b.wake(), wait)
      return true
    },
    relist() {
      if (current) {
        relisting = true
        current.abort()
      }
    },
  }
}
