// The call model: a pure, idempotent reducer from PBX events to calls per extension.
import { extKey } from '../pbx/extension.ts'
import type { FeedEvent } from '../pbx/pbx-client.ts'
import { ENDED_STATUSES } from '../pbx/feed-contract.ts'

export { extKey }

export const isEnded = (status: string) => ENDED_STATUSES.has(status)

export interface Call {
  id: string
  ext: string
  status: string
  callerId: string
  inbound?: boolean
  /** undefined: the PBX did not say, so Answer is offered */
  canAnswer?: boolean
  isQueueCall: boolean
  isClickToDialCall: boolean
  firstSeenAt: number
  statusSince: number
  connectedAt?: number
  endedAt?: number
  /** Ended because a resync no longer listed it, not because an event said so. */
  vanished?: boolean
}

/** An ended call remembered: when, and the CallID of the event that ended it (when the PBX numbered it). */
export interface Tombstone {
  readonly at: number
  readonly event?: number
}

export interface CallModel {
  byExt: Readonly<Record<string, readonly Call[]>>
  /** `${ext}|${id}` → how it ended: a late or repeated event never shows it again (see applyEvents). */
  ended: Readonly<Record<string, Tombstone>>
}

/** Statuses that start an offer: the only ones that can bring an ended call back. */
const OFFERS: ReadonlySet<string> = new Set(['Ringing', 'Dialing Out'])

export const emptyModel: CallModel = { byExt: {}, ended: {} }

const callKey = (ext: string, id: string) => `${ext}|${id}`

/** How far back a PBX start time is believed: older is a clock or time-zone mismatch. */
const START_PLAUSIBLE_MS = 12 * 3600_000
/** PBX clock ahead of ours by up to this much is taken as now; further ahead is not believed. */
const START_SKEW_MS = 60_000

/**
 * `callStartTime` ("2014/10/08 17:25:18", the PBX's local time, read as the browser's) as a
 * timestamp, when it is one and plausible: not in the future beyond a little clock skew (taken as
 * now), not more than 12 hours back, and — when the uniqueCallId is Asterisk's "epoch seconds.n"
 * (the contract's example, 1412750652.496), which no time zone touches — within a minute of it.
 * Otherwise undefined: a PBX clock in another time zone, or an empty or odd value, leaves the
 * panel's own clock in charge.
 */
export function pbxStartTime(text: string | undefined, now: number, uniqueCallId = ''): number | undefined {
  const m = text && /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})$/.exec(text.trim())
  if (!m) return undefined
  const [y, mo, d, h, mi, sec] = m.slice(1).map(Number)
  const at = new Date(y, mo - 1, d, h, mi, sec).getTime()
  if (!Number.isFinite(at) || at > now + START_SKEW_MS || at < now - START_PLAUSIBLE_MS) return undefined
  const epoch = /^(\d{9,11})\.\d+$/.exec(uniqueCallId)
  if (epoch && Math.abs(Number(epoch[1]) * 1000 - at) > START_SKEW_MS) return undefined
  return Math.min(at, now)
}

/**
 * `startedAt`: when the call began, for one first seen part-way through (a snapshot: the panel
 * opened or resynchronised mid-call); otherwise a call starts when the panel first sees it.
 */
function merge(prev: Call | undefined, ev: FeedEvent, ext: string, now: number, startedAt = now): Call {
  const d = ev.data
  const status = d.status
  const changed = !prev || prev.status !== status
  const next: Call = {
    id: d.uniqueCallId,
    ext,
    status,
    callerId: d.callerId ?? prev?.callerId ?? '',
    inbound: d.inbound ?? prev?.inbound,
    canAnswer: d.canAnswer ?? (status === 'Ringing' ? prev?.canAnswer : false),
    isQueueCall: d.isQueueCall ?? prev?.isQueueCall ?? false,
    isClickToDialCall: d.isClickToDialCall ?? prev?.isClickToDialCall ?? false,
    firstSeenAt: prev?.firstSeenAt ?? startedAt,
    statusSince: !prev ? startedAt : changed ? now : prev.statusSince,
    connectedAt: prev?.connectedAt ?? (status === 'Connected' ? (prev ? now : startedAt) : undefined),
    endedAt: isEnded(status) ? (prev?.endedAt ?? now) : undefined,
  }
  return prev && sameCall(prev, next) ? prev : next
}

function sameCall(a: Call, b: Call): boolean {
  for (const k of Object.keys(b) as (keyof Call)[]) if (a[k] !== b[k]) return false
  return Object.keys(a).length === Object.keys(b).length
}

