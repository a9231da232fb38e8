import { create } from 'zustand'
import { persist } from 'zustand/middleware'
import { extKey } from '../calls/call-model.ts'
import { useFeed } from '../calls/feed-store.ts'
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
      name: 'switchboard.history',
      version: 1,
      partialize: (s) => ({ entries: s.entries, missedSeenAt: s.missedSeenAt }),
      // Union with what this tab already holds: another tab may have written calls we also saw.
      merge: (persisted, current) => {
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

/** Record calls on my extensions as they end. Returns the unsubscribe. */
export function startHistory(): () => void {
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
  // Another tab wrote history: take its calls too.
  const onStorage = (e: StorageEvent) => e.key === 'switchboard.history' && void useHistory.persist.rehydrate()
  window.addEventListener('storage', onStorage)
  return () => {
    offFeed()
    window.removeEventListener('storage', onStorage)
  }
}
