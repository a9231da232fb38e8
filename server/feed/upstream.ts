// The one upstream: one subscribe for the union of watched extensions. What the PBX contract makes hard
// (the cursor, the 100 ms period, backoff, refused keys and cursors, restarts, snapshots diffed into events)
// is one pure transition, step(state, input) → { state, write, request }, tested as a table
// (upstream.test.ts); startUpstream() is the thin loop that does the I/O.
import type { Logger } from 'pino'
import { ENDED_STATUSES, MIN_POLL_PERIOD_MS, type FeedDown } from '../../src/features/pbx/feed-contract.ts'
import { extKey } from '../../src/features/pbx/extension.ts'
import { parseEvent, rawEventsOf, subscribeSchema } from '../../src/features/pbx/pbx-schemas.ts'
import { fullJitterDelay } from '../../src/lib/backoff.ts'
import type { CallPbx, PbxEvent } from '../types.ts'
import type { LogEvent } from './event-log.ts'

/** Seconds the PBX may hold our poll. */
export const UPSTREAM_HOLD_S = 25
/** How long past the hold we wait for the PBX (SWITCHBOARD_UPSTREAM_SLACK_MS shortens it for e2e only). */
const slackMs = (() => {
  const v = Number(process.env.SWITCHBOARD_UPSTREAM_SLACK_MS)
  return Number.isFinite(v) && v >= 1000 ? v : 10_000
})()
/** Our deadline beyond the hold (and never under 3 × the slack: a snapshot of a thousand extensions is slow). */
export const upstreamDeadlineMs = (timeOut: number) => Math.max(timeOut * 1000 + slackMs, 3 * slackMs)
export const KEY_RETRY_MS = 60_000
/** Refused (negative Code) polls in a row before the cursor is given up for a snapshot. */
export const REFUSALS_BEFORE_RESYNC = 2
/** Retry now: at most one PBX try a second, however many browsers ask. */
export const RETRY_FLOOR_MS = 1000
/** The ways PBX messages say a key was refused. */
const AUTH_WORDS =
  /api[ _-]?key|\b(?:invalid|wrong|bad|missing|unknown|expired|no) key\b|auth|forbidden|access denied|whitelist|licen[cs]e/i

/** What the loop writes: the writer (memory or Redis) resolves once the local log shows it. */
export type UpstreamWrite =
  /** `expected`: the stored PBX cursor these events follow (Redis refuses the append unless it still is). */
  | { kind: 'events'; events: LogEvent[]; pbxCursor: string; expected: string | null; list?: string[] }
  | { kind: 'new-log'; state: LogEvent[]; pbxCursor: string; list: string[] }
  | { kind: 'failure'; down: FeedDown }

/**
 * What to ask next. `snapshot`: `adopt` takes its seq and diffs it in (start, a new list, a refused cursor, a
 * known restart); otherwise it is a check against our cursor. `catch-up`: the cursor with timeOut 0, after a
 * check whose snapshot (`check`) is then diffed in. `backoff`: a failure, until `until` (or Retry now).
 */
export type Mode =
  | { mode: 'snapshot'; adopt: boolean }
  | { mode: 'catch-up'; check: LogEvent[] }
  | { mode: 'hold' }
  | { mode: 'backoff'; until: number; then: Exclude<Mode, { mode: 'backoff' }> }

/** Why a check snapshot is due: each a sign the PBX may have restarted (docs/architecture.md), or the interval. */
export type CheckReason = 'closed' | 'unseen-call' | 'empty-early' | 'fault' | 'interval'

export interface UpstreamState {
  mode: Mode
  /** The PBX's cursor (exact digits); null before the first snapshot. */
  cursor: string | null
  /** The extension list the cursor belongs to, and the one to poll now. */
  list: string
  want: string
  /** No log yet (or none in Redis): the first snapshot starts one. */
  newLog: boolean
  failures: number
  refusals: number
  /** A check snapshot goes before the next catch-up or hold. */
  checkDue: CheckReason | null
  reconcileAt: number
  lastTry: number
}

