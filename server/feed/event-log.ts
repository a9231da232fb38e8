// The server's event log (docs/architecture.md, "The event log and the browser's cursor"): a ring
// buffer of events numbered by the log's own seq, the call state per extension, and the browsers'
// held polls. Fed by one writer (the upstream loop in memory, or the Redis stream reader); never
// talks to the PBX itself.
import { ENDED_STATUSES, RESYNC_SEQ, type FeedDown } from '../../src/features/pbx/feed-contract.ts'
import type { FeedReply, KnownCall, PbxEvent } from '../types.ts'

/** A browser poll is held at most this long, whatever timeOut it asks. */
export const MAX_HOLD_S = 25
/** While the feed is down, browsers are told to ask again within this long: they see its recovery in seconds. */
export const DOWN_RETRY_AFTER_MAX_S = 5

/** One event of the log: the extension it came for and the event as the PBX gave it (parsed). */
export interface LogEvent {
  ext: string
  ev: PbxEvent
}

/** What the writer hands the log; the Redis stream carries the same entries. */
export type LogEntry =
  /** Events numbered first, first + 1, …; `list`: the extensions the upstream now covers. */
  | { kind: 'events'; first: number; events: LogEvent[]; list?: string[] }
  /**
   * A new log (start, lost Redis): every cursor so far falls outside it. `head`: joining a log already under
   * way (another instance's, read from Redis) at its head, with its state.
   */
  | { kind: 'new-log'; base: number; head?: number; state: LogEvent[]; list: string[]; down?: FeedDown | null }
  /** The upstream failed (why, for the browsers) or answered again (null). */
  | { kind: 'status'; down: FeedDown | null }

/** The log's phase: one state, never flags that must agree. */
export type LogPhase =
  | { phase: 'waiting' } // nothing heard from the PBX (or Redis) since start
  | { phase: 'live' }
  | { phase: 'down'; down: FeedDown }
  | { phase: 'closed' }

interface Stored {
  seq: number
  ext: string
  json: string
}

interface StateLeg {
  ev: PbxEvent
  json: string
}

interface Waiter {
  exts: ReadonlySet<string>
  cursor: number
  resolve: (reply: FeedReply) => void
  timer: ReturnType<typeof setTimeout>
  signal: AbortSignal
  onAbort: () => void
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
const json = (body: string): FeedReply => ({ status: 200, headers: JSON_HEADERS, body })
const emptyReply = (seq: number) => json(`{"Data":{},"seq":${seq},"Code":0}`)
/** Outside the log (feed-contract.ts RESYNC_SEQ): the panel takes a snapshot. */
const OUTSIDE = emptyReply(RESYNC_SEQ)
const UNAVAILABLE = (message: string): FeedReply => ({ status: 503, body: { error: 'unavailable', message } })

/** The feed is down: 503, the server's own words, and when to ask again (never the PBX's page or key). */
export function downReply(down: FeedDown, now = Date.now()): FeedReply {
  const wait = down.retryAt === undefined ? 1 : Math.ceil((down.retryAt - now) / 1000)
  const retryAfter = Math.min(Math.max(wait, 1), DOWN_RETRY_AFTER_MAX_S)
  return { status: 503, headers: { ...JSON_HEADERS, 'retry-after': String(retryAfter) }, body: JSON.stringify(down) }
}

export interface PollRequest {
  /** Bare extensions, already limited to what the user may watch. */
  exts: readonly string[]
  cursor: number
  timeoutSec: number
  signal: AbortSignal
}

export class EventLog {
  /** The log's base: its first event is base + 1; a cursor below it belongs to another log. */
  base = 0
  head = 0
  phase: LogPhase = { phase: 'waiting' }
  covered: ReadonlySet<string> = new Set()

  private ring: (Stored | undefined)[]
  private size = 0
  private byExt = new Map<string, Map<string, StateLeg>>()
  private byCall = new Map<string, Map<string, string>>()
  private waiters = new Set<Waiter>()
  /** Polls waiting for a log, for an extension to be covered, or for a cursor another instance issued. */
  private pending = new Set<() => void>()

  constructor(private readonly capacity = 10_000) {
    this.ring = new Array<Stored | undefined>(capacity)
  }

