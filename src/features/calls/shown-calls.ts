// The screen's copy of the model, brought up to date in budgeted slices after a burst (on-screen first), so
// no render of a thousand cards blocks a click on Answer.
import { useEffect } from 'react'
import { flushSync } from 'react-dom'
import { create } from 'zustand'
import { afterNextFrame, nextTask } from '../../lib/next-task.ts'
import { extKey, type Call } from './call-model.ts'
import { useFeed } from './feed-store.ts'

type ByExt = Readonly<Record<string, readonly Call[]>>

/** A change touching at most this many rendered extensions is shown at once, in the reply's task. */
export const SMALL = 16
/** Rendered extensions brought up to date (rendered and committed) in a slice's first step. */
export const STEP = 4
/**
 * A slice takes steps until it has used this much of its task; the rest goes in the next task.
 * After the first, each step takes as many extensions as the steps so far say fit in the rest.
 */
export const SLICE_BUDGET_MS = 24

export const useShown = create<{ byExt: ByExt }>()(() => ({ byExt: useFeed.getState().model.byExt }))

/** Per extension: how many mounted components show it, and how many of those are on screen. */
const rendered = new Map<string, { mounted: number; onScreen: number }>()

let scheduled = false

/** The shown copy with `exts` brought up to date with `target`. */
function withUpdated(shown: ByExt, target: ByExt, exts: readonly string[]): ByExt {
  const next: Record<string, readonly Call[]> = { ...shown }
  for (const ext of exts) {
    if (ext in target) next[ext] = target[ext]
    else delete next[ext]
  }
  return next
}

/**
 * Brings the screen up to date with the model, or part of the way and schedules the rest: the
 * extensions nothing renders at once, whatever their number; the rendered ones a slice per task,
 * starting in the next task so the reply's own task stays short. `inSlice`: this is such a task;
 * `clock` times its budget.
 */
export function catchUp(inSlice = false, clock: () => number = () => performance.now()): void {
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
  // A small change with no slices under way (they keep their order), or nothing rendered left:
  // all at once. A reset (empty model) too: nothing to render, only to remove.
  if ((stale.length <= SMALL && !scheduled) || (inSlice && stale.length === 0) || Object.keys(target).length === 0) {
    useShown.setState({ byExt: target })
    return
  }
  if (free.length > 0) useShown.setState({ byExt: withUpdated(shown, target, free) })
  let next: (f: () => void) => void = nextTask
  if (inSlice) {
    // The extensions on screen, then — once a frame has shown them — the ones rendered ahead of
    // a scroll: the browser does not stop to render between tasks of this priority, so without
    // the wait the first frame would carry them all.
    const now = onScreen.length > 0 ? onScreen : nearby
    const start = clock()
    let done = 0
    let size = STEP
    while (done < now.length) {
      const step = now.slice(done, done + size)
      done += step.length
      // Rendered and committed now, so the budget counts React's work too.
      if (done === stale.length) flushSync(() => useShown.setState({ byExt: target }))
      else flushSync(() => useShown.setState((s) => ({ byExt: withUpdated(s.byExt, target, step) })))
      const used = clock() - start
      if (used >= SLICE_BUDGET_MS) break
      // What the steps so far cost per extension sizes the next one to what is left of the
      // budget: few commits (each costs React a walk of the tree) without running over.
      size = Math.max(1, Math.floor(((SLICE_BUDGET_MS - used) * done) / Math.max(used, 0.1)))
    }
    if (done === stale.length) return
    if (done === onScreen.length && onScreen.length > 0) next = afterNextFrame
  }
  if (!scheduled) {
    scheduled = true
    next(() => {
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
      useShown.setState((s) => ({ byExt: withUpdated(s.byExt, useFeed.getState().model.byExt, [key]) }))
    return () => {
      const now = rendered.get(key)
      if (!now) return
      if (now.mounted > 1) rendered.set(key, { mounted: now.mounted - 1, onScreen: now.onScreen - (onScreen ? 1 : 0) })
      else rendered.delete(key)
    }
  }, [key, onScreen])
  return useShown((s) => s.byExt[key] ?? NO_CALLS)
}
