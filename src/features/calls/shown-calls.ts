// The screen's copy of the call model. The feed store's model is the truth and changes in one
// step per reply; the screen follows it here. Extensions nothing renders (rows far off screen)
// follow at once: it costs nothing. Rendered ones follow at once when few changed (no added
// latency); after a burst they follow a slice per task — those on screen first, all in one slice
// (one frame), then the rest SLICE at a time — so React never renders a thousand cards in one
// long task and a click on Answer is never stuck behind one. Each extension's list is always a
// whole list from the model.
import { useEffect } from 'react'
import { create } from 'zustand'
import { nextTask } from '../../lib/next-task.ts'
import { extKey, type Call } from './call-model.ts'
import { useFeed } from './feed-store.ts'

type ByExt = Readonly<Record<string, readonly Call[]>>

/** A change touching at most this many rendered extensions is shown at once, in the reply's task. */
export const SMALL = 16
/** Rendered extensions off screen (ahead of a scroll) brought up to date per task after a burst. */
export const SLICE = 32
/** The extensions on screen go in one slice, up to this many. */
const MAX_ON_SCREEN_SLICE = 128

export const useShown = create<{ byExt: ByExt }>()(() => ({ byExt: useFeed.getState().model.byExt }))

/** Per extension: how many mounted components show it, and how many of those are on screen. */
const rendered = new Map<string, { mounted: number; onScreen: number }>()

let scheduled = false

/**
 * Brings the screen up to date with the model, or part of the way and schedules the rest: the
 * extensions nothing renders at once, whatever their number; the rendered ones a slice per task,
 * starting in the next task so the reply's own task stays short. `inSlice`: this is such a task.
 */
export function catchUp(inSlice = false): void {
  const target = useFeed.getState().model.byExt
  const shown = useShown.getState().byExt
  if (shown === target) return
  const onScreen: string[] = []
  const nearby: string[] = []
  const free: string[] = []
  const sort = (ext: string) => {
    const r = rendered.get(ext)
    ;(r ? (r.onScreen > 0 ? onScreen : nearby) : free).push(ext)
  }
  for (const ext in target) if (shown[ext] !== target[ext]) sort(ext)
  for (const ext in shown) if (!(ext in target)) sort(ext)
  const stale = [...onScreen, ...nearby]
  const size = Math.max(SLICE, Math.min(onScreen.length, MAX_ON_SCREEN_SLICE))
  // A small change with no slices under way (they keep their order), or the last slice: all at
  // once. A reset (empty model) too: nothing to render, only to remove.
  const few = inSlice ? stale.length <= size : stale.length <= SMALL && !scheduled
  if (few || Object.keys(target).length === 0) {
    useShown.setState({ byExt: target })
    return
  }
  const take = inSlice ? [...free, ...stale.slice(0, size)] : free
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

/**
 * Narrow selector: a card list re-renders only when its own extension's shown calls change.
 * `onScreen`: the component is visible now (its slice comes first after a burst).
 */
export function useCallsFor(ext: string, onScreen = true): readonly Call[] {
  const key = extKey(ext)
  useEffect(() => {
    const r = rendered.get(key) ?? { mounted: 0, onScreen: 0 }
    rendered.set(key, { mounted: r.mounted + 1, onScreen: r.onScreen + (onScreen ? 1 : 0) })
    // Mounted while a burst is being sliced: show its latest calls now.
    if (useShown.getState().byExt[key] !== useFeed.getState().model.byExt[key])
      useShown.setState((s) => ({ byExt: { ...s.byExt, [key]: useFeed.getState().model.byExt[key] ?? NO_CALLS } }))
    return () => {
      const now = rendered.get(key)
      if (!now) return
      if (now.mounted > 1) rendered.set(key, { mounted: now.mounted - 1, onScreen: now.onScreen - (onScreen ? 1 : 0) })
      else rendered.delete(key)
    }
  }, [key, onScreen])
  return useShown((s) => s.byExt[key] ?? NO_CALLS)
}
