import { act, render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ColumnView } from '../calls/extension-column.tsx'
import { extensionSet, resetFeedStore, useFeed } from '../calls/feed-store.ts'
import { TileView } from './extension-tile.tsx'

beforeEach(() => vi.useFakeTimers({ now: 1_700_000_000_000 }))
afterEach(() => {
  vi.useRealTimers()
  resetFeedStore()
})

const live = { phase: 'live' } as const
const down = { phase: 'reconnecting', error: 'HTTP 503' } as const

describe('an extension without calls, in both views', () => {
  it('an extension without calls is unknown until the PBX has answered, idle once it has, as last heard while the feed is down', () => {
    render(
      <>
        <ColumnView ext="410" calls={[]} />
        <ul>
          <TileView ext="420" calls={[]} />
        </ul>
      </>,
    )
    expect(screen.getByRole('region', { name: 'Extension 410' })).toHaveTextContent(
      'Not known yet — waiting for the PBX',
    )
    expect(screen.getByRole('listitem', { name: 'Extension 420: Unknown' })).toBeInTheDocument()
    // A reply that covered 410 only: 420 (just added, say) is still unknown.
    act(() =>
      useFeed.setState({ connection: live, lastReplyAt: Date.now(), watching: '410', watched: extensionSet('410') }),
    )
    expect(screen.getByRole('region', { name: 'Extension 410' })).toHaveTextContent('Idle — no calls')
    expect(screen.getByRole('listitem', { name: 'Extension 420: Unknown' })).toBeInTheDocument()
    act(() => useFeed.setState({ watching: 'SIP/410,420', watched: extensionSet('SIP/410,420') }))
    expect(screen.getByRole('region', { name: 'Extension 410' })).toHaveTextContent('Idle — no calls')
    expect(screen.getByRole('listitem', { name: 'Extension 420: Idle' })).toBeInTheDocument()
    act(() => useFeed.setState({ connection: down }))
    expect(screen.getByRole('region', { name: 'Extension 410' })).toHaveTextContent('No calls when last heard')
    expect(screen.getByRole('listitem', { name: 'Extension 420: Idle' })).toBeInTheDocument()
  })
})