/** What the loop sent, as the reply's step reads it. */
export interface Sent {
  as: 'adopt' | 'check' | 'catch-up' | 'hold'
  cursor: string
  timeOut: number
  list: string
  at: number
}

export type UpstreamInput =
  | { kind: 'reply'; sent: Sent; raw: Record<string, unknown>; now: number }
  | { kind: 'error'; sent: Sent; error: unknown; now: number }
  /** The PBX closed our connection (in flight or between two polls). */
  | { kind: 'closed' }
  | { kind: 'list'; list: string; now: number }
  | { kind: 'retry'; now: number }
  /** A backoff's wait ended. */
  | { kind: 'waited'; now: number }
  /** The write failed; `stored`: the cursor the store holds (a refused compare-and-set says it). */
  | { kind: 'write-failed'; stored?: string; now: number }

export type UpstreamRequest = { kind: 'wait'; until: number } | { kind: 'subscribe'; sent: Sent }

export interface StepContext {
  /** The log's call state for one extension (before this step's write). */
  stateOf: (ext: string) => ReadonlyMap<string, { ev: PbxEvent }> | undefined
  reconcileMs: number
  random?: () => number
}

export interface StepResult {
  state: UpstreamState
  write?: UpstreamWrite
  /** A line for the log, when something worth saying happened. */
  note?: { level: 'info' | 'warn'; msg: string; data?: Record<string, unknown> }
}

export function initialState(o: {
  cursor: string | null
  list: string
  newLog: boolean
  now: number
  reconcileMs: number
}) {
  const st: UpstreamState = {
    // With a stored cursor (a new leader), a check: a catch-up from it, nothing lost, nothing twice.
    mode: { mode: 'snapshot', adopt: o.cursor === null || o.newLog },
    cursor: o.newLog ? null : o.cursor,
    list: o.list,
    want: o.list,
    newLog: o.newLog,
    failures: 0,
    refusals: 0,
    checkDue: null,
    reconcileAt: o.now + o.reconcileMs,
    lastTry: 0,
  }
  return st
}

/** The next request for a state at `now`: pure. */
export function requestFor(st: UpstreamState, now: number): UpstreamRequest {
  const m = st.mode
  if (m.mode === 'backoff') return { kind: 'wait', until: m.until }
  const sent = (as: Sent['as'], cursor: string, timeOut: number): UpstreamRequest => ({
    kind: 'subscribe',
    sent: { as, cursor, timeOut, list: st.want, at: now },
  })
  if (m.mode === 'snapshot') return sent(m.adopt || st.cursor === null ? 'adopt' : 'check', '0', 0)
  if (st.cursor === null) return sent('adopt', '0', 0)
  if (m.mode === 'catch-up') return sent('catch-up', st.cursor, 0)
  if (st.checkDue || now >= st.reconcileAt) return sent('check', '0', 0)
  // Held no longer than the next reconcile is due.
  const timeOut = Math.min(UPSTREAM_HOLD_S, Math.max(1, Math.ceil((st.reconcileAt - now) / 1000)))
  return sent('hold', st.cursor, timeOut)
}

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
      if (ev.success) events.push({ ext: extKey(ext.trim()), ev: JSON.parse(JSON.stringify(ev.data)) as PbxEvent })
      else rejected++
    }
  }
  return { events, rejected }
}

type StateOf = StepContext['stateOf']
const sameEvent = (a: PbxEvent, b: PbxEvent) => JSON.stringify(a.CallData) === JSON.stringify(b.CallData)

/**
 * A PBX snapshot against the feed's state, as events: a call the PBX no longer lists ended (a `Hungup` the
 * server writes: the PBX never said how it ended), a new or changed one as the PBX lists it now.
 */
