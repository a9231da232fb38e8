// The upstream's thin loop: the I/O around step() (upstream.ts) — the PBX request, the pacing, the waits, the
// writes. Its commit() is the one place the leader's events are appended (in memory or to Redis).
import type { Logger } from 'pino'
import { MIN_POLL_PERIOD_MS } from '../../src/features/pbx/feed-contract.ts'
import type { CallPbx } from '../types.ts'
import {
  initialState,
  requestFor,
  step,
  upstreamDeadlineMs,
  type StepContext,
  type StepResult,
  type UpstreamInput,
  type UpstreamState,
  type UpstreamWrite,
} from './upstream.ts'

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
    // No wake: the request after the pacing wait is computed afresh (the minimum period still holds).
    input({ kind: 'closed' })
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
    // Nothing to watch (the local developer before any browser), once its empty log exists: wait for a list.
    if (!sent.list && st.cursor !== null) return sleep(60_000)
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
