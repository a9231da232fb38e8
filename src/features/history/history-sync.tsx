import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { onCallEnded } from '../calls/call-ends.ts'
import { useSessionUser } from '../session/session-store.ts'
import { useSettings } from '../settings/settings-store.ts'
import { historyQueries } from './history-api.ts'
import { missedSince, type HistoryEntry } from './history-model.ts'
import { keptByServer, startHistory, useHistory } from './history-store.ts'
import { useMissedTitle } from './missed-title.ts'

const NONE: readonly HistoryEntry[] = []

export interface HistoryView {
  entries: readonly HistoryEntry[]
  /** From the server (no Clear: the record is not this browser's). */
  server: boolean
  pending: boolean
  error: string | null
}

/** The history to show: the server's for a signed-in user, this browser's for the local developer. */
export function useHistoryEntries(): HistoryView {
  const user = useSessionUser()
  const server = keptByServer(user)
  const local = useHistory((s) => s.entries)
  const q = useQuery({ ...historyQueries.list(user?.name ?? ''), enabled: server })
  if (!server) return { entries: local, server, pending: false, error: null }
  return { entries: q.data ?? NONE, server, pending: q.isPending, error: q.error ? q.error.message : null }
}

/** Refresh the server's history as soon as a call on my extensions ends. */
function useRefreshOnCallEnd(enabled: boolean) {
  const client = useQueryClient()
  useEffect(() => {
    if (!enabled) return
    return onCallEnded(
      () => useSettings.getState().myExtensions,
      () => void client.invalidateQueries({ queryKey: historyQueries.all() }),
    )
  }, [enabled, client])
}

/** Runs in every view: keeps the history (this browser's, or refreshed from the server) and the tab title's count. */
export function HistoryDriver() {
  const { entries, server } = useHistoryEntries()
  useEffect(() => startHistory(), [])
  useRefreshOnCallEnd(server)
  useMissedTitle(
    missedSince(
      entries,
      useHistory((s) => s.missedSeenAt),
    ),
  )
  return null
}