export function diffSnapshot(
  list: readonly string[],
  snapshot: readonly LogEvent[],
  stateOf: StateOf,
  /** Legs (`ext|id`) events newer than the snapshot may have moved: their events are the truth. */
  skip: ReadonlySet<string> = new Set(),
): LogEvent[] {
  const byExt = new Map<string, Map<string, PbxEvent>>()
  for (const { ext, ev } of snapshot) {
    if (ENDED_STATUSES.has(ev.CallData.status)) continue
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
        if (!now?.has(id) && !skip.has(`${ext}|${id}`))
          out.push({ ext, ev: { CallData: { ...ev.CallData, status: 'Hungup', canAnswer: false } } })
    if (now)
      for (const [id, ev] of now) {
        const prev = before?.get(id)
        if (skip.has(`${ext}|${id}`)) continue
        if (!prev || !sameEvent(prev.ev, ev)) out.push({ ext, ev })
      }
  }
  return out
}

/** A leg the log never saw start (not ringing or dialling out, and not in its state): a restarted PBX's event. */
function unseenCall(events: readonly LogEvent[], stateOf: StateOf): boolean {
  const seen = new Set<string>()
  for (const { ext, ev } of events) {
    const key = `${ext}|${ev.CallData.uniqueCallId}`
    const starts = ev.CallData.status === 'Ringing' || ev.CallData.status === 'Dialing Out'
    if (!starts && !seen.has(key) && !stateOf(ext)?.has(ev.CallData.uniqueCallId)) return true
    seen.add(key)
  }
  return false
}

const listOf = (key: string) => (key ? key.split(',') : [])

/** A failure, as the browsers are told it (the server's words; never the PBX's page, never the key). */
function downOf(e: unknown): { down: Omit<FeedDown, 'retryAt'>; refused: boolean } {
  const err = (typeof e === 'object' && e !== null ? e : {}) as {
    kind?: string
    status?: number
    code?: number
    pbxMessage?: string
    message?: string
    Code?: unknown
    Message?: unknown
  }
  const keyWords = (m: unknown) => typeof m === 'string' && AUTH_WORDS.test(m)
  // A reply with a negative Code (HTTP 200).
  if (err.kind === undefined && typeof err.Code === 'number') {
    if (keyWords(err.Message))
      return {
        down: { error: 'feed-down', reason: 'key-refused', message: 'The PBX refused the API key' },
        refused: false,
      }
    return {
      down: { error: 'feed-down', reason: 'pbx-error', message: `The PBX answered with error Code ${err.Code}` },
      refused: true,
    }
  }
  if (err.kind === 'http' && (err.status === 401 || err.status === 403 || (err.code! < 0 && keyWords(err.pbxMessage))))
    return {
      down: { error: 'feed-down', reason: 'key-refused', message: 'The PBX refused the API key' },
      refused: false,
    }
  const unreachable = err.kind === 'network' || err.kind === 'timeout' || err.kind === 'redirect'
  const message = (unreachable ? 'Cannot reach the PBX' : 'The PBX failed') + (err.message ? `: ${err.message}` : '')
  return {
    down: { error: 'feed-down', reason: unreachable ? 'unreachable' : 'pbx-error', message: message.slice(0, 200) },
    refused: err.kind === 'http' && err.code !== undefined && err.code < 0,
  }
}

function failed(st: UpstreamState, e: unknown, now: number, ctx: StepContext): StepResult {
  const { down, refused } = downOf(e)
  const failures = st.failures + 1
  const refusals = refused ? st.refusals + 1 : 0
  const delay = down.reason === 'key-refused' ? KEY_RETRY_MS : fullJitterDelay(failures - 1, { random: ctx.random })
  // After an outage a check: a restart meanwhile (its connections closed, its seq reset) is seen at once.
  const adopt =
    st.cursor === null || refusals >= REFUSALS_BEFORE_RESYNC || (st.mode.mode === 'snapshot' && st.mode.adopt)
  const retryAt = now + delay
  return {
    state: {
      ...st,
      failures,
      refusals,
      checkDue: 'fault',
      mode: { mode: 'backoff', until: retryAt, then: { mode: 'snapshot', adopt } },
    },
    write: { kind: 'failure', down: { ...down, retryAt } },
    note: { level: 'warn', msg: 'PBX subscribe failed', data: { reason: down.reason, message: down.message, delay } },
  }
}

