import { useDeferredValue, useMemo } from 'react'
import { extKey } from '../calls/call-model.ts'
import { useFeed } from '../calls/feed-store.ts'
import { countStates, type GridCounts } from './grid-model.ts'

/**
 * Extensions per state: counted once per change of the model, and after what is urgent — a
 * burst's reply and tiles first, then (React's deferred render) the summary of them. Counting a
 * thousand extensions inside the reply's own task was ≈ 10 ms of it on a fresh page.
 */
export function useGridCounts(exts: readonly string[]): GridCounts {
  const byExt = useDeferredValue(useFeed((s) => s.model.byExt))
  return useMemo(() => countStates(exts, byExt, extKey), [exts, byExt])
}
