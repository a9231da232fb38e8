import { cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import { Rehearsal } from './rehearsal.tsx'

afterEach(() => cleanup())

describe('Rehearsal', () => {
  it('renders its children once the page is idle, hidden from users and assistive technology, then removes them', async () => {
    const { container } = render(
      <Rehearsal>
        <button type="button">Answer</button>
      </Rehearsal>,
    )
    expect(container).toBeEmptyDOMElement()
    const stage = await waitFor(() => {
      const el = container.querySelector('[data-rehearsal]')
      expect(el).not.toBeNull()
      return el as HTMLElement
    })
    expect(stage).toHaveAttribute('aria-hidden', 'true')
    expect(stage).toHaveAttribute('inert')
    expect(stage).toHaveTextContent('Answer')
    // Not a control anyone can find or reach while it is there.
    expect(screen.queryByRole('button', { name: 'Answer' })).toBeNull()
    await waitFor(() => expect(container).toBeEmptyDOMElement())
  })
})