/** The transition: pure (no I/O, no clock, no randomness but ctx's). */
export function step(st: UpstreamState, input: UpstreamInput, ctx: StepContext): StepResult {
  switch (input.kind) {
    case 'closed':
      // Between two polls or in flight: either way the next request checks (a cut poll also fails first).
      return st.mode.mode === 'hold' || st.mode.mode === 'catch-up'
        ? { state: { ...st, checkDue: 'closed' } }
        : { state: st }
    case 'list': {
      if (input.list === st.want) return { state: st }
      const snap: Mode = { mode: 'snapshot', adopt: true }
      const mode: Mode = st.mode.mode === 'backoff' ? { ...st.mode, then: snap } : snap
      return { state: { ...st, want: input.list, mode } }
    }
    case 'waited':
      return st.mode.mode === 'backoff' && input.now >= st.mode.until
        ? { state: { ...st, mode: st.mode.then } }
        : { state: st }
    case 'retry': {
      const m = st.mode
      if (m.mode !== 'backoff') return { state: st }
      return {
        state: { ...st, mode: { ...m, until: Math.min(m.until, Math.max(input.now, st.lastTry + RETRY_FLOOR_MS)) } },
      }
    }
    case 'write-failed': {
      // Continue from the stored cursor (a retried append is refused there, never written twice), with a check.
      const cursor = input.stored ?? st.cursor
      const then: Mode = { mode: 'snapshot', adopt: cursor === null || (st.mode.mode === 'snapshot' && st.mode.adopt) }
      return { state: { ...st, cursor, checkDue: 'fault', mode: { mode: 'backoff', until: input.now + 1000, then } } }
    }
    case 'error':
      return failed({ ...st, lastTry: input.sent.at }, input.error, input.now, ctx)
    case 'reply':
      return replied({ ...st, lastTry: input.sent.at }, input.sent, input.raw, input.now, ctx)
  }
}

function replied(
  st: UpstreamState,
  sent: Sent,
  raw: Record<string, unknown>,
  now: number,
  ctx: StepContext,
): StepResult {
  const code = typeof raw.Code === 'number' ? raw.Code : Number(raw.Code)
  if (!(code >= 0)) return failed(st, { Code: code, Message: raw.Message }, now, ctx)
  const parsed = subscribeSchema.safeParse(raw)
  if (!parsed.success) return failed(st, { kind: 'not-json', message: 'its reply is not a subscribe reply' }, now, ctx)
  const seq = String(parsed.data.seq)
  const { events } = readEvents(parsed.data.Data)
  const wasDown = st.failures > 0
  const ok: UpstreamState = { ...st, failures: 0, refusals: 0 }
  const lower = st.cursor !== null && BigInt(seq) < BigInt(st.cursor)
  const hold = (s: UpstreamState, write?: UpstreamWrite, note?: StepResult['note']): StepResult => ({
    state: { ...s, mode: { mode: 'hold' } },
    ...(write ? { write } : {}),
    ...(note ? { note } : {}),
  })
  const checked = (s: UpstreamState) => ({ ...s, checkDue: null, reconcileAt: now + ctx.reconcileMs })

  if (sent.as === 'adopt' || (sent.as === 'check' && (lower || st.list !== sent.list))) {
    const fresh = checked({ ...ok, cursor: seq, list: sent.list, newLog: false })
    const list = listOf(sent.list)
    if (st.newLog)
      return hold(fresh, { kind: 'new-log', state: diffSnapshot(list, events, () => undefined), pbxCursor: seq, list })
    // Over the old list too: calls on an extension no longer watched end.
    const diff = diffSnapshot([...new Set([...list, ...listOf(st.list)])], events, ctx.stateOf)
    const restarted = sent.as === 'check' && lower
    return hold(
      fresh,
      { kind: 'events', events: diff, pbxCursor: seq, expected: st.cursor, list },
      restarted
        ? { level: 'warn', msg: 'the PBX restarted: its snapshot diffed in', data: { seq, events: diff.length } }
        : undefined,
    )
  }
  // A check at our cursor settles at once; past it, a catch-up to its seq first.
  if (sent.as === 'check')
    return seq === st.cursor
      ? settle(checked(ok), events, [], seq, ctx)
      : { state: { ...checked(ok), mode: { mode: 'catch-up', check: events } } }
  // A catch-up or a hold, from our cursor.
  if (lower)
    return {
      state: { ...ok, mode: { mode: 'snapshot', adopt: true } },
      note: { level: 'warn', msg: "the PBX's seq went back: it restarted", data: { seq, sent: sent.cursor } },
    }
  if (seq === sent.cursor && events.length > 0)
    return hold(ok, wasDown ? { kind: 'events', events: [], pbxCursor: seq, expected: st.cursor } : undefined, {
      level: 'warn',
      msg: 'a reply repeated its seq with events: ignored as a replay',
    })
  let checkDue = ok.checkDue
  if (events.length && unseenCall(events, ctx.stateOf)) checkDue = 'unseen-call'
  else if (!events.length && sent.as === 'hold' && now - sent.at < sent.timeOut * 1000 - 1000) checkDue = 'empty-early'
  const next = { ...ok, checkDue }
  if (st.mode.mode === 'catch-up') return settle(next, st.mode.check, events, seq, ctx)
  const moved = events.length > 0 || wasDown || seq !== st.cursor
  return hold(
    { ...next, cursor: seq },
    moved ? { kind: 'events', events, pbxCursor: seq, expected: st.cursor } : undefined,
  )
}

