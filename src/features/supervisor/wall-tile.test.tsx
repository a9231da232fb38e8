import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { aCall } from '../../testing/calls.ts'
import { WallTile } from './wall-tile.tsx'

const now = 1_700_000_000_000

describe('WallTile', () => {
  it('says who, the state by symbol and word, how long and the caller (grouped, its text the number)', () => {
    const call = aCall({ status: 'Ringing', callerId: '+61298765432' }, now)
    render(
      <ul>
        <WallTile
          tile={{
            ext: '410',
            look: 'ringing',
            call,
            label: 'Extension 410 (Alice Ng): Ringing',
            since: now - 65_000,
            name: 'Alice Ng',
          }}
          now={now}
          onPick={() => {}}
        />
      </ul>,
    )
    const tile = screen.getByRole('button', { name: 'Extension 410 (Alice Ng): Ringing' })
    expect(tile).toHaveTextContent('410Alice Ng1:05◔ Ringing+61298765432')
    expect(screen.getByText('Alice Ng')).toBeInTheDocument()
    expect(tile.querySelector('[data-caller]')?.children).toHaveLength(4)
  })
})
