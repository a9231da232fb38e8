import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, render, screen } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import type { ReactNode } from 'react'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { applyEvents, emptyModel } from '../calls/call-model.ts'
import { resetFeedStore, useFeed } from '../calls/feed-store.ts'
import type { FeedEvent } from '../pbx/pbx-client.ts'
import { ExtensionExtraSlot } from '../../components/ui/extension-extra.tsx'
import { LiveFigures } from './live-figures.tsx'

let figures: Record<string, { answered: number; missed: number }> = {}
let asked = 0
const server = setupServer(
  http.get('*/api/figures/today', () => {
    asked++
    return HttpResponse.json({ date: '2026-12-07', figures })
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
afterEach(() => {
  cleanup()
  server.resetHandlers()
})
beforeEach(() => {
  figures = { '400': { answered: 2, missed: 1 } }
  asked = 0
  resetFeedStore()
  useFeed.setState({ model: emptyModel })
})

const wrapper = ({ children }: { children: ReactNode }) => (
  <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
    {children}
  </QueryClientProvider>
)
const ev = (ext: string, id: string, status: string): FeedEvent => ({ ext, data: { uniqueCallId: id, status } })
const feed = (...events: FeedEvent[]) =>
  act(() => useFeed.setState((s) => ({ model: applyEvents(s.model, events, Date.now()) })))

describe('today’s figures on the tiles', () => {
  it('shows answered and missed beside the live state, 0 and 0 for an extension with no calls yet', async () => {
    render(
      <LiveFigures>
        <div>
          <ExtensionExtraSlot ext="SIP/400" />
          <ExtensionExtraSlot ext="401" />
        </div>
      </LiveFigures>,
      { wrapper },
    )
    expect(await screen.findByText('Today 2 answered, 1 missed')).toBeInTheDocument()
    expect(screen.getByText('Today 0 answered, 0 missed')).toBeInTheDocument()
    expect(document.querySelector('[data-figures="SIP/400"]')).toHaveTextContent(/^✓2 ✕1/)
    expect(asked).toBe(1)
  })

  it('refreshes when a call ends anywhere, not while calls only ring, and not without the slot filled', async () => {
    const { rerender } = render(
      <LiveFigures>
        <div>
          <ExtensionExtraSlot ext="400" />
        </div>
      </LiveFigures>,
      { wrapper },
    )
    await screen.findByText('Today 2 answered, 1 missed')
    figures = { '400': { answered: 2, missed: 2 } }
    feed(ev('402', 'a', 'Ringing'))
    expect(asked).toBe(1)
    feed(ev('402', 'a', 'No Answer'))
    expect(await screen.findByText('Today 2 answered, 2 missed')).toBeInTheDocument()
    rerender(
      <div>
        <ExtensionExtraSlot ext="400" />
      </div>,
    )
    expect(screen.queryByText(/Today/)).toBeNull()
  })
})
