// The server's event log (docs/architecture.md, "The event log and the browser's cursor"): a ring
// buffer of events numbered by the log's own seq, the call state per extension, and the browsers'
// held polls. Fed by one writer (the upstream loop in memory, or the Redis stream reader); never
// talks to the PBX itself.
import type { FeedReply, KnownCall, PbxEvent } from '../types.ts'

/** Statuses that end a leg (the contract's 14.0 Events). */
export const ENDED: ReadonlySet<string> = new Set(['Hungup', 'Busy', 'No Answer'])
/** A browser poll is held at most this long, whatever timeOut it asks. */
export const MAX_HOLD_S = 25

/** One event of the log: the extension it came for and the event as the PBX gave it (parsed). */
export interface LogEvent {
  ext: string
  ev: PbxEvent
}

/** What the writer hands the log; the Redis stream carries the same entries. */
export type LogEntry =
  /**
   * Events numbered first, first + 1, …; `list`: the extensions the upstream now covers. `verifying`: a
   * catch-up after an outage whose check for a PBX restart is still to come (the next entry settles it).
   */
  | { kind: 'events'; first: number; events: LogEvent[]; list?: string[]; verifying?: boolean }
  /**
   * A new log (start, PBX restart, lost Redis): every cursor so far falls outside it. `head`: joining a
   * log already under way (another instance's, read from Redis) at its head, with its state.
   */
  | {
      kind: 'new-log'
      base: number
      head?: number
      state: LogEvent[]
      list: string[]
      failure?: FeedReply | null
      verifying?: boolean
    }
  /** The upstream failed (the reply to mirror) or answered again (null). */
  | { kind: 'status'; failure: FeedReply | null }

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
/** Outside the log (docs/architecture.md): a lower seq, which the panel reads as a restart. */
const OUTSIDE = emptyReply(0)
const UNAVAILABLE = (message: string): FeedReply => ({ status: 503, body: { error: 'unavailable', message } })

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
  /** No log yet: nothing heard from the PBX (or Redis) since start. */
  started = false
  failure: FeedReply | null = null
  /**
   * Back from an outage, the upstream has caught up but not yet checked that the PBX did not restart:
   * polls wait (bounded) for the check, so a browser's catch-up is answered from the right log — a
   * restart's new log gives it seq 0, which the panel shows as "Resynchronised with the PBX".
   */
  verifying = false
  covered: ReadonlySet<string> = new Set()
  closed = false
  /** Counts entries applied: a poll can wait for the next one. */
  version = 0

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

  apply(entry: LogEntry): void {
    this.version++
    if (entry.kind === 'status') {
      this.failure = entry.failure
      if (entry.failure) for (const w of [...this.waiters]) this.release(w, entry.failure)
    } else if (entry.kind === 'new-log') {
      this.base = entry.base
      this.head = entry.head ?? entry.base
      this.size = 0
      this.ring.fill(undefined)
      this.byExt.clear()
      this.byCall.clear()
      for (const e of entry.state) this.setState(e.ext, e.ev, JSON.stringify(e.ev))
      this.covered = new Set(entry.list)
      this.started = true
      this.failure = entry.failure ?? null
      this.verifying = entry.verifying ?? false
      // Every held cursor belongs to the old log now.
      for (const w of [...this.waiters]) this.release(w, OUTSIDE)
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
      this.failure = null
      this.verifying = entry.verifying ?? false
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

  /** The whole state as events (a Redis snapshot, a new log carried over). */
  allState(): LogEvent[] {
    const out: LogEvent[] = []
    for (const [ext, legs] of this.byExt) for (const { ev } of legs.values()) out.push({ ext, ev })
    return out
  }

  /** Until the next entry is applied (a nudged upstream try's outcome), at most `ms`. */
  async nextEntry(ms: number, signal: AbortSignal): Promise<void> {
    const v = this.version
    await this.until(() => this.version !== v || this.closed, ms, signal)
  }

  async poll(req: PollRequest, wait: { forCursorMs: number }): Promise<FeedReply> {
    const exts = new Set(req.exts)
    const holdMs = Math.max(0, Math.min(req.timeoutSec, MAX_HOLD_S)) * 1000
    // Before the first log, for an extension being added (dynamic), or a cursor issued by another
    // instance a moment ahead of this one: wait (bounded) for the log to get there.
    const ready = () =>
      this.closed ||
      this.failure !== null ||
      (this.started &&
        !this.verifying &&
        [...exts].every((e) => this.covered.has(e)) &&
        (req.cursor <= this.head || req.cursor > this.head + 1_000_000))
    if (!ready()) {
      const limit = this.started && req.cursor > this.head ? wait.forCursorMs : Math.max(holdMs, 5_000)
      await this.until(ready, limit, req.signal)
    }
    if (this.closed) return UNAVAILABLE('The server is shutting down')
    if (this.failure) return this.failure
    if (!this.started) return UNAVAILABLE('The server has not heard from the PBX yet')
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
    this.closed = true
    for (const w of [...this.waiters]) this.release(w, emptyReply(this.head))
    for (const f of [...this.pending]) f()
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
    if (ENDED.has(ev.CallData.status)) {
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
