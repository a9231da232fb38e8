import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import { extKey } from '../calls/call-model.ts'
import { useFeed } from '../calls/feed-store.ts'
import type { SessionUser } from '../session/session-api.ts'
import { useSession } from '../session/session-store.ts'
import { useSettings } from '../settings/settings-store.ts'
import { addEntries, HISTORY_LIMIT, sanitizeEntries, toEntry, type HistoryEntry } from './history-model.ts'

interface HistoryState {
  entries: readonly HistoryEntry[]
  /** Missed calls that ended after this are counted as new. */
  missedSeenAt: number
  callsEnded: (entries: readonly HistoryEntry[]) => void
  missedSeen: (now: number) => void
  historyCleared: () => void
}

export const HISTORY_KEY = 'switchboard.history'
let switching = false

export const useHistory = create<HistoryState>()(
  persist(
    (set) => ({
      entries: [],
      missedSeenAt: 0,
      callsEnded: (added) =>
        set((s) => {
          const entries = addEntries(s.entries, added)
          return entries === s.entries ? s : { entries }
        }),
      missedSeen: (now) => set({ missedSeenAt: now }),
      historyCleared: () => set({ entries: [], missedSeenAt: 0 }),
    }),
    {
      // The local developer's key; a signed-in user's is their own (historyStoredAs).
      name: HISTORY_KEY,
      version: 1,
      partialize: (s) => ({ entries: s.entries, missedSeenAt: s.missedSeenAt }),
      // Union with what this tab already holds: another tab may have written calls we also saw. On a
      // switch to another user's key, what the tab held was the previous user's: not kept.
      merge: (persisted, held) => {
        const current = switching ? { ...held, entries: [], missedSeenAt: 0 } : held
        switching = false
        const p = (persisted ?? {}) as Record<string, unknown>
        const seenAt = typeof p.missedSeenAt === 'number' ? p.missedSeenAt : 0
        return {
          ...current,
          entries: addEntries(current.entries, sanitizeEntries(p.entries), HISTORY_LIMIT),
          missedSeenAt: Math.max(current.missedSeenAt, seenAt),
        }
      },
    },
  ),
)

/** History is a user's own: another user's is read and written under their own key. */
export function historyStoredAs(name: string): void {
  if (useHistory.persist.getOptions().name === name) return
  useHistory.persist.setOptions({ name })
  switching = true
  void useHistory.persist.rehydrate()
}

/** Empties the history and takes its entry out of this browser. */
export function historyForgotten(): void {
  useHistory.getState().historyCleared()
  const name = useHistory.persist.getOptions().name
  if (name) localStorage.removeItem(name)
}

/** Signed-in users' history is the server's (any browser); the local developer's stays this browser's. */
export const keptByServer = (user: SessionUser | undefined) => user !== undefined && user.mode !== 'local-dev'

/**
 * Record calls on my extensions as they end (the local developer). For a signed-in user the server keeps
 * them: callers' numbers once kept here are dropped. Returns the unsubscribe.
 */
export function startHistory(): () => void {
  const s = useSession.getState().state
  if (keptByServer(s.status === 'signed-in' ? s.session.user : undefined)) {
    if (useHistory.getState().entries.length) useHistory.setState({ entries: [] })
    return () => {}
  }
  const collect = () => {
    const { model } = useFeed.getState()
    const added: HistoryEntry[] = []
    for (const ext of useSettings.getState().myExtensions)
      for (const call of model.byExt[extKey(ext)] ?? []) {
        const entry = call.endedAt === undefined ? null : toEntry(call)
        if (entry) added.push(entry)
      }
    if (added.length) useHistory.getState().callsEnded(added)
  }
  collect()
  const offFeed = useFeed.subscribe((s, prev) => s.model !== prev.model && collect())
  // Another tab wrote history: take its calls too. It removed it (a Sign out there): forgotten here too,
  // rather than written back from this tab.
  const onStorage = (e: StorageEvent) => {
    if (e.key !== null && e.key !== useHistory.persist.getOptions().name) return
    if (e.newValue === null) historyForgotten()
    else void useHistory.persist.rehydrate()
  }
  window.addEventListener('storage', onStorage)
  return () => {
    offFeed()
    window.removeEventListener('storage', onStorage)
  }
}
