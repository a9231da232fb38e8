import { useShallow } from 'zustand/react/shallow'
import { extKey } from '../calls/call-model.ts'
import { useFeed } from '../calls/feed-store.ts'
import { countStates, matchesFilter, type GridCounts } from './grid-model.ts'

/** The extensions the filter lets through; the same array while the answer does not change. */
export function useFilteredExtensions(exts: readonly string[], query: string): readonly string[] {
  return useFeed(
    useShallow((s) => (query.trim() ? exts.filter((e) => matchesFilter(e, s.model.byExt[extKey(e)], query)) : exts)),
  )
}

/** Extensions per state; re-renders only when a count changes. */
export function useGridCounts(exts: readonly string[]): GridCounts {
  return useFeed(useShallow((s) => countStates(exts, s.model.byExt, extKey)))
}
