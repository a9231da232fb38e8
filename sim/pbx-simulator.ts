// A model of the Noojee Contact CallManagementAPI (../shared/noojee-api.md), environment-neutral:
// MSW handlers (unit tests), the dev server's built-in PBX and e2e all drive this one class.

export type SimStatus =
  'Ringing' | 'Connected' | 'Hungup' | 'Busy' | 'No Answer' | 'Unlinked' | 'Dialing Out' | (string & {})

const ENDED = new Set(['Hungup', 'Busy', 'No Answer'])
/** The contract's auto-answer headers (answer, by handset): anything else is refused. */
const ANSWER_HEADERS = new Set(['Call-info:answer-after=0', 'Alert-Info: Ring Answer', 'Call-Info:\\; answer-after=0'])

export interface SimLeg {
  ext: string
  status: SimStatus
  callerId: string
  inbound: boolean
  canAnswer: boolean
  isQueueCall: boolean
  isClickToDialCall: boolean
  callStartTime: string
}

export interface SimCall {
  uniqueCallId: string
  legs: Map<string, SimLeg>
  recordingBy?: string
}

interface LoggedEvent {
  seq: number
  ext: string
  callId: number
  data: Record<string, unknown>
}

/** What a transport should do with a request. */
export type SimReply =
  { kind: 'http'; status: number; contentType: string; body: string } | { kind: 'reset' } | { kind: 'hang' }

