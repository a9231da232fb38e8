import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, render } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setupTestPbx } from '../../testing/msw-server.ts'
import { POLL_TIMEOUT_S } from './call-queries.ts'
import { cursorOf, resetFeedStore, useFeed } from './feed-store.ts'
import { retryFeed, STALE_AFTER_MS, useCallFeed } from './use-call-feed.ts'

const { sim, faults } = setupTestPbx({ minPollPeriodMs: 10 })
// Registered after the PBX's hooks, so it runs first: unmount before the simulator resets.
afterEach(cleanup)

function Feed({ exten }: { exten: string[] }) {
  useCallFeed(exten)
  return null
}

function mount(exten: string[]) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const ui = (list: string[]) => (
    <QueryClientProvider client={client}>
      <Feed exten={list} />
    </QueryClientProvider>
  )
  const r = render(ui(exten))
  return { ...r, client, change: (list: string[]) => r.rerender(ui(list)) }
}

const subscribes = () => sim.requests.filter((r) => r.method === 'subscribe')
const statusOn = (ext: string, id: string) => useFeed.getState().model.byExt[ext]?.find((c) => c.id === id)?.status

/** Count subscribe requests the simulator is handling at once. */
function trackInFlight() {
  const handle = sim.handle.bind(sim)
  const track = { now: 0, max: 0 }
  sim.handle = async (...args) => {
    if (args[1] === 'subscribe') track.max = Math.max(track.max, ++track.now)
    try {
      return await handle(...args)
    } finally {
      if (args[1] === 'subscribe') track.now--
    }
  }
  return track
}

beforeEach(() => {
  resetFeedStore()
  // Updates here come from the network, not from test actions: act() has nothing to wrap.
  ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false
})