/** A check: what its snapshot says and the log (with the catch-up's events, which are newer) does not, diffed in. */
function settle(
  st: UpstreamState,
  snapshot: LogEvent[],
  events: LogEvent[],
  seq: string,
  ctx: StepContext,
): StepResult {
  const touched = new Set(events.map((e) => `${e.ext}|${e.ev.CallData.uniqueCallId}`))
  const diff = diffSnapshot(listOf(st.list), snapshot, ctx.stateOf, touched)
  const all = [...events, ...diff]
  return {
    state: { ...st, cursor: seq, mode: { mode: 'hold' } },
    write: { kind: 'events', events: all, pbxCursor: seq, expected: st.cursor },
    ...(diff.length
      ? {
          note: {
            level: 'warn' as const,
            msg: 'a check found calls the log missed: diffed in',
            data: { events: diff.length },
          },
        }
      : {}),
  }
}

export interface UpstreamOptions {
  callPbx: CallPbx
  /** The extensions to watch now (bare, sorted); read before every poll. */
  wanted: () => readonly string[]
  stateOf: StepContext['stateOf']
  /** Stores a write; rejects with `{ storedCursor }` when the store holds another PBX cursor. */
  write: (w: UpstreamWrite) => Promise<void>
  logger: Logger
  /** Where to start (a new leader takes over the stored cursor; no log yet: a new one). */
  initial?: { cursor: string | null; list: string; newLog: boolean }
  /** SWITCHBOARD_RECONCILE_S in ms: a check snapshot at least this often. */
  reconcileMs?: number
  random?: () => number
}

export interface Upstream {
  /** Stop at once (any held request is aborted). */
  stop(): Promise<void>
  /** The list changed: give up the held poll so the next one covers it. */
  relist(): void
  /** Retry now: while failing, try the PBX now (at most once a second). */
  retry(): void
  readonly state: UpstreamState
}

class Stopped extends Error {}

