// The one upstream: one subscribe for the union of watched extensions. What the PBX contract makes hard
// (the cursor, the 100 ms period, backoff, refused keys and cursors, restarts, snapshots diffed into events)
// is one pure transition, step(state, input) → { state, write } and requestFor(state, now), tested as a
// table (upstream.test.ts); upstream-loop.ts is the thin loop that does the I/O.
import type { FeedDown } from '../../src/features/pbx/feed-contract.ts'
import { subscribeSchema } from '../../src/features/pbx/pbx-schemas.ts'
import { fullJitterDelay } from '../../src/lib/backoff.ts'
import type { LogEvent } from './event-log.ts'
import { diffSnapshot, downOf, listOf, readEvents, unseenCall, type StateOf } from './pbx-reply.ts'

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
  stateOf: StateOf
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
  if (!parsed.success)
    return failed(
      st,
      { kind: 'not-json', message: 'The PBX sent a reply that is not a subscribe reply (no seq or Data)' },
      now,
      ctx,
    )
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
