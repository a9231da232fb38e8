// The screen's copy of the call model. The feed store's model is the truth and changes in one
// step per reply; the screen follows it here. Extensions nothing renders (rows far off screen)
// follow at once: it costs nothing. Rendered ones follow at once when few changed (no added
// latency), and SLICE per task when a burst changed many, so React never renders a thousand
// cards in one long task and a click on Answer is never stuck behind one. Each extension's
// list is always a whole list from the model.
import { useEffect } from 'react'
import { create } from 'zustand'
import { nextTask } from '../../lib/next-task.ts'
import { extKey, type Call } from './call-model.ts'
import { useFeed } from './feed-store.ts'

type ByExt = Readonly<Record<string, readonly Call[]>>

/** Rendered extensions brought up to date per task. */
export const SLICE = 40

export const useShown = create<{ byExt: ByExt }>()(() => ({ byExt: useFeed.getState().model.byExt }))

/** How many mounted components show each extension's calls. */
const rendered = new Map<string, number>()

let scheduled = false

/**
 * Brings the screen up to date with the model, or part of the way and schedules the rest: the
 * extensions nothing renders at once, whatever their number; the rendered ones SLICE per task,
 * starting in the next task so the reply's own task stays short. `inSlice`: this is such a task.
 */
export function catchUp(inSlice = false): void {
  const target = useFeed.getState().model.byExt
  const shown = useShown.getState().byExt
  if (shown === target) return
  const stale: string[] = []
  const free: string[] = []
  for (const ext in target) if (shown[ext] !== target[ext]) (rendered.has(ext) ? stale : free).push(ext)
  for (const ext in shown) if (!(ext in target)) (rendered.has(ext) ? stale : free).push(ext)
  // A small change with no slices under way (they keep their order), or the last slice: all at
  // once. A reset (empty model) too: nothing to render, only to remove.
  const few = inSlice ? stale.length <= SLICE : stale.length + free.length <= SLICE && !scheduled
  if (few || Object.keys(target).length === 0) {
    useShown.setState({ byExt: target })
    return
  }
  const take = inSlice ? [...free, ...stale.slice(0, SLICE)] : free
  if (take.length > 0) {
    const next: Record<string, readonly Call[]> = { ...shown }
    for (const ext of take) {
      if (ext in target) next[ext] = target[ext]
      else delete next[ext]
    }
    useShown.setState({ byExt: next })
  }
  if (!scheduled) {
    scheduled = true
    nextTask(() => {
      scheduled = false
      catchUp(true)
    })
  }
}

useFeed.subscribe((s, prev) => {
  if (s.model.byExt !== prev.model.byExt) catchUp()
})

const NO_CALLS: readonly Call[] = []

/** Narrow selector: a card list re-renders only when its own extension's shown calls change. */
export function useCallsFor(ext: string): readonly Call[] {
  const key = extKey(ext)
  useEffect(() => {
    rendered.set(key, (rendered.get(key) ?? 0) + 1)
    // Mounted while a burst is being sliced: show its latest calls now.
    if (useShown.getState().byExt[key] !== useFeed.getState().model.byExt[key])
      useShown.setState((s) => ({ byExt: { ...s.byExt, [key]: useFeed.getState().model.byExt[key] ?? NO_CALLS } }))
    return () => {
      const n = (rendered.get(key) ?? 1) - 1
      if (n > 0) rendered.set(key, n)
      else rendered.delete(key)
    }
  }, [key])
  return useShown((s) => s.byExt[key] ?? NO_CALLS)
}
