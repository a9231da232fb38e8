// The screen's copy of the call model. The feed store's model is the truth and changes in one
// step per reply; the screen follows it here. Extensions nothing renders (rows far off screen)
// follow at once: it costs nothing. Rendered ones follow at once when few changed (no added
// latency); after a burst they follow in slices, one task each: those on screen first, in one
// slice (one frame), then the rest in slices sized to render in about SLICE_MS — so React never
// renders a thousand cards in one long task and a click on Answer is never stuck behind one. Each extension's list is always a whole
// list from the model.
import { useEffect } from 'react'
import { create } from 'zustand'
import { nextTask } from '../../lib/next-task.ts'
import { extKey, type Call } from './call-model.ts'
import { useFeed } from './feed-store.ts'

type ByExt = Readonly<Record<string, readonly Call[]>>

/** A change touching at most this many extensions is shown at once, in the reply's own task. */
export const SMALL = 16
/** The render time a slice aims at; its size is learnt from the slices before it. */
export const SLICE_MS = 20
/** …except that the extensions on screen are brought up in one slice, up to this many. */
const MAX_ON_SCREEN_SLICE = 128

export const useShown = create<{ byExt: ByExt }>()(() => ({ byExt: useFeed.getState().model.byExt }))

/** Per extension: how many mounted components show it, and how many of those are on screen. */
const rendered = new Map<string, { mounted: number; onScreen: number }>()

let scheduled = false
/** Rendered extensions per slice: starts small, then follows what the last slice cost. */
let sliceSize = SMALL

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
  // A small change with no slices under way (they keep their order), or the last slice: all at
  // once. A reset (empty model) too: nothing to render, only to remove.
  // What is on screen goes in one slice (one frame, not several), up to a point.
  const size = Math.max(sliceSize, Math.min(onScreen.length, MAX_ON_SCREEN_SLICE))
  const few = stale.length <= (inSlice ? size : SMALL) && (inSlice || !scheduled)
  if (few || Object.keys(target).length === 0) {
    useShown.setState({ byExt: target })
    return
  }
  const slice = inSlice ? stale.slice(0, size) : []
  const take = [...free, ...slice]
  if (take.length > 0) {
    const next: Record<string, readonly Call[]> = { ...shown }
    for (const ext of take) {
      if (ext in target) next[ext] = target[ext]
      else delete next[ext]
    }
    const started = performance.now()
    useShown.setState({ byExt: next })
    // React renders the slice in a microtask queued by the set; this one runs after it.
    if (slice.length > 0) queueMicrotask(() => learn(slice.length, performance.now() - started))
  }
  if (!scheduled) {
    scheduled = true
    nextTask(() => {
      scheduled = false
      catchUp(true)
    })
  }
}

/** Forget what slices cost (tests start from the same place). */
export const resetSlicing = () => {
  sliceSize = SMALL
}

/** Sizes the next slice from what this one cost: about SLICE_MS of rendering, within bounds. */
function learn(count: number, ms: number) {
  const perItem = Math.max(ms, 0.5) / count
  sliceSize = Math.min(200, Math.max(4, Math.floor(SLICE_MS / perItem)))
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