  /** The oldest cursor still answered from the log. */
  get oldestCursor(): number {
    return this.head - this.size
  }

  /** A log exists (heard from the PBX, or joined in Redis). */
  get started(): boolean {
    return this.base > 0
  }

  apply(entry: LogEntry): void {
    if (this.phase.phase === 'closed') return
    if (entry.kind === 'status') {
      this.setDown(entry.down)
    } else if (entry.kind === 'new-log') {
      this.base = entry.base
      this.head = entry.head ?? entry.base
      this.size = 0
      this.ring.fill(undefined)
      this.byExt.clear()
      this.byCall.clear()
      for (const e of entry.state) this.setState(e.ext, e.ev, JSON.stringify(e.ev))
      this.covered = new Set(entry.list)
      // Every held cursor belongs to the old log now.
      for (const w of [...this.waiters]) this.release(w, OUTSIDE)
      this.setDown(entry.down ?? null)
    } else {
      if (entry.first !== this.head + 1) throw new Error(`log gap: event ${entry.first} after ${this.head}`)
      const touched = new Set<string>()
      for (const { ext, ev } of entry.events) {
        const s: Stored = { seq: ++this.head, ext, json: JSON.stringify(ev) }
        this.ring[s.seq % this.capacity] = s
        if (this.size < this.capacity) this.size++
        this.setState(ext, ev, s.json)
        touched.add(ext)
      }
      if (entry.list) this.covered = new Set(entry.list)
      this.setDown(null)
      if (touched.size) this.wake(touched)
    }
    for (const f of [...this.pending]) f()
  }

  /** What the feed knows of a call now. */
  call(uniqueCallId: string): KnownCall | undefined {
    const legs = this.byCall.get(uniqueCallId)
    return legs ? { uniqueCallId, legs: new Map(legs) } : undefined
  }

  /** Every extension's calls now (for diffing a PBX snapshot against). */
  stateOf(ext: string): ReadonlyMap<string, { ev: PbxEvent }> | undefined {
    return this.byExt.get(ext)
  }

  async poll(req: PollRequest, wait: { forCursorMs: number }): Promise<FeedReply> {
    const exts = new Set(req.exts)
    const holdMs = Math.max(0, Math.min(req.timeoutSec, MAX_HOLD_S)) * 1000
    // Before the first log, for an extension being added (dynamic), or a cursor issued by another
    // instance a moment ahead of this one: wait (bounded) for the log to get there.
    const ready = () =>
      this.phase.phase === 'closed' ||
      this.phase.phase === 'down' ||
      (this.phase.phase === 'live' &&
        [...exts].every((e) => this.covered.has(e)) &&
        (req.cursor <= this.head || req.cursor > this.head + 1_000_000))
    if (!ready()) {
      const limit = this.started && req.cursor > this.head ? wait.forCursorMs : Math.max(holdMs, 5_000)
      await this.until(ready, limit, req.signal)
    }
    const p = this.phase
    if (p.phase === 'closed') return UNAVAILABLE('The server is shutting down')
    if (p.phase === 'down') return downReply(p.down)
    if (p.phase === 'waiting') return UNAVAILABLE('The server has not heard from the PBX yet')
    if (req.cursor === 0) return this.snapshot(exts)
    if (req.cursor > this.head || req.cursor < this.oldestCursor) return OUTSIDE
    const found = this.since(req.cursor, exts)
    if (found || holdMs === 0 || req.signal.aborted) return json(found ?? this.bodyOf('{}'))
    return new Promise<FeedReply>((resolve) => {
      const w: Waiter = {
        exts,
        cursor: req.cursor,
        resolve,
        signal: req.signal,
        timer: setTimeout(() => this.release(w, emptyReply(this.head)), holdMs),
        onAbort: () => this.release(w, emptyReply(this.head)),
      }
      this.waiters.add(w)
      req.signal.addEventListener('abort', w.onAbort, { once: true })
    })
  }

  get heldPolls(): number {
    return this.waiters.size
  }

  /** Answer every held poll at once (SIGTERM) and refuse new ones. */
  close(): void {
    this.phase = { phase: 'closed' }
    for (const w of [...this.waiters]) this.release(w, emptyReply(this.head))
    for (const f of [...this.pending]) f()
  }