export function startUpstream(o: UpstreamOptions): Upstream {
  const ctx: StepContext = { stateOf: o.stateOf, reconcileMs: o.reconcileMs ?? 60_000, random: o.random }
  const init = o.initial ?? { cursor: null, list: '', newLog: true }
  let st = initialState({ ...init, now: Date.now(), reconcileMs: ctx.reconcileMs })
  const stopped = new AbortController()
  /** The held request (a new list or a stop aborts it) and what ends a wait early (Retry now, a new list). */
  let current: AbortController | null = null
  let wake: (() => void) | null = null
  let pacedFrom = 0

  const input = (i: UpstreamInput) => {
    const r = step(st, i, ctx)
    st = r.state
    if (r.note) o.logger[r.note.level](r.note.data ?? {}, r.note.msg)
    return r
  }
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(done, Math.max(0, ms))
      function done() {
        clearTimeout(t)
        stopped.signal.removeEventListener('abort', done)
        wake = null
        resolve()
      }
      wake = done
      stopped.signal.addEventListener('abort', done, { once: true })
    })
  const offClose = o.callPbx.onClose?.(() => {
    input({ kind: 'closed' })
    wake?.()
  })

  /** The one place the leader's writes go (memory or Redis): every event appended passes here. */
  async function commit(before: UpstreamState, w: UpstreamWrite | undefined): Promise<void> {
    if (!w) return
    try {
      await o.write(w)
    } catch (e) {
      if (stopped.signal.aborted) throw new Stopped()
      o.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'feed write failed')
      const stored = (e as { storedCursor?: string }).storedCursor
      st = before
      input({ kind: 'write-failed', stored, now: Date.now() })
    }
  }

  async function once(): Promise<void> {
    const list = o.wanted().join(',')
    if (list !== st.want) input({ kind: 'list', list, now: Date.now() })
    let req = requestFor(st, Date.now())
    if (req.kind === 'wait') {
      await sleep(req.until - Date.now())
      return void input({ kind: 'waited', now: Date.now() })
    }
    // The PBX's minimum period, from its previous reply; a sign (its connection closed) may change the request.
    await sleep(pacedFrom + MIN_POLL_PERIOD_MS - Date.now())
    if (stopped.signal.aborted) throw new Stopped()
    req = requestFor(st, Date.now())
    if (req.kind === 'wait' || req.sent.list !== o.wanted().join(',')) return
    const { sent } = req
    current = new AbortController()
    const signal = AbortSignal.any([stopped.signal, current.signal])
    const before = st
    let result: StepResult
    try {
      const raw = sent.list
        ? await o.callPbx(
            'subscribe',
            { exten: sent.list, lastSequenceNumber: sent.cursor, timeOut: String(sent.timeOut) },
            { signal, timeoutMs: upstreamDeadlineMs(sent.timeOut) },
          )
        : // Nothing to watch yet (dynamic mode before any browser): an empty, covering log.
          { Code: 0, Data: {}, seq: sent.cursor }
      pacedFrom = Date.now()
      result = input({ kind: 'reply', sent, raw, now: pacedFrom })
    } catch (e) {
      pacedFrom = Date.now()
      if (stopped.signal.aborted) throw new Stopped()
      // Given up for a new list: not a failure.
      if (current.signal.aborted) return
      result = input({ kind: 'error', sent, error: e, now: pacedFrom })
    } finally {
      current = null
    }
    await commit(before, result.write)
  }

  const done = (async () => {
    while (!stopped.signal.aborted) {
      try {
        await once()
      } catch (e) {
        if (e instanceof Stopped || stopped.signal.aborted) break
        o.logger.error({ err: e instanceof Error ? e.message : String(e) }, 'feed upstream error')
        await sleep(1000)
      }
    }
    offClose?.()
  })()

  return {
    get state() {
      return st
    },
    async stop() {
      stopped.abort()
      await done
    },
    retry() {
      input({ kind: 'retry', now: Date.now() })
      const m = st.mode
      if (m.mode === 'backoff' && wake) {
        const w = wake
        setTimeout(() => wake === w && w(), Math.max(0, m.until - Date.now()))
      }
    },
    relist() {
      current?.abort()
      wake?.()
    },
  }
}
