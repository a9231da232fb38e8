// Two tabs in one test: each its own copy of the modules (stores included), talking over Node's
// BroadcastChannel, with a Web Locks stand-in that grants the lock to one holder at a time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type * as FeedStore from './feed-store.ts'
import type * as TabSync from './tab-sync.ts'

type Entry = { grant: () => void; cancel: () => void }

function fakeLocks() {
  const queue: Entry[] = []
  let held = false
  const next = () => {
    if (held || !queue.length) return
    held = true
    queue.shift()!.grant()
  }
  return {
    request(_name: string, opts: { signal?: AbortSignal }, cb: () => Promise<void>) {
      return new Promise<void>((resolve, reject) => {
        const entry: Entry = {
          grant: () =>
            void cb().then(() => {
              held = false
              resolve()
              next()
            }),
          cancel: () => reject(new DOMException('Aborted', 'AbortError')),
        }
        opts.signal?.addEventListener('abort', () => {
          const i = queue.indexOf(entry)
          if (i < 0) return
          queue.splice(i, 1)
          entry.cancel()
        })
        queue.push(entry)
        next()
      })
    },
  }
}

type Tab = typeof TabSync & {
  useFeed: typeof FeedStore.useFeed
  leave: () => void
  /** Retries this tab ran as the leader (asked by a follower) and from its own button. */
  leaderRetries: number
  ownRetries: number
}

async function openTab(retry: () => void = () => {}): Promise<Tab> {
  vi.resetModules()
  const sync = await import('./tab-sync.ts')
  const { useFeed } = await import('./feed-store.ts')
  const leave = sync.startTabSync(retry)
  return { ...sync, useFeed, leave, leaderRetries: 0, ownRetries: 0 }
}

const stops: (() => void)[] = []
beforeEach(() => Object.defineProperty(navigator, 'locks', { value: fakeLocks(), configurable: true }))
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
})

describe('one tab leads the feed', () => {
  it('the first tab leads, the second follows; when the leader closes, the follower takes over', async () => {
    const a = await openTab()
    stops.push(a.leave)
    await expect.poll(() => a.useTabs.getState().isLeader).toBe(true)
    const b = await openTab()
    stops.push(b.leave)
    b.announce(['410'])
    // The leader hears of the follower's list, and polls for it too.
    await expect.poll(() => Object.values(a.useTabs.getState().lists)).toContainEqual(['410'])
    expect(b.useTabs.getState().isLeader).toBe(false)
    a.leave()
    await expect.poll(() => b.useTabs.getState().isLeader).toBe(true)
  })

  it('"Retry now" in a follower makes the leader poll now, not itself', async () => {
    const a = await openTab(() => a.leaderRetries++)
    stops.push(a.leave)
    await expect.poll(() => a.useTabs.getState().isLeader).toBe(true)
    const b = await openTab(() => b.leaderRetries++)
    stops.push(b.leave)
    b.retryNow(() => b.ownRetries++)
    await expect.poll(() => a.leaderRetries).toBe(1)
    expect(b.ownRetries + b.leaderRetries, 'the follower does not poll').toBe(0)
    // The leader's own button runs its own retry.
    a.retryNow(() => a.ownRetries++)
    expect(a.ownRetries).toBe(1)
  })
})