describe('useCallFeed', () => {
  it('starts with a snapshot, then long-polls from the reply’s seq', async () => {
    const ringing = sim.ring({ ext: '410', callerId: '0298765432' })
    mount(['400', '410'])
    await expect.poll(() => sim.heldPolls).toBe(1)
    const [first, second] = subscribes()
    expect(first.params).toMatchObject({ exten: '400,410', lastSequenceNumber: '0', timeOut: '0' })
    expect(second.params).toMatchObject({
      exten: '400,410',
      lastSequenceNumber: String(sim.seq),
      timeOut: String(POLL_TIMEOUT_S),
    })
    expect(statusOn('410', ringing)).toBe('Ringing')
    expect(useFeed.getState().connection.phase).toBe('live')
  })

  it('shows a call rung on the PBX and follows it to its end', async () => {
    mount(['400', '410'])
    await expect.poll(() => sim.heldPolls).toBe(1)
    const id = sim.ring({ ext: '400', callerId: 'Alice' })
    await expect.poll(() => statusOn('400', id)).toBe('Ringing')
    sim.connect(id, '400')
    await expect.poll(() => statusOn('400', id)).toBe('Connected')
    sim.setStatus(id, 'Hungup')
    await expect.poll(() => statusOn('400', id)).toBe('Hungup')
    // Each poll after the first carried the previous reply's seq.
    await expect
      .poll(() =>
        subscribes()
          .slice(1)
          .map((r) => r.params.lastSequenceNumber),
      )
      .toEqual(['0', '1', '2', '3'])
    expect(cursorOf(useFeed.getState().sync)).toBe('3')
  })

  it('keeps exactly one subscribe in flight while events stream in', async () => {
    const inFlight = trackInFlight()
    mount(['400', '410'])
    await expect.poll(() => sim.heldPolls).toBe(1)
    for (let i = 0; i < 5; i++) {
      const id = sim.ring({ ext: i % 2 ? '400' : '410' })
      await expect.poll(() => statusOn(i % 2 ? '400' : '410', id)).toBe('Ringing')
    }
    await expect.poll(() => sim.heldPolls).toBe(1)
    expect(inFlight.max).toBe(1)
    expect(subscribes().length).toBeGreaterThanOrEqual(6)
  })

  it('aborts the poll in flight when the extension list changes and snapshots the new list', async () => {
    const inFlight = trackInFlight()
    const view = mount(['400', '410'])
    await expect.poll(() => sim.heldPolls).toBe(1)
    const before = subscribes().length
    sim.ring({ ext: '420', uniqueCallId: 'on-420' })
    view.change(['400', '420'])
    await expect.poll(() => statusOn('420', 'on-420')).toBe('Ringing')
    // The new list's long poll has reached the PBX; the old one must be gone by then.
    await expect.poll(() => subscribes().length - before).toBeGreaterThanOrEqual(2)
    expect(inFlight.now).toBe(1)
    await expect.poll(() => sim.heldPolls).toBe(1)
    const after = subscribes().slice(before)
    expect(after[0].params).toMatchObject({ exten: '400,420', lastSequenceNumber: '0', timeOut: '0' })
    expect(after.slice(1).every((r) => r.params.exten === '400,420')).toBe(true)
  })

  it('aborts the held poll on unmount and sends no more', async () => {
    const view = mount(['410'])
    await expect.poll(() => sim.heldPolls).toBe(1)
    const sent = subscribes().length
    view.unmount()
    await expect.poll(() => sim.heldPolls).toBe(0)
    // Whatever was still scheduled (a retry, the next poll) runs now, without waiting for it.
    vi.useFakeTimers()
    sim.ring({ ext: '410' })
    await vi.runAllTimersAsync()
    vi.useRealTimers()
    expect(trackInFlight().now).toBe(0)
    expect(subscribes().length).toBe(sent)
  })

  it('keeps the cursor through a reply it cannot read, and waits at least 1 s before asking again at once', async () => {
    mount(['410'])
    await expect.poll(() => sim.heldPolls).toBe(1)
    faults.answerNext('subscribe', 502, '<html>Bad gateway</html>', 'text/html')
    const id = sim.ring({ ext: '410' })
    await expect.poll(() => statusOn('410', id)).toBe('Ringing')
    const cursor = cursorOf(useFeed.getState().sync)
    await expect
      .poll(() => useFeed.getState().connection.error)
      .toBe('The Switchboard server answered something unexpected (HTTP 502)')
    expect(cursorOf(useFeed.getState().sync)).toBe(cursor)
    expect(useFeed.getState().connection.phase).toBe('reconnecting')

    await expect.poll(() => useFeed.getState().connection.phase, { timeout: 3000 }).toBe('live')
    const reqs = faults.seen.filter((r) => r.method === 'subscribe')
    const failed = reqs.findIndex((r, i) => i > 0 && r.params.lastSequenceNumber === cursor)
    const [bad, retry] = [reqs[failed], reqs[failed + 1]]
    expect(retry.params.lastSequenceNumber).toBe(cursor)
    // After a failure the first poll asks timeOut=0: the status line knows at once that the feed is back.
    expect(retry.params.timeOut).toBe('0')
    expect(retry.at - bad.at).toBeGreaterThanOrEqual(999)
  })

  it('the server’s feed down: says its message, waits for its next try, and Retry now asks it to try at once', async () => {
    const { client } = mount(['410'])
    await expect.poll(() => sim.heldPolls).toBe(1)
    faults.feedDown('key-refused', 'The PBX refused the API key: tell your administrator', Date.now() + 60_000)
    sim.ring({ ext: '410', uniqueCallId: 'during' })
    await expect.poll(() => useFeed.getState().connection.phase).toBe('auth')
    expect(useFeed.getState().connection.error).toBe('The PBX refused the API key: tell your administrator')
    // Nothing is asked before the server's own try, a minute away …
    expect(useFeed.getState().connection.nextRetryAt! - Date.now()).toBeGreaterThan(59_000)
    faults.feedUp()
    // … unless the agent asks: the server is told to try now, and the panel asks at once.
    sim.ring({ ext: '410', uniqueCallId: 'meanwhile' })
    retryFeed(client)
    await expect.poll(() => statusOn('410', 'meanwhile')).toBe('Ringing')
    expect(faults.retries).toBe(1)
    await expect.poll(() => useFeed.getState().connection.phase).toBe('live')
  })

  it('a poll that fails after the browser went offline says offline, not reconnecting', async () => {
    mount(['410'])
    await expect.poll(() => sim.heldPolls).toBe(1)
    // The next poll is held by the server; the network goes away while it is.
    faults.hangNext('subscribe')
    sim.ring({ ext: '410' })
    await expect.poll(() => faults.hanging).toBe(1)
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)
    try {
      window.dispatchEvent(new Event('offline'))
      expect(useFeed.getState().connection.phase).toBe('offline')
      // The held request fails after the `offline` event (a real browser's order about half the time).
      faults.dropConnections()
      await expect.poll(() => useFeed.getState().failures).toBe(1)
      expect(useFeed.getState().connection).toMatchObject({ phase: 'offline', error: 'This computer is offline' })
    } finally {
      online.mockRestore()
      window.dispatchEvent(new Event('online'))
    }
  })

  it('takes a snapshot when the server says seq 0, shows its reason, and a call that rang meanwhile', async () => {
    const old = sim.ring({ ext: '410', uniqueCallId: 'before' })
    mount(['410'])
    await expect.poll(() => statusOn('410', old)).toBe('Ringing')
    await expect.poll(() => sim.heldPolls).toBe(1)
    faults.resyncNext('Resynchronised with the PBX: it restarted')
    // The held poll ends with this event; the next, from the cursor, is told to take a snapshot.
    sim.setStatus(old, 'Hungup')
    await expect.poll(() => useFeed.getState().notice).toBe('Resynchronised with the PBX: it restarted')
    const sent = faults.seen.map((r) => `${r.params.lastSequenceNumber}/${r.params.timeOut}`)
    expect(
      sent.filter((r) => r === '0/0'),
      'the first load and the resync',
    ).toHaveLength(2)
    await expect.poll(() => sim.heldPolls).toBe(1)
    const fresh = sim.ring({ ext: '410', uniqueCallId: 'after' })
    await expect.poll(() => statusOn('410', fresh)).toBe('Ringing')
  })

  it('resynchronises after a PBX restart and shows a call that rang after it', async () => {
    const old = sim.ring({ ext: '410', uniqueCallId: 'before-restart' })
    mount(['410'])
    await expect.poll(() => statusOn('410', old)).toBe('Ringing')
    await expect.poll(() => sim.heldPolls).toBe(1)
    sim.ring({ ext: '410', uniqueCallId: 'x1' })
    await expect.poll(() => statusOn('410', 'x1')).toBe('Ringing')
    sim.restart()
    const fresh = sim.ring({ ext: '410', uniqueCallId: 'after-restart' })
    await expect.poll(() => statusOn('410', fresh), { timeout: 4000 }).toBe('Ringing')
    const calls = useFeed.getState().model.byExt['410']
    expect(calls.find((c) => c.id === old)).toMatchObject({ vanished: true })
    expect(cursorOf(useFeed.getState().sync)).toBe(String(sim.seq))
  })

  it('after a sleep or a frozen tab (no reply for longer than a hold), drops the held poll and asks for the current state', async () => {
    const id = sim.ring({ ext: '410', uniqueCallId: 'before-sleep' })
    mount(['410'])
    await expect.poll(() => statusOn('410', id)).toBe('Ringing')
    await expect.poll(() => sim.heldPolls).toBe(1)
    const before = subscribes().length
    // The machine slept: the page's clock jumps, and the held poll never answered meanwhile.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + STALE_AFTER_MS + 5000)
    // Waking: the tab becomes visible and checks at once, not at its next tick.
    expect(document.visibilityState).toBe('visible')
    document.dispatchEvent(new Event('visibilitychange'))
    // expect.poll needs the real clock; the check has run.
    vi.useRealTimers()
    // The call ended while the machine slept (the held poll, dropped, will not say so).
    sim.setStatus(id, 'Hungup')
    await expect.poll(() => subscribes()[before]?.params).toMatchObject({ lastSequenceNumber: '0', timeOut: '0' })
    // The snapshot no longer lists it: shown as ended, not left ringing.
    await expect.poll(() => useFeed.getState().model.byExt['410']?.find((c) => c.id === id)?.endedAt).toBeGreaterThan(0)
    expect(useFeed.getState().notice).toMatch(/^Resynchronised with the PBX \(no reply for \d+ s\)/)
    // One poll held again; the one held across the sleep was dropped.
    await expect.poll(() => sim.heldPolls).toBe(1)
  })

  it('does not resync a feed that is merely quiet: a held poll answering at its timeout keeps the cursor', async () => {
    mount(['410'])
    await expect.poll(() => sim.heldPolls).toBe(1)
    const before = subscribes().length
    document.dispatchEvent(new Event('visibilitychange'))
    sim.ring({ ext: '410', uniqueCallId: 'quiet' })
    await expect.poll(() => statusOn('410', 'quiet')).toBe('Ringing')
    expect(
      subscribes()
        .slice(before)
        .map((r) => r.params.lastSequenceNumber),
    ).not.toContain('0')
    expect(useFeed.getState().notice).toBeNull()
  })
})
