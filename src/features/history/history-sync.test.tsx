import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, render, screen, within } from '@testing-library/react'
import { userEvent } from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import type { ReactNode } from 'react'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { applyEvents, emptyModel } from '../calls/call-model.ts'
import { resetFeedStore, useFeed } from '../calls/feed-store.ts'
import type { FeedEvent } from '../pbx/pbx-client.ts'
import { useSession } from '../session/session-store.ts'
import { defaultSettings, useSettings } from '../settings/settings-store.ts'
import { agentUser, sessionOf } from '../../testing/session.ts'
import type { CallRecord } from './history-api.ts'
import { catchUpInterval, lastEnded } from '../calls/call-ends.ts'
import { HistoryPanel } from './history-panel.tsx'
import { HistoryDriver } from './history-sync.tsx'
import { useHistory } from './history-store.ts'

const record = (over: Partial<CallRecord>): CallRecord => ({
  uniqueCallId: 'c1',
  extension: '400',
  direction: 'in',
  caller: '0298765432',
  queue: false,
  clickToDial: false,
  rangAt: '2026-12-07T01:00:00.000Z',
  answeredAt: '2026-12-07T01:00:05.000Z',
  endedAt: '2026-12-07T01:01:05.000Z',
  outcome: 'answered',
  answeredBy: 'alice',
  ringS: 5,
  talkS: 60,
  ...over,
})

let calls: CallRecord[] = []
let asked = 0
const server = setupServer(
  http.get('*/api/history', ({ request }) => {
    asked++
    expect(new URL(request.url).searchParams.get('limit')).toBe('500')
    return HttpResponse.json({ calls })
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

let client: QueryClient
const wrapper = ({ children }: { children: ReactNode }) => (
  <QueryClientProvider client={client}>{children}</QueryClientProvider>
)
const ev = (ext: string, id: string, status: string): FeedEvent => ({
  ext,
  data: { uniqueCallId: id, status, callerId: '0755501234', inbound: true },
})
const feed = (...events: FeedEvent[]) =>
  act(() => useFeed.setState((s) => ({ model: applyEvents(s.model, events, Date.now()) })))

beforeEach(() => {
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  calls = []
  asked = 0
  localStorage.clear()
  resetFeedStore()
  useFeed.setState({ model: emptyModel })
  useHistory.setState({ entries: [], missedSeenAt: 0 })
  useSettings.setState({ ...defaultSettings, myExtensions: ['400', '401'] })
  useSession.setState({ state: { status: 'signed-in', session: sessionOf(agentUser()) } })
})
afterEach(() => {
  cleanup()
  server.resetHandlers()
  vi.useRealTimers()
})

describe('a signed-in agent’s call history comes from the server', () => {
  it('lists the server’s ended calls under "Call history", with Call back for calls that came in', async () => {
    calls = [
      record({ uniqueCallId: 'live', endedAt: null, answeredAt: null, outcome: 'ongoing', caller: '0411000000' }),
      record({ uniqueCallId: 'out', direction: 'out', caller: '0755501234' }),
      record({ uniqueCallId: 'gone', answeredAt: null, outcome: 'no-answer', caller: '0299999999' }),
      record({ uniqueCallId: 'c1', extension: '401', outcome: 'something-new' }),
    ]
    const redial = vi.fn()
    render(<HistoryPanel onRedial={redial} />, { wrapper })
    const list = await screen.findByRole('list', { name: 'Recent calls' })
    const rows = within(list).getAllByRole('listitem')
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^0755501234↗ Outbound.* on 400 · 1:00$/),
      expect.stringMatching(/^0299999999✕ Missed.* on 400Call back$/),
      expect.stringMatching(/^0298765432↙ Answered.* on 401 · 1:00Call back$/),
    ])
    expect(screen.getByRole('region', { name: 'Call history' })).toHaveTextContent('1 missed')
    // The server's record is not this browser's: no Clear, no "kept" limit.
    expect(screen.queryByRole('button', { name: 'Clear' })).toBeNull()
    expect(screen.getByText(/^3 calls\s*$/)).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Call back 0299999999' }))
    expect(redial).toHaveBeenCalledWith('0299999999')
  })

  it('refreshes when a call on my extensions ends, not when a watched one does, and keeps nothing in localStorage', async () => {
    render(
      <>
        <HistoryDriver />
        <HistoryPanel onRedial={() => {}} />
      </>,
      { wrapper },
    )
    expect(await screen.findByText('No calls on your extensions yet.')).toBeInTheDocument()
    expect(asked).toBe(1)
    calls = [record({ uniqueCallId: 'n1', caller: '0755501234' })]
    feed(ev('402', 'w', 'Ringing'))
    feed(ev('402', 'w', 'Hungup'))
    feed(ev('400', 'n1', 'Ringing'))
    expect(asked).toBe(1)
    feed(ev('400', 'n1', 'Hungup'))
    expect(await screen.findByRole('button', { name: 'Call back 0755501234' })).toBeInTheDocument()
    expect(asked).toBeGreaterThanOrEqual(2)
    const stored = localStorage.getItem('switchboard.history')
    expect(stored === null || !stored.includes('0755501234')).toBe(true)
    expect(useHistory.getState().entries).toEqual([])
  })

  it('shows the server’s message when it refuses, never a spinner that waits forever', async () => {
    server.use(
      http.get('*/api/history', () =>
        HttpResponse.json({ error: 'unavailable', message: 'The call records are unavailable' }, { status: 503 }),
      ),
    )
    render(<HistoryPanel onRedial={() => {}} />, { wrapper })
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Cannot load your call history: The call records are unavailable',
    )
    expect(screen.queryByText(/Loading/)).toBeNull()
  })

  it('the local developer keeps this browser’s history and never asks the server', async () => {
    useSession.setState({
      state: { status: 'signed-in', session: sessionOf({ ...agentUser(), mode: 'local-dev', allExtensions: true }) },
    })
    render(
      <>
        <HistoryDriver />
        <HistoryPanel onRedial={() => {}} />
      </>,
      { wrapper },
    )
    feed(ev('400', 'a', 'Ringing'))
    feed(ev('400', 'a', 'Hungup'))
    expect(await screen.findByRole('button', { name: 'Call back 0755501234' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Clear' })).toBeInTheDocument()
    expect(localStorage.getItem('switchboard.history')).toContain('0755501234')
    expect(asked).toBe(0)
  })
})

describe('catching up with a record written after the call ended', () => {
  it('asks again in a second only while the data may predate the last call that ended', () => {
    expect(catchUpInterval(0, 10_000)).toBe(false)
    expect(catchUpInterval(9_500, 10_000)).toBe(1000)
    expect(catchUpInterval(12_000, 10_000)).toBe(1000)
    expect(catchUpInterval(7_900, 10_000)).toBe(false)
  })

  it('reads the last end on the given extensions (SIP/400 is 400), or on all', () => {
    const model = applyEvents(emptyModel, [ev('400', 'a', 'Ringing'), ev('402', 'b', 'Ringing')], 1)
    const ended = applyEvents(applyEvents(model, [ev('SIP/400', 'a', 'Hungup')], 5), [ev('402', 'b', 'Hungup')], 9)
    expect(lastEnded(ended, ['SIP/400'])).toBe(5)
    expect(lastEnded(ended, null)).toBe(9)
    expect(lastEnded(model, null)).toBe(0)
  })
})