/** Apply events in order. Returns the same object when nothing changed. */
export function applyEvents(model: CallModel, events: readonly FeedEvent[], now: number): CallModel {
  // Copy-on-write, once per reply: a 1,000-event burst must not copy the maps 1,000 times.
  let byExt: Record<string, readonly Call[]> | null = null
  let ended: Record<string, Tombstone> | null = null
  const copied = new Map<string, Call[]>()
  for (const ev of events) {
    const ext = extKey(ev.ext)
    const id = ev.data.uniqueCallId
    const key = callKey(ext, id)
    const list = copied.get(ext) ?? model.byExt[ext] ?? []
    const i = list.findIndex((c) => c.id === id)
    // An ended call stays ended — the same event twice, a late one, a replay change nothing —
    // unless the PBX offers it again: Ringing (or Dialing Out) in an event numbered after the one
    // that ended it. A queue ringing this agent again after No Answer keeps the caller's
    // uniqueCallId; that is a fresh call, Answer and all. Without CallIDs nothing can tell a new
    // offer from an old one, and it stays ended.
    const tomb = (ended ?? model.ended)[key]
    const wasEnded = tomb !== undefined || list[i]?.endedAt !== undefined
    if (
      wasEnded &&
      !(OFFERS.has(ev.data.status) && ev.callId !== undefined && tomb?.event !== undefined && ev.callId > tomb.event)
    )
      continue
    const next = merge(wasEnded ? undefined : list[i], ev, ext, now)
    if (wasEnded) delete (ended ??= { ...model.ended })[key]
    if (i >= 0 && next === list[i]) continue
    // A call first seen already ended (e.g. a replay) is remembered, not shown.
    if (i < 0 && next.endedAt !== undefined) {
      ;(ended ??= { ...model.ended })[key] = { at: now, event: ev.callId }
      continue
    }
    let own = copied.get(ext)
    if (!own) {
      own = list.slice()
      copied.set(ext, own)
      ;(byExt ??= { ...model.byExt })[ext] = own
    }
    if (i >= 0) own[i] = next
    else own.push(next)
    if (next.endedAt !== undefined) (ended ??= { ...model.ended })[key] = { at: next.endedAt, event: ev.callId }
  }
  return byExt || ended ? { byExt: byExt ?? model.byExt, ended: ended ?? model.ended } : model
}

/**
 * Replace the model with a snapshot (`lastSequenceNumber=0`): the PBX's list is the truth.
 * Calls it no longer lists are ended, not left ringing; calls already ending keep their linger.
 */
export function applySnapshot(model: CallModel, events: readonly FeedEvent[], now: number): CallModel {
  const seen = new Set<string>()
  const fresh: Record<string, Call[]> = {}
  const ended: Record<string, Tombstone> = { ...model.ended }
  for (const ev of events) {
    const ext = extKey(ev.ext)
    const key = callKey(ext, ev.data.uniqueCallId)
    const prevList = fresh[ext] ?? model.byExt[ext] ?? []
    const prev = prevList.find((c) => c.id === ev.data.uniqueCallId)
    const base = prev && prev.endedAt !== undefined && !isEnded(ev.data.status) ? undefined : prev
    // Already under way when the snapshot lists it: its timers count from the PBX's start time.
    const call = merge(
      base,
      ev,
      ext,
      now,
      base ? now : (pbxStartTime(ev.data.callStartTime, now, ev.data.uniqueCallId) ?? now),
    )
    if (call.endedAt !== undefined && !prev) {
      ended[key] = { at: now, event: ev.callId }
      continue
    }
    seen.add(key)
    if (call.endedAt === undefined) delete ended[key]
    else ended[key] = { at: call.endedAt, event: ev.callId }
    const list = (fresh[ext] ??= [])
    const j = list.findIndex((c) => c.id === call.id)
    if (j >= 0) list[j] = call
    else list.push(call)
  }
  const byExt: Record<string, Call[]> = {}
  for (const [ext, list] of Object.entries(model.byExt)) {
    const kept: Call[] = []
    for (const c of list) {
      const key = callKey(ext, c.id)
      if (seen.has(key)) continue
      if (c.endedAt !== undefined) kept.push(c)
      else {
        kept.push({ ...c, endedAt: now, vanished: true, canAnswer: false })
        ended[key] = { at: now }
      }
    }
    byExt[ext] = kept
  }
  for (const [ext, list] of Object.entries(fresh)) {
    // Oldest first, as between snapshots; sort is stable for calls seen at the same moment.
    byExt[ext] = [...(byExt[ext] ?? []), ...list].sort((a, b) => a.firstSeenAt - b.firstSeenAt)
  }
  for (const ext of Object.keys(byExt)) if (byExt[ext].length === 0) delete byExt[ext]
  return { byExt, ended }
}

/** How long tombstones are kept: replays come at once (duplicates); stale ones force a snapshot. */
const TOMBSTONE_MS = 2 * 60_000
/** …and at most this many, so a busy PBX cannot grow the heap through them. */
export const MAX_TOMBSTONES = 1000

/** Drop ended calls after they have lingered; forget old tombstones. Same object if nothing went. */
export function expireEnded(model: CallModel, now: number, lingerMs: number): CallModel {
  let byExt = model.byExt
  for (const [ext, list] of Object.entries(model.byExt)) {
    const kept = list.filter((c) => c.endedAt === undefined || now - c.endedAt < lingerMs)
    if (kept.length === list.length) continue
    byExt = { ...byExt }
    if (kept.length) (byExt as Record<string, readonly Call[]>)[ext] = kept
    else delete (byExt as Record<string, readonly Call[]>)[ext]
  }
  let ended = model.ended
  const keys = Object.keys(model.ended)
  // Oldest first (insertion order): past the cap, the oldest go whatever their age.
  const over = keys.length - MAX_TOMBSTONES
  keys.forEach((key, i) => {
    if (i >= over && now - model.ended[key].at < TOMBSTONE_MS) return
    if (ended === model.ended) ended = { ...ended }
    delete (ended as Record<string, Tombstone>)[key]
  })
  return byExt === model.byExt && ended === model.ended ? model : { byExt, ended }
}

/** One offer of a call (extension, uniqueCallId, when it started ringing): a call offered again is a new offer. */
export const answerKey = (call: Pick<Call, 'ext' | 'id' | 'firstSeenAt'>) =>
  `${extKey(call.ext)}|${call.id}|${call.firstSeenAt}`
