// A signed-in agent's call history, as the server recorded it (GET /api/history): the same in every browser.
import { queryOptions } from '@tanstack/react-query'
import { z } from 'zod/mini'
import { catchUpInterval, lastEnded } from '../calls/call-ends.ts'
import { extKey } from '../calls/call-model.ts'
import { useFeed } from '../calls/feed-store.ts'
import { getJson } from '../session/server-api.ts'
import { useSettings } from '../settings/settings-store.ts'
import type { HistoryEntry } from './history-model.ts'

const when = z.nullable(z.string())
const seconds = z.nullable(z.number())

export const callRecordSchema = z.object({
  uniqueCallId: z.string(),
  extension: z.string(),
  // Read as text: an outcome or direction this panel does not know yet still shows.
  direction: z.string(),
  caller: z.string(),
  queue: z.boolean(),
  clickToDial: z.boolean(),
  rangAt: z.string(),
  answeredAt: when,
  endedAt: when,
  outcome: z.string(),
  answeredBy: z.nullable(z.string()),
  ringS: seconds,
  talkS: seconds,
})
export type CallRecord = z.infer<typeof callRecordSchema>

const historySchema = z.object({ calls: z.array(callRecordSchema) })

/** How many calls the panel asks for: what the browser used to keep. */
export const HISTORY_FETCHED = 500

const ms = (iso: string | null) => (iso === null ? undefined : Date.parse(iso))

/** A record as the history list shows it; a call still under way is in the columns, not in the history. */
export function fromRecord(r: CallRecord): HistoryEntry | null {
  const startedAt = ms(r.rangAt)
  const endedAt = ms(r.endedAt)
  if (startedAt === undefined || Number.isNaN(startedAt) || endedAt === undefined || Number.isNaN(endedAt)) return null
  const connectedAt = ms(r.answeredAt)
  return {
    key: `${extKey(r.extension)}|${r.uniqueCallId}`,
    ext: r.extension,
    id: r.uniqueCallId,
    number: r.caller,
    kind:
      r.direction === 'out' || r.clickToDial
        ? 'outbound'
        : connectedAt !== undefined || r.outcome === 'answered'
          ? 'answered'
          : 'missed',
    startedAt,
    connectedAt: connectedAt === undefined || Number.isNaN(connectedAt) ? undefined : connectedAt,
    endedAt,
  }
}

export const entriesOf = (calls: readonly CallRecord[]): HistoryEntry[] =>
  calls.map(fromRecord).filter((e): e is HistoryEntry => e !== null)

const selectEntries = (d: { calls: readonly CallRecord[] }) => entriesOf(d.calls)

export const historyQueries = {
  all: () => ['history'] as const,
  /** The user's own history: the name in the key, so another user signed in in this tab never sees it. */
  list: (user: string) =>
    queryOptions({
      queryKey: [...historyQueries.all(), 'list', user] as const,
      queryFn: ({ signal }) => getJson(`/api/history?limit=${HISTORY_FETCHED}`, historySchema, signal),
      select: selectEntries,
      // Refreshed when a call of mine ends (HistoryDriver), not on a timer or a window focus.
      staleTime: Infinity,
      refetchInterval: (q) =>
        catchUpInterval(
          lastEnded(useFeed.getState().model, useSettings.getState().myExtensions),
          q.state.dataUpdatedAt,
        ),
    }),
}