  /** Down (held polls answered at once with why) or up again. */
  private setDown(down: FeedDown | null): void {
    if (down) {
      this.phase = { phase: 'down', down }
      const reply = downReply(down)
      for (const w of [...this.waiters]) this.release(w, reply)
    } else this.phase = this.started ? { phase: 'live' } : { phase: 'waiting' }
  }

  private until(ok: () => boolean, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.pending.delete(check)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const check = () => ok() && done()
      const timer = setTimeout(done, ms)
      this.pending.add(check)
      signal.addEventListener('abort', done, { once: true })
    })
  }

  private setState(ext: string, ev: PbxEvent, evJson: string): void {
    const id = ev.CallData.uniqueCallId
    const legs = this.byExt.get(ext) ?? new Map<string, StateLeg>()
    const calls = this.byCall.get(id) ?? new Map<string, string>()
    if (ENDED_STATUSES.has(ev.CallData.status)) {
      legs.delete(id)
      calls.delete(ext)
    } else {
      legs.set(id, { ev, json: evJson })
      calls.set(ext, ev.CallData.status)
    }
    if (legs.size) this.byExt.set(ext, legs)
    else this.byExt.delete(ext)
    if (calls.size) this.byCall.set(id, calls)
    else this.byCall.delete(id)
  }

  private bodyOf(data: string): string {
    return `{"Data":${data},"seq":${this.head},"Code":0}`
  }

  private snapshot(exts: ReadonlySet<string>): FeedReply {
    const parts: string[] = []
    for (const ext of exts) {
      const legs = this.byExt.get(ext)
      if (legs?.size) parts.push(`${JSON.stringify(ext)}:[${[...legs.values()].map((l) => l.json).join(',')}]`)
    }
    return json(this.bodyOf(`{${parts.join(',')}}`))
  }

  /** The reply body for the events after `cursor` on `exts`, or null when there are none. */
  private since(cursor: number, exts: ReadonlySet<string>): string | null {
    const byExt = new Map<string, string[]>()
    for (let seq = cursor + 1; seq <= this.head; seq++) {
      const s = this.ring[seq % this.capacity]!
      if (!exts.has(s.ext)) continue
      const list = byExt.get(s.ext)
      if (list) list.push(s.json)
      else byExt.set(s.ext, [s.json])
    }
    if (byExt.size === 0) return null
    const parts: string[] = []
    for (const [ext, list] of byExt) parts.push(`${JSON.stringify(ext)}:[${list.join(',')}]`)
    return this.bodyOf(`{${parts.join(',')}}`)
  }

  /**
   * New events on `touched`: each held poll checks its own extensions. A reply depends only on the cursor and
   * on which of the extensions with events since it the poll watches, so it is built once per such pair — a
   * thousand browsers, each with its own list but all watching the extension that rang, share one body.
   */
  private wake(touched: ReadonlySet<string>): void {
    const bodies = new Map<string, string>()
    /** Per cursor: the extensions with events after it, in log order. */
    const since = new Map<number, string[]>()
    for (const w of [...this.waiters]) {
      let hit = false
      for (const ext of touched)
        if (w.exts.has(ext)) {
          hit = true
          break
        }
      if (!hit) continue
      // Its cursor fell out of the ring while it waited: answered as poll() answers it, never events twice.
      if (w.cursor < this.oldestCursor) {
        this.release(w, OUTSIDE)
        continue
      }
      let moved = since.get(w.cursor)
      if (!moved) {
        const seen = new Set<string>()
        for (let seq = w.cursor + 1; seq <= this.head; seq++) seen.add(this.ring[seq % this.capacity]!.ext)
        moved = [...seen]
        since.set(w.cursor, moved)
      }
      let k = `${w.cursor}|`
      for (const ext of moved) if (w.exts.has(ext)) k += `${ext},`
      let body = bodies.get(k)
      if (body === undefined) {
        body = this.since(w.cursor, w.exts) ?? this.bodyOf('{}')
        bodies.set(k, body)
      }
      this.release(w, json(body))
    }
  }

  private release(w: Waiter, reply: FeedReply): void {
    if (!this.waiters.delete(w)) return
    clearTimeout(w.timer)
    w.signal.removeEventListener('abort', w.onAbort)
    w.resolve(reply)
  }
}
