// Reading the PBX's subscribe replies for the upstream (upstream.ts): events under their bare extension, a
// snapshot diffed against the log's state, the signs of a restart in a reply, and a failure in the server's words.
import { ENDED_STATUSES, type FeedDown, type FeedDownReason } from '../../src/features/pbx/feed-contract.ts'
import { extKey } from '../../src/features/pbx/extension.ts'
import { parseEvent, rawEventsOf } from '../../src/features/pbx/pbx-schemas.ts'
import type { PbxEvent } from '../types.ts'
import type { LogEvent } from './event-log.ts'

/** The ways PBX messages say a key was refused. */
const AUTH_WORDS =
  /api[ _-]?key|\b(?:invalid|wrong|bad|missing|unknown|expired|no) key\b|auth|forbidden|access denied|whitelist|licen[cs]e/i

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

export type StateOf = (ext: string) => ReadonlyMap<string, { ev: PbxEvent }> | undefined
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
export function unseenCall(events: readonly LogEvent[], stateOf: StateOf): boolean {
  const seen = new Set<string>()
  for (const { ext, ev } of events) {
    const key = `${ext}|${ev.CallData.uniqueCallId}`
    const starts = ev.CallData.status === 'Ringing' || ev.CallData.status === 'Dialing Out'
    if (!starts && !seen.has(key) && !stateOf(ext)?.has(ev.CallData.uniqueCallId)) return true
    seen.add(key)
  }
  return false
}

export const listOf = (key: string) => (key ? key.split(',') : [])

/** A failure, as the browsers are told it (the server's words; never the PBX's page, never the key). */
export function downOf(e: unknown): { down: Omit<FeedDown, 'retryAt'>; refused: boolean } {
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
  const reason: FeedDownReason = unreachable ? 'unreachable' : 'pbx-error'
  // The PBX client's messages are already sentences about the PBX; anything else gets one ("socket hang up").
  const said = err.message?.trim() ?? ''
  const message = /^(The PBX|Cannot reach the PBX|No reply from the PBX)\b/.test(said)
    ? said
    : (unreachable ? 'Cannot reach the PBX' : 'The PBX failed') + (said ? `: ${said}` : '')
  return {
    down: { error: 'feed-down', reason, message: message.slice(0, 200) },
    refused: err.kind === 'http' && err.code !== undefined && err.code < 0,
  }
}
