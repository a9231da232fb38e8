import { render, screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { ExtensionExtra } from '../../components/ui/extension-extra.tsx'
import { aCall } from '../../testing/calls.ts'
import { TileView } from './extension-tile.tsx'

describe('the tile’s slot', () => {
  it('shows what the app puts there for the tile’s extension, idle or live', () => {
    const { rerender } = render(
      <ExtensionExtra.Provider value={(ext) => <span>figures of {ext}</span>}>
        <ul>
          <TileView ext="410" calls={[]} />
        </ul>
      </ExtensionExtra.Provider>,
    )
    expect(screen.getByText('figures of 410')).toBeInTheDocument()
    rerender(
      <ExtensionExtra.Provider value={(ext) => <span>figures of {ext}</span>}>
        <ul>
          <TileView ext="410" calls={[aCall({ status: 'Connected' }, Date.now())]} />
        </ul>
      </ExtensionExtra.Provider>,
    )
    expect(screen.getByText('figures of 410')).toBeInTheDocument()
  })
})
