import { useDeferredValue, useMemo } from 'react'
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

/**
 * Extensions per state: counted once per change of the model, and after what is urgent — a
 * burst's reply and tiles first, then (React's deferred render) the summary of them. Counting a
 * thousand extensions inside the reply's own task was ≈ 10 ms of it on a fresh page.
 */
export function useGridCounts(exts: readonly string[]): GridCounts {
  const byExt = useDeferredValue(useFeed((s) => s.model.byExt))
  return useMemo(() => countStates(exts, byExt, extKey), [exts, byExt])
}
