import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, render, screen } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HistoryEntry } from './history-model.ts'
import { HistoryPanel } from './history-panel.tsx'
import { useHistory } from './history-store.ts'

afterEach(cleanup)
beforeEach(() => useHistory.setState({ entries: [], missedSeenAt: 0 }))

const wrapper = ({ children }: { children: ReactNode }) => (
  <QueryClientProvider client={new QueryClient()}>{children}</QueryClientProvider>
)

const entry = (over: Partial<HistoryEntry>): HistoryEntry => ({
  key: `410|${over.id ?? 'c1'}`,
  ext: '410',
  id: 'c1',
  number: '0298765432',
  kind: 'answered',
  startedAt: Date.now() - 60_000,
  connectedAt: Date.now() - 50_000,
  endedAt: Date.now() - 10_000,
  ...over,
})

describe('HistoryPanel', () => {
  it('says "1 call", shows no "0 missed" badge, and offers Call back only on calls that came in', () => {
    useHistory.setState({ entries: [entry({ id: 'c1' })] })
    const { rerender } = render(<HistoryPanel onRedial={() => {}} />, { wrapper })
    expect(screen.getByText(/^1 call \(up to 500 kept\)$/)).toBeInTheDocument()
    expect(screen.queryByText(/missed/)).toBeNull()
    useHistory.setState({
      entries: [entry({ id: 'c2', kind: 'outbound', number: '0411111111' }), entry({ id: 'c1', kind: 'missed' })],
    })
    rerender(<HistoryPanel onRedial={() => {}} />)
    expect(screen.getByText('1 missed')).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Call back 0298765432' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Call back 0411111111' })).toBeNull()
  })
})