export type SimFault =
  | { kind: 'http'; status: number; body?: string; contentType?: string }
  | { kind: 'html' }
  | { kind: 'truncated' }
  | { kind: 'wrongShape' }
  | { kind: 'negativeCode'; code?: number; message?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  /** Answer normally, then send the very same reply again to the next subscribe. */
  | { kind: 'duplicate' }

export type AuthStyle = 'code' | 'http401' | 'html403'

/**
 * How a restarted PBX answers a cursor from before (beyond its new seq); every restart closes its connections.
 * Default: at once, with its real, lower seq. `echoCursor`: held, then echoed back with no events — events numbered
 * at or below it never sent. `holdStale`: held, and each new event wakes it with nothing and the cursor echoed.
 */
export interface RestartOptions {
  echoCursor?: boolean
  holdStale?: boolean
  /** Restart just after the next subscribe reply has left: between two polls, no request in flight. */
  betweenPolls?: boolean
}

export interface SimOptions {
  apiKey?: string
  /** Delay between an accepted answer and its Connected event. */
  answerDelayMs?: number
  /** The PBX's minimum poll period. */
  minPollPeriodMs?: number
  /** Events that land within this window are sent in one reply. */
  batchWindowMs?: number
  now?: () => number
}

export interface RingOptions {
  ext: string
  callerId?: string
  uniqueCallId?: string
  queue?: boolean
  canAnswer?: boolean
  /** Ring another watched extension as the calling side (an internal call). */
  fromExt?: string
}

interface Waiter {
  exts: Set<string>
  after: number
  resolve: (reply: SimReply) => void
  timer: ReturnType<typeof setTimeout>
  flushTimer?: ReturnType<typeof setTimeout>
}

const json = (body: unknown, status = 200): SimReply => ({
  kind: 'http',
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
})

const pad = (n: number) => String(n).padStart(2, '0')
function pbxTime(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

export class PbxSimulator {
  apiKey: string
  authStyle: AuthStyle = 'code'
  seq = 0
  calls = new Map<string, SimCall>()
  /** Every request the simulator received, for assertions (method and parameters). */
  requests: { method: string; params: Record<string, string>; at: number }[] = []

  private log: LoggedEvent[] = []
  private callCounter = 0
  private idCounter = 1000
  private waiters = new Set<Waiter>()
  private faults: SimFault[] = []
  private replay: SimReply | null = null
  /** Cursors up to this one are no longer known (see forgetCursors); 0: all are. */
  private forgottenUpTo = 0
  private staleCursors: 'answer' | 'echo' | 'hold' = 'answer'
  private closeListeners = new Set<() => void>()
  private restartQueued: RestartOptions | null = null
  private lastPollAt = new Map<string, number>()
  private readonly opts: Required<Omit<SimOptions, 'apiKey'>>

  constructor(options: SimOptions = {}) {
    this.apiKey = options.apiKey ?? 'sim-key'
    this.opts = {
      answerDelayMs: options.answerDelayMs ?? 250,
      minPollPeriodMs: options.minPollPeriodMs ?? 100,
      batchWindowMs: options.batchWindowMs ?? 5,
      now: options.now ?? Date.now,
    }
  }

  // ---- control surface (tests, dev demo) ----------------------------------------------------

  /** Queue faults: each applies to the next subscribe request, in order. */
  failNextSubscribe(...faults: SimFault[]): void {
    this.faults.push(...faults)
  }

  clearFaults(): void {
    this.faults = []
    this.replay = null
  }

  /**
   * A PBX restart, as a real one: every connection closed (held polls cut, idle ones too: listeners told), the
   * sequence starts again, active calls are gone. How it answers an old cursor: RestartOptions.
   */
  restart({ echoCursor = false, holdStale = false, betweenPolls = false }: RestartOptions = {}): void {
    if (betweenPolls) return void (this.restartQueued = { echoCursor, holdStale })
    this.restartQueued = null
    this.staleCursors = echoCursor ? 'echo' : holdStale ? 'hold' : 'answer'
    this.seq = 0
    this.log = []
    this.calls.clear()
    for (const w of this.waiters) this.release(w, { kind: 'reset' })
    for (const f of [...this.closeListeners]) f()
  }

  /** Called when the simulator closes every connection (a restart); returns the unsubscribe. */
  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener)
    return () => this.closeListeners.delete(listener)
  }

  /**
   * The PBX drops its event history (a bounded log rotated, a cache flushed): every cursor it
   * has issued so far is refused from now on (Code -1), held polls included; a snapshot
   * (`lastSequenceNumber=0`) issues a new one.
   */
  forgetCursors(): void {
    this.forgottenUpTo = this.seq
    this.seq += 1
    for (const w of this.waiters) this.release(w, this.unknownCursor(w.after))
  }

  private unknownCursor(last: number): SimReply {
    return json({ Code: -1, Message: `Unknown lastSequenceNumber ${last}` })
  }

  reset(): void {
    this.forgottenUpTo = 0
    this.restart()
    this.clearFaults()
    this.requests = []
    this.authStyle = 'code'
    this.lastPollAt.clear()
  }

  ring(o: RingOptions): string {
    const uniqueCallId = o.uniqueCallId ?? this.nextUniqueId()
    const now = this.opts.now()
    const call: SimCall = this.calls.get(uniqueCallId) ?? { uniqueCallId, legs: new Map() }
    this.calls.set(uniqueCallId, call)
    const base = {
      isQueueCall: o.queue ?? false,
      isClickToDialCall: false,
      callStartTime: pbxTime(now),
    }
    if (o.fromExt) {
      this.setLeg(call, {
        ...base,
        ext: o.fromExt,
        status: 'Dialing Out',
        callerId: o.ext,
        inbound: false,
        canAnswer: false,
      })
    }
    this.setLeg(call, {
      ...base,
      ext: o.ext,
      status: 'Ringing',
      callerId: o.callerId ?? o.fromExt ?? '0400000000',
      inbound: true,
      canAnswer: o.canAnswer ?? true,
    })
    return uniqueCallId
  }

  /** Move every leg of a call (or one extension's leg) to a status. */
  setStatus(uniqueCallId: string, status: SimStatus, ext?: string): boolean {
    const call = this.calls.get(uniqueCallId)
    if (!call) return false
    for (const leg of call.legs.values()) {
      if (ext && leg.ext !== ext) continue
      if (ENDED.has(leg.status)) continue
      this.setLeg(call, { ...leg, status, canAnswer: status === 'Ringing' && leg.canAnswer })
    }
    if ([...call.legs.values()].every((l) => ENDED.has(l.status))) this.calls.delete(uniqueCallId)
    return true
  }

  /** Emit a raw event, as-is, for odd-input tests (unknown statuses, extra fields). */
  emitRaw(ext: string, callData: Record<string, unknown>): void {
    this.append(ext, callData)
  }

  activeLegs(ext?: string): SimLeg[] {
    const legs: SimLeg[] = []
    for (const call of this.calls.values())
      for (const leg of call.legs.values()) if ((!ext || leg.ext === ext) && !ENDED.has(leg.status)) legs.push(leg)
    return legs
  }

  /** The true state per extension: uniqueCallId → status, ended legs left out. */
  truth(exts: string[]): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {}
    for (const ext of exts) out[ext] = {}
    for (const call of this.calls.values())
      for (const leg of call.legs.values())
        if (out[leg.ext] && !ENDED.has(leg.status)) out[leg.ext][call.uniqueCallId] = leg.status
    return out
  }

  get heldPolls(): number {
    return this.waiters.size
  }

  // ---- the HTTP API ------------------------------------------------------------------------

  /** Handle `POST /servicemanager/rest/CallManagementAPI/<method>?<query>`. */
  async handle(httpMethod: string, method: string, params: URLSearchParams, signal?: AbortSignal): Promise<SimReply> {
    const p = Object.fromEntries(params)
    this.requests.push({ method, params: p, at: this.opts.now() })
    if (httpMethod !== 'POST')
      return { kind: 'http', status: 405, contentType: 'text/html', body: '<h1>405 Method Not Allowed</h1>' }
    if (p.apiKey !== this.apiKey) return this.refuseKey()
    switch (method) {
      case 'subscribe': {
        const reply = await this.subscribe(p, signal)
        const queued = this.restartQueued
        // Once this reply is on its way (the client's next poll is at least the minimum period away).
        if (queued && reply.kind === 'http' && reply.status === 200) {
          this.restartQueued = null
          setTimeout(() => this.restart(queued), 20)
        }
        return reply
      }
      case 'answer':
        return this.answer(p)
      case 'hangup':
        return this.hangup(p)
      case 'dial':
        return this.dial(p)
      case 'start':
        return this.record(p, true)
      case 'stop':
        return this.record(p, false)
      default:
        return { kind: 'http', status: 404, contentType: 'text/html', body: '<h1>404 Not Found</h1>' }
    }
  }

  private refuseKey(): SimReply {
    if (this.authStyle === 'http401')
      return { kind: 'http', status: 401, contentType: 'text/plain', body: 'Unauthorized' }
    if (this.authStyle === 'html403')
      return { kind: 'http', status: 403, contentType: 'text/html', body: '<html><body>Forbidden</body></html>' }
    return json({ Code: -1, Message: 'Authentication failed: invalid apiKey' })
  }

  private async subscribe(p: Record<string, string>, signal?: AbortSignal): Promise<SimReply> {
    if (!p.exten) return json({ Code: -1, Message: 'Missing parameter: exten' })
    if (!/^\d+$/.test(p.lastSequenceNumber ?? ''))
      return json({ Code: -1, Message: 'Missing or invalid parameter: lastSequenceNumber' })
    const last = Number(p.lastSequenceNumber)
    if (last !== 0 && last <= this.forgottenUpTo) return this.unknownCursor(last)
    const timeOut = p.timeOut === undefined ? 10 : Math.max(0, Number(p.timeOut) || 0)
    // Taken as sent: the PBX keys events by the bare extension, so `SIP/410` watches nothing.
    const exts = new Set(p.exten.split(',').map((e) => e.trim()))

    // The PBX enforces a minimum period between polls of one subscription.
    const now = this.opts.now()
    const prev = this.lastPollAt.get(p.exten) ?? -Infinity
    const wait = prev + this.opts.minPollPeriodMs - now
    this.lastPollAt.set(p.exten, Math.max(now, prev + this.opts.minPollPeriodMs))
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))

    const fault = this.faults.shift()
    if (fault) return this.faultReply(fault, exts, last)
    // A replay comes from the event queue, so only to a poll with a cursor: a snapshot
    // (`lastSequenceNumber=0`) is read from the current state.
    if (this.replay && last !== 0) {
      const r = this.replay
      this.replay = null
      return r
    }

    if (last === 0) {
      const data: Record<string, unknown[]> = {}
      for (const leg of this.activeLegs()) {
        if (!exts.has(leg.ext)) continue
        ;(data[leg.ext] ??= []).push(this.eventFor(leg, this.findCall(leg)!.uniqueCallId))
      }
      if (Object.keys(data).length > 0 || timeOut === 0) return json({ Data: data, seq: this.seq, Code: 0 })
    } else if (last > this.seq && this.staleCursors === 'answer') {
      // A cursor this PBX never issued (it restarted): answer with where it really is.
      return json({ Data: {}, seq: this.seq, Code: 0 })
    } else {
      const pending = this.collect(exts, last)
      if (pending) return json({ Data: pending, seq: this.seq, Code: 0 })
    }
    // Nothing new: the cursor comes back (beyond our seq only after an echoing restart).
    if (timeOut === 0) return json({ Data: {}, seq: Math.max(this.seq, last), Code: 0 })

    return new Promise<SimReply>((resolve) => {
      const waiter: Waiter = {
        exts,
        after: last === 0 ? this.seq : last,
        resolve,
        timer: setTimeout(
          () => this.release(waiter, json({ Data: {}, seq: Math.max(this.seq, last), Code: 0 })),
          timeOut * 1000,
        ),
      }
      this.waiters.add(waiter)
      // The client went away: stop holding its poll.
      signal?.addEventListener('abort', () => this.release(waiter, { kind: 'hang' }), { once: true })
    })
  }

  private faultReply(fault: SimFault, exts: Set<string>, last: number): SimReply {
    switch (fault.kind) {
      case 'http':
        return {
          kind: 'http',
          status: fault.status,
          contentType: fault.contentType ?? 'text/html',
          body: fault.body ?? `<html><body><h1>${fault.status} Server Error</h1></body></html>`,
        }
      case 'html':
        return {
          kind: 'http',
          status: 200,
          contentType: 'text/html',
          body: '<!doctype html><html><body>Maintenance</body></html>',
        }
      case 'truncated': {
        const full = JSON.stringify({ Data: this.collect(exts, last) ?? {}, seq: this.seq, Code: 0 })
        return {
          kind: 'http',
          status: 200,
          contentType: 'application/json',
          body: full.slice(0, Math.max(5, full.length - 7)),
        }
      }
      case 'wrongShape':
        return json({ data: [], sequence: 'x', Code: 0 })
      case 'negativeCode':
        return json({ Code: fault.code ?? -2, Message: fault.message ?? 'Internal error in CallManagementAPI' })
      case 'reset':
        return { kind: 'reset' }
      case 'hang':
        return { kind: 'hang' }
      case 'duplicate': {
        const reply = json({ Data: this.collect(exts, last) ?? {}, seq: this.seq, Code: 0 })
        this.replay = reply
        return reply
      }
    }
  }

  private answer(p: Record<string, string>): SimReply {
    if (!p.uniqueId || !p.exten)
      return json({ Code: -1, Message: 'Missing parameter: uniqueId and exten are required' })
    if (!p.answerString) return json({ Code: -1, Message: 'Missing parameter: answerString' })
    if (!ANSWER_HEADERS.has(p.answerString))
      return json({ Code: -1, Message: `Unknown answerString: ${p.answerString}` })
    const call = this.calls.get(p.uniqueId)
    const leg = call?.legs.get(p.exten.replace(/^[A-Za-z]+\//, ''))
    if (!call || !leg) return json({ Code: -1, Message: `Call ${p.uniqueId} not found on extension ${p.exten}` })
    if (leg.status !== 'Ringing' || !leg.canAnswer)
      return json({ Code: -1, Message: `Call ${p.uniqueId} is not ringing on ${p.exten} (${leg.status})` })
    setTimeout(() => this.connect(call.uniqueCallId, leg.ext), this.opts.answerDelayMs)
    return json({ Code: 0, Message: 'Answer requested' })
  }

  /** Connect a ringing leg (and the calling side of an internal call). */
  connect(uniqueCallId: string, ext: string): void {
    const call = this.calls.get(uniqueCallId)
    const leg = call?.legs.get(ext)
    if (!call || !leg || leg.status !== 'Ringing') return
    for (const l of call.legs.values())
      if (!ENDED.has(l.status)) this.setLeg(call, { ...l, status: 'Connected', canAnswer: false })
  }

  private hangup(p: Record<string, string>): SimReply {
    const target = p.extenOrUniqueId
    if (!target) return json({ Code: -1, Message: 'Missing parameter: extenOrUniqueId' })
    const call =
      this.calls.get(target) ??
      [...this.calls.values()].find((c) => this.activeOn(c, target.replace(/^[A-Za-z]+\//, '')))
    if (!call) return json({ Code: -1, Message: `No active channel for ${target}` })
    this.setStatus(call.uniqueCallId, 'Hungup')
    return json({ Message: 'Channel Hungup', Code: 0 })
  }

  private dial(p: Record<string, string>): SimReply {
    const missing = ['number', 'extenOrUniqueId', 'callerId', 'phoneCaption', 'autoAnswer'].filter((k) => !p[k])
    if (missing.length) return json({ Code: -1, Message: `Missing parameter: ${missing.join(', ')}` })
    if (!ANSWER_HEADERS.has(p.autoAnswer)) return json({ Code: -1, Message: `Unknown autoAnswer: ${p.autoAnswer}` })
    if (!/^[+\d*#]+$/.test(p.number)) return json({ Code: -1, Message: `Invalid number: ${p.number}` })
    const from = p.extenOrUniqueId.replace(/^[A-Za-z]+\//, '')
    const uniqueCallId = this.nextUniqueId()
    const call: SimCall = { uniqueCallId, legs: new Map() }
    this.calls.set(uniqueCallId, call)
    this.setLeg(call, {
      ext: from,
      status: 'Dialing Out',
      callerId: p.number,
      inbound: false,
      canAnswer: false,
      isQueueCall: false,
      isClickToDialCall: true,
      callStartTime: pbxTime(this.opts.now()),
    })
    setTimeout(() => {
      const leg = call.legs.get(from)
      if (leg?.status === 'Dialing Out') this.setLeg(call, { ...leg, status: 'Connected' })
    }, 1000)
    return json({ SessionID: `sim-${uniqueCallId}`, Message: 'Dialing', Code: 0 })
  }

  private record(p: Record<string, string>, start: boolean): SimReply {
    const target = p.extenOrUniqueId
    if (!target || !p.agentLoginName)
      return json({ Code: -1, Message: 'Missing parameter: extenOrUniqueId and agentLoginName are required' })
    const call = this.calls.get(target) ?? [...this.calls.values()].find((c) => this.activeOn(c, target))
    if (!call) return json({ Code: -1, Message: `No active call for ${target}` })
    // The contract's start line carries a tag, as the vendor's client sends one.
    if (start && p.tag === undefined) return json({ Code: -1, Message: 'Missing parameter: tag' })
    if (start) {
      call.recordingBy = p.agentLoginName
      return json({ Code: 0, Message: 'Recording started' })
    }
    if (call.recordingBy !== p.agentLoginName)
      return json({ Code: -1, Message: `Recording is owned by ${call.recordingBy ?? 'nobody'}` })
    call.recordingBy = undefined
    return json({ Code: 0, Message: 'Recording stopped' })
  }

  // ---- internals ---------------------------------------------------------------------------

  private nextUniqueId(): string {
    this.idCounter += 1
    // As Asterisk's: the channel's start in epoch seconds, then a counter (never reset, so no
    // id repeats across a restart).
    return `${Math.floor(this.opts.now() / 1000)}.${this.idCounter}`
  }

  private findCall(leg: SimLeg): SimCall | undefined {
    for (const c of this.calls.values()) if (c.legs.get(leg.ext) === leg) return c
    return undefined
  }

  private activeOn(call: SimCall, ext: string): boolean {
    const leg = call.legs.get(ext)
    return !!leg && !ENDED.has(leg.status)
  }

  private eventFor(leg: SimLeg, uniqueCallId: string): Record<string, unknown> {
    this.callCounter += 1
    return {
      CallData: {
        canAnswer: leg.canAnswer,
        callerId: leg.callerId,
        uniqueCallId,
        callStartTime: leg.callStartTime,
        isQueueCall: leg.isQueueCall,
        isClickToDialCall: leg.isClickToDialCall,
        inbound: leg.inbound,
        status: leg.status,
      },
      CallID: this.callCounter,
      Code: 0,
    }
  }

  private setLeg(call: SimCall, leg: SimLeg): void {
    call.legs.set(leg.ext, leg)
    this.append(leg.ext, this.eventFor(leg, call.uniqueCallId).CallData as Record<string, unknown>)
  }

  private append(ext: string, callData: Record<string, unknown>): void {
    this.seq += 1
    this.callCounter += 1
    this.log.push({ seq: this.seq, ext, callId: this.callCounter, data: callData })
    if (this.log.length > 50_000) this.log.splice(0, 10_000)
    for (const w of this.waiters) {
      if (!w.exts.has(ext) || w.flushTimer) continue
      // Let events that happen together leave together, as the PBX does.
      w.flushTimer = setTimeout(() => {
        const data = this.collect(w.exts, w.after)
        if (data) this.release(w, json({ Data: data, seq: this.seq, Code: 0 }))
        // A stale cursor held: woken with nothing, the cursor echoed back.
        else if (this.staleCursors === 'hold' && w.after >= this.seq)
          this.release(w, json({ Data: {}, seq: w.after, Code: 0 }))
        else w.flushTimer = undefined
      }, this.opts.batchWindowMs)
    }
  }

  private collect(exts: Set<string>, after: number): Record<string, unknown[]> | null {
    const data: Record<string, unknown[]> = {}
    let any = false
    for (let i = this.log.length - 1; i >= 0 && this.log[i].seq > after; i--) {
      const e = this.log[i]
      if (!exts.has(e.ext)) continue
      ;(data[e.ext] ??= []).unshift({ CallData: e.data, CallID: e.callId, Code: 0 })
      any = true
    }
    return any ? data : null
  }

  private release(w: Waiter, reply: SimReply): void {
    if (!this.waiters.delete(w)) return
    clearTimeout(w.timer)
    if (w.flushTimer) clearTimeout(w.flushTimer)
    w.resolve(reply)
  }
}
