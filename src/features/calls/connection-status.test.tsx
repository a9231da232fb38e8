import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, render, screen } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useNow } from '../../lib/use-now.ts'
import { resetFeedStore, useFeed } from './feed-store.ts'
import { ConnectionStatus } from './connection-status.tsx'

/** Its Retry now button reaches the feed's query. */
const wrapper = ({ children }: { children: ReactNode }) => (
  <QueryClientProvider client={new QueryClient()}>{children}</QueryClientProvider>
)

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
        lastReplyAt: Date.now() - 10_000,
        connection: { phase: 'reconnecting', error: 'The PBX is having trouble', nextRetryAt: Date.now() + 30_000 },
      }),
    )
    render(<ConnectionStatus watching={1} />, { wrapper })
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting: The PBX is having trouble — next try in 30 s')
    act(() => vi.advanceTimersByTime(1_100))
    expect(screen.getByRole('status')).toHaveTextContent('next try in 29 s')
  })
})

describe('a brief reconnect and an outage read differently', () => {
  it('says Reconnecting in amber for the first minute, then Down for N min in red', () => {
    act(() =>
      useFeed.setState({
        lastReplyAt: Date.now(),
        connection: { phase: 'reconnecting', error: 'The PBX is having trouble' },
      }),
    )
    render(<ConnectionStatus watching={1} />, { wrapper })
    const status = screen.getByRole('status')
    expect(status).toHaveTextContent(/^Reconnecting: The PBX is having trouble$/)
    expect(status).toHaveAttribute('data-outage', 'brief')
    act(() => vi.advanceTimersByTime(3 * 60_000))
    expect(status).toHaveTextContent(/^Down for 3 min: The PBX is having trouble$/)
    expect(status).toHaveAttribute('data-outage', 'long')
  })
})

describe('saying what is known', () => {
  const live = { phase: 'live' } as const

  it('says "Cannot connect", not "Reconnecting", when the PBX has never answered', () => {
    act(() =>
      useFeed.setState({
        connection: { phase: 'reconnecting', error: 'Cannot reach the PBX (ECONNREFUSED)' },
      }),
    )
    render(<ConnectionStatus watching={1} />, { wrapper })
    expect(screen.getByRole('status')).toHaveTextContent(/^Cannot connect: Cannot reach the PBX \(ECONNREFUSED\)$/)
    // The cause is one click away too, with what the calls on screen mean.
    act(() => screen.getByRole('button', { name: 'Details' }).click())
    expect(screen.getByText('Cannot reach the PBX (ECONNREFUSED)')).toBeVisible()
  })

  it('says a refused key in the server’s words, whatever they are', () => {
    const said = 'The PBX refused the API key (Code -1: Invalid apiKey): tell your administrator'
    act(() => useFeed.setState({ connection: { phase: 'auth', error: said } }))
    render(<ConnectionStatus watching={1} />, { wrapper })
    expect(screen.getByRole('status')).toHaveTextContent(said)
    expect(screen.getByRole('status')).toHaveAttribute('data-phase', 'auth')
  })

  it('marks a simulated PBX on screen, next to the status, and nothing else', () => {
    act(() => useFeed.setState({ connection: live, lastReplyAt: Date.now() }))
    const { rerender } = render(<ConnectionStatus watching={1} />, { wrapper })
    expect(screen.queryByText(/Simulated PBX/)).toBeNull()
    act(() => useFeed.setState({ simulated: true }))
    rerender(<ConnectionStatus watching={1} />)
    expect(screen.getByText(/^Simulated PBX/)).toHaveTextContent('Simulated PBX — demo calls')
    expect(screen.getByRole('status')).toHaveTextContent(/^Live$/)
  })
})
