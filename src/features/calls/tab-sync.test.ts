// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest'
import type { FeedEvent } from '../pbx/pbx-client.ts'
import { applyEvents, emptyModel } from './call-model.ts'
import { cursorOf, resetFeedStore, useFeed } from './feed-store.ts'
import { onMessage, useTabs } from './tab-sync.ts'

const T0 = 1_700_000_000_000
const ev = (uniqueCallId: string, status: string): FeedEvent => ({ ext: '410', data: { uniqueCallId, status } })
const reply = (seq: string | null, next: string, events: FeedEvent[]) =>
  onMessage({ type: 'reply', sent: { seq, watching: '410' }, result: { seq: next, events, rejected: 0 }, now: T0 })
const cards = () => (useFeed.getState().model.byExt['410'] ?? []).map((c) => `${c.id}:${c.status}`)

beforeEach(() => {
  resetFeedStore()
  useTabs.getState().left()
})

describe('a follower tab', () => {
  it('waits for the leader’s state before taking increments, then follows them', () => {
    // An increment that overtakes the state: applying it to an empty model would lose call a.
    reply('5', '6', [ev('b', 'Ringing')])
    expect(useFeed.getState()).toMatchObject({ watching: '', sync: { step: 'snapshot', reason: null } })
    const model = applyEvents(emptyModel, [ev('a', 'Connected'), ev('b', 'Ringing')], T0)
    onMessage({
      type: 'state',
      sync: { step: 'hold', seq: '6', quick: false },
      watching: '410',
      model,
      connection: { phase: 'live' },
      lastReplyAt: T0,
      simulated: true,
    })
    expect(cards()).toEqual(['a:Connected', 'b:Ringing'])
    expect(useFeed.getState()).toMatchObject({ sync: { step: 'hold', seq: '6' }, simulated: true })
    reply('6', '7', [ev('a', 'Hungup')])
    expect(cards()).toEqual(['a:Hungup', 'b:Ringing'])
  })

  it('takes a snapshot reply at once: it is the whole picture', () => {
    reply(null, '3', [ev('a', 'Ringing')])
    expect(cards()).toEqual(['a:Ringing'])
    expect(useFeed.getState().watching).toBe('410')
    expect(cursorOf(useFeed.getState().sync)).toBe('3')
  })
})

describe('a follower told the feed is down', () => {
  it("asks at once if it comes to lead, and follows the leader's status line", () => {
    reply(null, '3', [ev('a', 'Ringing')])
    onMessage({ type: 'status', connection: { phase: 'reconnecting', error: 'Cannot reach the PBX' } })
    expect(useFeed.getState()).toMatchObject({
      connection: { phase: 'reconnecting', error: 'Cannot reach the PBX' },
      sync: { step: 'hold', seq: '3', quick: true },
    })
  })
})
