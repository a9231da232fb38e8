import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, render } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { HistoryDriver } from './history-sync.tsx'
import { useHistory } from './history-store.ts'

afterEach(cleanup)

describe('missed calls in the tab title', () => {
  it('counts missed calls not yet seen, drops the count once they are, and is plain again on unmount', () => {
    useHistory.setState({ entries: [], missedSeenAt: 0 })
    const { unmount } = render(
      <QueryClientProvider client={new QueryClient()}>
        <HistoryDriver />
      </QueryClientProvider>,
    )
    expect(document.title).toBe('Switchboard')
    const missed = { ext: '410', number: '02', kind: 'missed' as const, startedAt: 1, endedAt: 2 }
    act(() =>
      useHistory.setState({
        entries: [
          { ...missed, key: '410|a', id: 'a' },
          { ...missed, key: '410|b', id: 'b' },
        ],
      }),
    )
    expect(document.title).toBe('(2 missed) Switchboard')
    act(() => useHistory.getState().missedSeen(10))
    expect(document.title).toBe('Switchboard')
    act(() => useHistory.getState().missedSeen(0))
    expect(document.title).toBe('(2 missed) Switchboard')
    unmount()
    expect(document.title).toBe('Switchboard')
  })
})
