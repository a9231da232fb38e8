import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FeedEvent } from '../pbx/pbx-client.ts'
import { resetFeedStore, useFeed } from './feed-store.ts'
import { catchUp, SLICE_BUDGET_MS, SMALL, STEP, useCallsFor, useShown } from './shown-calls.ts'

const T0 = 1_700_000_000_000
const exts = (n: number, from = 5000) => Array.from({ length: n }, (_, i) => String(from + i))
const ringing = (list: string[]): FeedEvent[] =>
  list.map((ext) => ({ ext, data: { uniqueCallId: `c-${ext}`, status: 'Ringing' } }))

/** Replies carrying `events` for `watched` extensions, the cursor chained from the last one. */
let seq = 0
function reply(events: FeedEvent[], watched: string[]) {
  const sent = seq === 0 ? null : String(seq)
  seq += 1
  useFeed
    .getState()
    .replyReceived(
      { seq: sent, watching: watched.join(',') },
      { seq: String(seq), events, rejected: 0 },
      new Set(watched),
      T0,
    )
}

/** What a column renders: its extension's shown calls. */
function Column({ ext, onScreen = true }: { ext: string; onScreen?: boolean }) {
  const calls = useCallsFor(ext, onScreen)
  return <p data-testid={ext}>{calls.map((c) => c.id).join(',') || 'idle'}</p>
}

/** Which of `list` each update of the shown copy changed, update by update. */
function recordUpdates(list: string[]) {
  const updates: string[][] = []
  const unsubscribe = useShown.subscribe((s, prev) => updates.push(list.filter((e) => s.byExt[e] !== prev.byExt[e])))
  return { updates, unsubscribe }
}

