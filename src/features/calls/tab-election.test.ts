// Two tabs in one test: each its own copy of the modules (stores included), talking over Node's
// BroadcastChannel, with a Web Locks stand-in that grants the lock to one holder at a time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

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

async function openTab() {
  vi.resetModules()
  const sync = await import('./tab-sync.ts')
  const { useFeed } = await import('./feed-store.ts')
  const leave = sync.startTabSync()
  return { ...sync, useFeed, leave }
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

  it('"Retry now" in a follower makes the leader poll now', async () => {
    const a = await openTab()
    stops.push(a.leave)
    await expect.poll(() => a.useTabs.getState().isLeader).toBe(true)
    const b = await openTab()
    stops.push(b.leave)
    const leaderPoll = a.useFeed.getState().poll
    const followerPoll = b.useFeed.getState().poll
    b.retryNow()
    await expect.poll(() => a.useFeed.getState().poll).toBe(leaderPoll + 1)
    expect(a.useFeed.getState().healthy, 'the leader catches up with timeOut=0').toBe(false)
    expect(b.useFeed.getState().poll, 'the follower does not poll').toBe(followerPoll)
  })
})
