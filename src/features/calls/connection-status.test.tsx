import { act, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useNow } from '../../lib/use-now.ts'
import { resetFeedStore, useFeed } from './feed-store.ts'
import { ConnectionStatus } from './connection-status.tsx'

/** Something else on screen already runs the shared 1 s ticker (a call's timer). */
function SomeTimer() {
  return <span>{useNow()}</span>
}

beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }))
afterEach(() => {
  vi.useRealTimers()
  resetFeedStore()
})

describe('ConnectionStatus countdown', () => {
  it('never says more than the wait that was set, even with the ticker nearly a second old', () => {
    render(<SomeTimer />)
    act(() => vi.advanceTimersByTime(900))
    act(() =>
      useFeed.setState({
        lastReplyAt: Date.now() - 60_000,
        connection: { phase: 'reconnecting', error: 'HTTP 503', nextRetryAt: Date.now() + 30_000 },
      }),
    )
    render(<ConnectionStatus watching={1} />)
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting: HTTP 503 — next try in 30 s')
    act(() => vi.advanceTimersByTime(1_100))
    expect(screen.getByRole('status')).toHaveTextContent('next try in 29 s')
  })
})

describe('saying what is known', () => {
  const live = { phase: 'live' } as const

  it('says "Cannot connect", not "Reconnecting", when the PBX has never answered', () => {
    act(() =>
      useFeed.setState({
        connection: { phase: 'reconnecting', error: 'The server cannot reach the PBX (ECONNREFUSED)' },
      }),
    )
    render(<ConnectionStatus watching={1} />)
    expect(screen.getByRole('status')).toHaveTextContent(
      /^Cannot connect: The server cannot reach the PBX \(ECONNREFUSED\)$/,
    )
  })

  it('marks a simulated PBX on screen, next to the status, and nothing else', () => {
    act(() => useFeed.setState({ connection: live, lastReplyAt: Date.now() }))
    const { rerender } = render(<ConnectionStatus watching={1} />)
    expect(screen.queryByText(/Simulated PBX/)).toBeNull()
    act(() => useFeed.setState({ simulated: true }))
    rerender(<ConnectionStatus watching={1} />)
    expect(screen.getByText('Simulated PBX — demo calls')).toBeVisible()
    expect(screen.getByRole('status')).toHaveTextContent(/^Live$/)
  })
})