beforeEach(() => {
  seq = 0
  resetFeedStore()
})
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe('the shown copy of the model', () => {
  it('shows a small change at once, in the same task as the reply', () => {
    const all = exts(3)
    render(all.map((e) => <Column key={e} ext={e} />))
    reply([], all)
    act(() => reply(ringing(['5001']), all))
    expect(screen.getByTestId('5001')).toHaveTextContent('c-5001')
    expect(useShown.getState().byExt).toBe(useFeed.getState().model.byExt)
  })

  it('brings a burst on rendered extensions to screen in slices, those on screen first, the rest after a frame', async () => {
    const ahead = exts(60)
    const visible = exts(12, 6000)
    const hidden = exts(300, 7000)
    const watched = [...ahead, ...visible, ...hidden]
    // Rendered ahead of a scroll, listed first; then the ones on screen.
    render([
      ...ahead.map((e) => <Column key={e} ext={e} onScreen={false} />),
      ...visible.map((e) => <Column key={e} ext={e} />),
    ])
    reply([], watched)
    const { updates, unsubscribe } = recordUpdates([...ahead, ...visible])
    const frame = vi.spyOn(globalThis, 'requestAnimationFrame')
    act(() => reply(ringing(watched), watched))
    // In the reply's own task: what nothing renders is up to date; no rendered column changed yet.
    expect(hidden.every((e) => useShown.getState().byExt[e]?.[0]?.id === `c-${e}`)).toBe(true)
    expect(screen.getByTestId(visible[0])).toHaveTextContent('idle')
    expect(updates.flat()).toEqual([])
    await waitFor(() => expect(useShown.getState().byExt).toBe(useFeed.getState().model.byExt))
    unsubscribe()
    for (const e of [...ahead, ...visible]) expect(screen.getByTestId(e)).toHaveTextContent(`c-${e}`)
    const slices = updates.filter((u) => u.length > 0)
    // Every extension on screen reached the screen before any rendered ahead of a scroll.
    const sliceOf = (e: string) => slices.findIndex((u) => u.includes(e))
    const lastVisible = Math.max(...visible.map(sliceOf))
    const firstAhead = Math.min(...ahead.map(sliceOf))
    expect(lastVisible).toBeLessThan(firstAhead)
    // A step never mixes them.
    expect(slices.every((u) => u.every((e) => visible.includes(e)) || u.every((e) => ahead.includes(e)))).toBe(true)
    // The ones ahead waited for a frame to show the ones on screen.
    expect(frame).toHaveBeenCalled()
  })

  it('a slice takes steps while its task is under budget, stops at the first past it, and leaves the rest to later tasks', async () => {
    const visible = exts(40)
    render(visible.map((e) => <Column key={e} ext={e} />))
    reply([], visible)
    act(() => reply(ringing(visible), visible))
    expect(screen.getByTestId(visible[0])).toHaveTextContent('idle')
    const { updates, unsubscribe } = recordUpdates(visible)
    // Each extension shown costs 5 ms on this clock, whenever and however often it is read.
    const cost = (n: number) => 5 * n
    const clock = () => cost(visible.filter((e) => useShown.getState().byExt[e]?.length).length)
    act(() => catchUp(true, clock))
    const steps = updates.filter((u) => u.length > 0).map((u) => u.length)
    const shown = steps.reduce((a, b) => a + b, 0)
    // More than one step; every step but the last began under budget, and the last one ended past it.
    expect(steps.length).toBeGreaterThan(1)
    expect(cost(shown - steps.at(-1)!)).toBeLessThan(SLICE_BUDGET_MS)
    expect(cost(shown)).toBeGreaterThanOrEqual(SLICE_BUDGET_MS)
    expect(visible.filter((e) => useShown.getState().byExt[e]?.length)).toEqual(visible.slice(0, shown))
    // The rest reaches the screen in later tasks.
    await waitFor(() => expect(useShown.getState().byExt).toBe(useFeed.getState().model.byExt))
    unsubscribe()
    for (const e of visible) expect(screen.getByTestId(e)).toHaveTextContent(`c-${e}`)
  })

  it('sizes its steps by what the first ones cost: a budget filled in a few commits', () => {
    const visible = exts(200)
    render(visible.map((e) => <Column key={e} ext={e} />))
    reply([], visible)
    act(() => reply(ringing(visible), visible))
    const { updates, unsubscribe } = recordUpdates(visible)
    // Each extension shown costs 0.5 ms on this clock: the budget holds 48 of them.
    const clock = () => 0.5 * visible.filter((e) => useShown.getState().byExt[e]?.length).length
    act(() => catchUp(true, clock))
    unsubscribe()
    const steps = updates.filter((u) => u.length > 0)
    const shown = steps.flat().length
    expect(steps[0]).toHaveLength(STEP)
    expect(shown).toBeLessThanOrEqual(SLICE_BUDGET_MS / 0.5)
    expect(shown).toBeGreaterThanOrEqual(SLICE_BUDGET_MS / 0.5 - STEP)
    expect(steps.length).toBeLessThanOrEqual(3)
  })

  it('keeps every extension whole and converges when replies land while slicing', async () => {
    const all = exts(SMALL * 6)
    render(all.map((e) => <Column key={e} ext={e} />))
    reply([], all)
    act(() => reply(ringing(all), all))
    // A later reply ends a call the slices have not shown yet: the screen ends up with the truth.
    act(() => reply([{ ext: all.at(-1)!, data: { uniqueCallId: `c-${all.at(-1)}`, status: 'Connected' } }], all))
    await waitFor(() => expect(useShown.getState().byExt).toBe(useFeed.getState().model.byExt))
    expect(useShown.getState().byExt[all.at(-1)!]?.[0]?.status).toBe('Connected')
  })

  it('a column mounted while a burst is sliced shows its latest calls', async () => {
    const all = exts(SMALL * 6)
    const { rerender } = render(all.map((e) => <Column key={e} ext={e} />))
    reply([], [...all, '9999'])
    act(() => reply(ringing([...all, '9999']), [...all, '9999']))
    rerender([...all, '9999'].map((e) => <Column key={e} ext={e} />))
    await waitFor(() => expect(screen.getByTestId('9999')).toHaveTextContent('c-9999'))
  })

  it('a reset clears the screen at once', () => {
    const all = exts(SMALL * 4)
    render(all.map((e) => <Column key={e} ext={e} />))
    reply([], all)
    act(() => reply(ringing(all), all))
    act(() => resetFeedStore())
    expect(useShown.getState().byExt).toEqual({})
    expect(screen.getByTestId(all[0])).toHaveTextContent('idle')
  })
})
