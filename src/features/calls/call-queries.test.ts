// @vitest-environment node
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { PbxError } from '../pbx/pbx-error.ts'
import { AUTH_RETRY_MS, callQueries, pollDeadlineMs, pollRetryDelay } from './call-queries.ts'
import { resetFeedStore, useFeed } from './feed-store.ts'

beforeEach(() => resetFeedStore())

describe('pollDeadlineMs', () => {
  it('gives a held poll its hold plus 10 s, and a snapshot or catch-up 30 s: a slow PBX listing a thousand extensions still gets through', () => {
    expect(pollDeadlineMs(25)).toBe(35_000)
    expect(pollDeadlineMs(0)).toBe(30_000)
  })
})

describe('pollRetryDelay', () => {
  it('waits at least 1 s after any failure and tells the store when the next try is', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    const before = Date.now()
    expect(pollRetryDelay(0, new PbxError('malformed', 'The PBX sent an HTML page instead of JSON'))).toBe(1000)
    const c = useFeed.getState().connection
    expect(c).toMatchObject({
      phase: 'reconnecting',
      kind: 'malformed',
      error: 'The PBX sent an HTML page instead of JSON',
    })
    expect(c.nextRetryAt).toBeGreaterThanOrEqual(before + 1000)
  })

  it('backs off up to 30 s', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999999)
    const delays = [0, 2, 4, 6, 20].map((n) => pollRetryDelay(n, new PbxError('http', 'HTTP 503', { status: 503 })))
    expect(delays).toEqual([999, 3999, 15999, 29999, 29999].map((d) => Math.max(1000, d)))
  })

  it('retries a refused key slowly and says so', () => {
    expect(pollRetryDelay(0, new PbxError('auth', 'The PBX rejected the API key (HTTP 401)'))).toBe(AUTH_RETRY_MS)
    expect(useFeed.getState().connection.phase).toBe('auth')
  })

  it('treats a non-PbxError as a network failure', () => {
    pollRetryDelay(0, new TypeError('boom'))
    expect(useFeed.getState().connection).toMatchObject({ phase: 'reconnecting', kind: 'network' })
  })
})

describe('callQueries.feed', () => {
  const opts = callQueries.feed(['400', '410'], '7', 3)

  it('keys each poll by extensions, cursor and poll counter', () => {
    expect(opts.queryKey).toEqual(['calls', 'feed', '400,410', '7', 3])
  })

  it('retries every failure except an abort', () => {
    const retry = opts.retry as (n: number, e: unknown) => boolean
    expect(retry(50, new PbxError('network', 'x'))).toBe(true)
    expect(retry(50, new PbxError('auth', 'x'))).toBe(true)
    expect(retry(0, new PbxError('aborted', 'x'))).toBe(false)
  })

  it('never refetches on its own', () => {
    expect(opts).toMatchObject({
      staleTime: Infinity,
      gcTime: 0,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
    })
  })
})
