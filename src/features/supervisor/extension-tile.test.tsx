import { render, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Call } from '../calls/call-model.ts'
import { aCall } from '../../testing/calls.ts'
import { extensionSet, resetFeedStore, useFeed } from '../calls/feed-store.ts'
import { TileView } from './extension-tile.tsx'

const now = Date.now()
const call = (status: string, p: Partial<Call> = {}): Call => aCall({ status, ...p }, now)

describe('TileView', () => {
  beforeEach(() =>
    useFeed.setState({
      connection: { phase: 'live' },
      lastReplyAt: now,
      watching: '410',
      watched: extensionSet('410'),
    }),
  )
  afterEach(() => resetFeedStore())

  it('updates one element through idle, ringing, connected and ended (a burst changes tiles, it does not replace them)', () => {
    const ul = (calls: Call[]) => (
      <ul>
        <TileView ext="410" calls={calls} />
      </ul>
    )
    const { rerender } = render(ul([]))
    const tile = screen.getByRole('listitem', { name: 'Extension 410: Idle' })
    rerender(ul([call('Ringing')]))
    expect(screen.getByRole('listitem', { name: /^Extension 410: Ringing, 0298765432/ })).toBe(tile)
    expect(tile).toHaveAttribute('data-state', 'ringing')
    rerender(ul([call('Connected', { connectedAt: now })]))
    expect(tile).toHaveAttribute('data-state', 'connected')
    rerender(ul([call('Hungup', { endedAt: now })]))
    expect(tile).toHaveAttribute('data-state', 'ended')
    expect(screen.getByRole('listitem')).toBe(tile)
  })
})
