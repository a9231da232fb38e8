// Pure history logic: which ended calls go in, as what, de-duplicated and bounded.
import type { Call } from '../calls/call-model.ts'

export type HistoryKind = 'answered' | 'missed' | 'outbound'

export interface HistoryEntry {
  /** `${ext}|${uniqueCallId}`: both legs of an internal call between my extensions are two entries. */
  key: string
  ext: string
  id: string
  /** The other party: the caller for inbound calls, the number dialled for outbound ones. */
  number: string
  kind: HistoryKind
  startedAt: number
  connectedAt?: number
  endedAt: number
}

export const HISTORY_LIMIT = 500

/** Outbound when the PBX says so (or it was click-to-dial); else answered if it ever connected, else missed. */
export function classify(call: Pick<Call, 'inbound' | 'isClickToDialCall' | 'connectedAt'>): HistoryKind {
  if (call.inbound === false || call.isClickToDialCall) return 'outbound'
  return call.connectedAt !== undefined ? 'answered' : 'missed'
}

export function toEntry(call: Call): HistoryEntry | null {
  if (call.endedAt === undefined) return null
  return {
    key: `${call.ext}|${call.id}`,
    ext: call.ext,
    id: call.id,
    number: call.callerId,
    kind: classify(call),
    startedAt: call.firstSeenAt,
    connectedAt: call.connectedAt,
    endedAt: call.endedAt,
  }
}

/**
 * Newest first, one entry per key, at most `limit`. A known key that ends again later (a queue
 * offered the call once more, same uniqueCallId) is one call: it started at the first offer,
 * ended at the last, and reads answered if any offer was. Returns `entries` itself when nothing
 * is new.
 */
export function addEntries(
  entries: readonly HistoryEntry[],
  added: readonly HistoryEntry[],
  limit = HISTORY_LIMIT,
): readonly HistoryEntry[] {
  const known = new Map(entries.map((e) => [e.key, e]))
  const fresh = new Map<string, HistoryEntry>()
  for (const e of added) {
    const had = fresh.get(e.key) ?? known.get(e.key)
    if (had && had.endedAt >= e.endedAt) continue
    const answered = had?.kind === 'answered' || e.kind === 'answered'
    fresh.set(
      e.key,
      had
        ? {
            ...e,
            startedAt: Math.min(had.startedAt, e.startedAt),
            kind: answered && e.kind === 'missed' ? 'answered' : e.kind,
            connectedAt: e.connectedAt ?? had.connectedAt,
          }
        : e,
    )
  }
  if (fresh.size === 0) return entries
  return [...fresh.values(), ...entries.filter((e) => !fresh.has(e.key))]
    .sort((a, b) => b.endedAt - a.endedAt)
    .slice(0, limit)
}

export const talkTime = (e: HistoryEntry) => (e.connectedAt === undefined ? 0 : Math.max(0, e.endedAt - e.connectedAt))

export const missedSince = (entries: readonly HistoryEntry[], seenAt: number) =>
  entries.reduce((n, e) => n + (e.kind === 'missed' && e.endedAt > seenAt ? 1 : 0), 0)

const KINDS: ReadonlySet<string> = new Set(['answered', 'missed', 'outbound'])

/** Keep only well-formed entries from storage: a hand-edited or older entry must not break the list. */
export function sanitizeEntries(raw: unknown): HistoryEntry[] {
  if (!Array.isArray(raw)) return []
  return raw.filter((e): e is HistoryEntry => {
    if (!e || typeof e !== 'object') return false
    const r = e as Record<string, unknown>
    return (
      typeof r.key === 'string' &&
      typeof r.ext === 'string' &&
      typeof r.id === 'string' &&
      typeof r.number === 'string' &&
      typeof r.kind === 'string' &&
      KINDS.has(r.kind) &&
      typeof r.startedAt === 'number' &&
      typeof r.endedAt === 'number' &&
      (r.connectedAt === undefined || typeof r.connectedAt === 'number')
    )
  })
}
