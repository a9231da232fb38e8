import { act, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Call } from '../calls/call-model.ts'
import { aCall } from '../../testing/calls.ts'
import { extensionSet, resetFeedStore, useFeed } from '../calls/feed-store.ts'
import { SupervisorGrid } from './supervisor-grid.tsx'

const now = Date.now()
const call = (p: Partial<Call> & { id: string; ext: string }): Call => aCall(p, now)

describe('SupervisorGrid', () => {
  // The PBX has answered: an extension without calls is idle (before that, unknown).
  beforeEach(() =>
    useFeed.setState({
      connection: { phase: 'live' },
      lastReplyAt: now,
      watching: Array.from({ length: 40 }, (_, i) => 400 + i).join(','),
      watched: extensionSet(Array.from({ length: 40 }, (_, i) => 400 + i).join(',')),
    }),
  )
  afterEach(() => resetFeedStore())

  it('shows a named tile per extension, the counts, and filters by caller or extension', async () => {
    const exts = Array.from({ length: 30 }, (_, i) => String(400 + i))
    render(<SupervisorGrid extensions={exts} />)
    const list = screen.getByRole('list', { name: 'Extensions' })
    expect(within(list).getAllByRole('listitem')).toHaveLength(30)
    const counts = screen.getByRole('list', { name: 'Extension counts' })
    expect(counts).toHaveTextContent('0 ringing')
    expect(counts).toHaveTextContent('30 idle')

    act(() =>
      useFeed.setState({
        model: {
          byExt: {
            '410': [call({ id: 'a', ext: '410' })],
            '420': [call({ id: 'b', ext: '420', status: 'Connected', callerId: '0411222333' })],
          },
          ended: {},
        },
      }),
    )
    expect(screen.getByRole('listitem', { name: 'Extension 410: Ringing, 0298765432' })).toHaveAttribute(
      'data-state',
      'ringing',
    )
    expect(screen.getByRole('listitem', { name: 'Extension 420: Connected, 0411222333' })).toBeInTheDocument()
    expect(counts).toHaveTextContent('1 ringing')
    expect(counts).toHaveTextContent('1 connected')
    expect(counts).toHaveTextContent('28 idle')

    await userEvent.type(screen.getByRole('searchbox', { name: 'Filter by extension or caller' }), '0411')
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('aria-label')),
    ).toEqual(['Extension 420: Connected, 0411222333'])
    expect(counts).toHaveTextContent('showing 1 of 30')
  })
})
