import { useShallow } from 'zustand/react/shallow'
import { extKey, type Call } from './call-model.ts'
import { useFeed } from './feed-store.ts'

/** "410" matches extension 410 and SIP/410; digits also match any part of a caller's number. */
export function matchesFilter(ext: string, calls: readonly Call[] | undefined, query: string): boolean {
  const q = query.trim().toLowerCase()
  if (!q) return true
  if (ext.toLowerCase().includes(q)) return true
  return (calls ?? []).some((c) => c.endedAt === undefined && c.callerId.toLowerCase().includes(q))
}

/** The extensions the filter lets through; the same array while the answer does not change. */
export function useFilteredExtensions(exts: readonly string[], query: string): readonly string[] {
  return useFeed(
    useShallow((s) => (query.trim() ? exts.filter((e) => matchesFilter(e, s.model.byExt[extKey(e)], query)) : exts)),
  )
}
