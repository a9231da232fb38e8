// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { PbxError } from '../pbx/pbx-error.ts'
import { pollDeadlineMs, RETRY_NOW_WINDOW_MS, pollRetryDelay, untilNextTry } from './call-queries.ts'

describe('pollDeadlineMs', () => {
  it('gives a held poll its hold plus 10 s, and a snapshot or catch-up 30 s: a slow PBX listing a thousand extensions still gets through', () => {
    expect(pollDeadlineMs(25)).toBe(35_000)
    expect(pollDeadlineMs(0)).toBe(30_000)
  })
})

describe('pollRetryDelay', () => {
  const malformed = new PbxError('unexpected', 'The Switchboard server answered something unexpected (HTTP 502)')

  it('waits at least 1 s after any failure', () => {
    expect(pollRetryDelay(0, malformed, 0, 0, () => 0)).toBe(1000)
  })

  it('backs off up to 30 s', () => {
    const delays = [0, 2, 4, 6, 20].map((n) => pollRetryDelay(n, malformed, 0, 0, () => 0.999999))
    expect(delays).toEqual([999, 3999, 15999, 29999, 29999].map((d) => Math.max(1000, d)))
  })

  it('asks again a second after the server’s own next try when it says when that is, whatever the dice', () => {
    const down = (retryAt: number) =>
      new PbxError('feed-down', 'The PBX refused the API key', { reason: 'key-refused', retryAt })
    expect(pollRetryDelay(0, down(61_000), 1000, 0, () => 0)).toBe(61_000)
    // The server's try is under way (retryAt passed): once a second until it has answered.
    expect(pollRetryDelay(5, down(500), 1000, 0, () => 0.9)).toBe(1000)
  })

  it('after Retry now, asks each second for a while: the server’s retryAt still names its old try', () => {
    const down = new PbxError('feed-down', 'The PBX refused the API key', { reason: 'key-refused', retryAt: 70_000 })
    expect(pollRetryDelay(0, down, 10_000, 9_500)).toBe(1000)
    expect(pollRetryDelay(0, down, 10_000 + RETRY_NOW_WINDOW_MS, 10_000)).toBe(61_000 - RETRY_NOW_WINDOW_MS)
  })
})

describe('untilNextTry', () => {
  it('is the time left until the try the store decided, never negative', () => {
    expect(untilNextTry({ phase: 'reconnecting', nextRetryAt: 5000 }, 2000)).toBe(3000)
    expect(untilNextTry({ phase: 'reconnecting', nextRetryAt: 5000 }, 9000)).toBe(0)
    expect(untilNextTry({ phase: 'live' }, 9000)).toBe(0)
  })
})
