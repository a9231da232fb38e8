import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import type { ReactNode } from 'react'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { useSession } from '../session/session-store.ts'
import { useUrlView } from '../settings/view-mode.ts'
import { agentUser, sessionOf } from '../../testing/session.ts'
import { faint, hourColumns, knownZone } from './hourly-chart.tsx'
import { ReportsButton } from './reports-button.tsx'
import type { Report, ReportRow } from './reports-api.ts'
import ReportsView from './reports-view.tsx'

const row = (extension: string, over: Partial<ReportRow> = {}): ReportRow => ({
  extension,
  offered: 3,
  answered: 2,
  missed: 1,
  answerRate: 0.667,
  serviceLevel: 0.333,
  avgRingS: 7.4,
  maxRingS: 21,
  talkS: 3725,
  ...over,
})

const reportFor = (from: string, to: string): Report => ({
  from,
  to,
  timeZone: 'Australia/Sydney',
  serviceLevelS: 20,
  rows: [
    row('400'),
    row('401', {
      offered: 0,
      answered: 0,
      missed: 0,
      answerRate: null,
      serviceLevel: null,
      avgRingS: null,
      maxRingS: null,
      talkS: 0,
    }),
  ],
  queue: row('queue', { offered: 5, answered: 4, missed: 1, answerRate: 0.8, serviceLevel: 0.8 }),
  hourly: [
    { hour: '2026-12-06T23:00:00.000Z', offered: 2, answered: 1, missed: 1 },
    { hour: '2026-12-07T01:00:00.000Z', offered: 1, answered: 1, missed: 0 },
  ],
})

const asked: string[] = []
const server = setupServer(
  http.get('*/api/reports', ({ request }) => {
    const url = new URL(request.url)
    asked.push(url.search)
    const from = url.searchParams.get('from') ?? '2026-12-07'
    const to = url.searchParams.get('to') ?? from
    if (from > to)
      return HttpResponse.json({ error: 'bad-request', message: 'from must not be after to' }, { status: 400 })
    return HttpResponse.json(reportFor(from, to))
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
afterEach(() => {
  cleanup()
  server.resetHandlers()
})
beforeEach(() => {
  asked.length = 0
})

const wrapper = ({ children }: { children: ReactNode }) => (
  <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
    {children}
  </QueryClientProvider>
)

const cellsOf = (r: HTMLElement) => [...r.querySelectorAll('th, td')].map((c) => c.textContent)

describe('Reports', () => {
  it('shows the server’s today, one row per extension and the queue row, with the columns as named', async () => {
    render(<ReportsView />, { wrapper })
    const table = await screen.findByRole('table', { name: 'Calls per extension, 2026-12-07' })
    expect(asked).toEqual([''])
    const [head, ...rows] = within(table).getAllByRole('row')
    expect(
      within(head)
        .getAllByRole('columnheader')
        .map((c) => c.textContent),
    ).toEqual([
      'Extension',
      'Offered',
      'Answered',
      'Missed',
      'Answer rate',
      'Service level',
      'Average ring',
      'Longest ring',
      'Talk time',
    ])
    expect(rows.map(cellsOf)).toEqual([
      ['400', '3', '2', '1', '67%', '33%', '0:07', '0:21', '1:02:05'],
      ['401', '0', '0', '0', '—', '—', '—', '—', '0:00'],
      ['Queue calls', '5', '4', '1', '80%', '80%', '0:07', '0:21', '1:02:05'],
    ])
    expect(screen.getByLabelText('From')).toHaveValue('2026-12-07')
    expect(screen.getByLabelText('To')).toHaveValue('2026-12-07')
    expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute(
      'href',
      '/api/reports/calls.csv?from=2026-12-07&to=2026-12-07',
    )
    expect(screen.getByText(/Days in Australia\/Sydney; service level: answered within 20 s/)).toBeInTheDocument()
  })

  it('asks for the range chosen, downloads that range, and shows the server’s reason for a wrong one', async () => {
    render(<ReportsView />, { wrapper })
    await screen.findByRole('table', { name: /^Calls per extension/ })
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-01' } })
    expect(await screen.findByRole('table', { name: 'Calls per extension, 2026-12-01 to 2026-12-07' })).toBeVisible()
    expect(asked.at(-1)).toBe('?from=2026-12-01&to=2026-12-07')
    expect(screen.getByRole('link', { name: 'Download CSV' })).toHaveAttribute(
      'href',
      '/api/reports/calls.csv?from=2026-12-01&to=2026-12-07',
    )
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-11-30' } })
    expect(await screen.findByRole('alert')).toHaveTextContent('from must not be after to')
  })

  it('gives the chart a text alternative: the calls per hour as a table, in the server’s time zone', async () => {
    render(<ReportsView />, { wrapper })
    const figure = await screen.findByRole('figure', { name: /Calls per hour/ })
    const table = within(figure).getByRole('table', { hidden: true })
    expect(within(table).getAllByRole('row', { hidden: true }).slice(1).map(cellsOf)).toEqual([
      ['10:00', '2', '1', '1'],
      ['12:00', '1', '1', '0'],
    ])
  })

  it('refuses anyone but a supervisor with the server’s words, no table and no CSV', async () => {
    server.use(
      http.get('*/api/reports', () =>
        HttpResponse.json({ error: 'forbidden', message: 'Reports are for supervisors' }, { status: 403 }),
      ),
    )
    render(<ReportsView />, { wrapper })
    expect(await screen.findByRole('alert')).toHaveTextContent('Reports are for supervisors')
    expect(screen.queryByRole('table')).toBeNull()
    expect(screen.queryByRole('link', { name: 'Download CSV' })).toBeNull()
    expect(screen.queryByLabelText('From')).toBeNull()
  })
})

describe('the Reports button', () => {
  it('is there for a supervisor and opens /?view=reports; not there for an agent', () => {
    useSession.setState({ state: { status: 'signed-in', session: sessionOf(agentUser({ supervisor: true })) } })
    const { unmount } = render(<ReportsButton />)
    const button = screen.getByRole('button', { name: 'Reports' })
    expect(button).toHaveAttribute('aria-pressed', 'false')
    fireEvent.click(button)
    expect(new URL(window.location.href).searchParams.get('view')).toBe('reports')
    expect(useUrlView.getState().fromUrl).toBe('reports')
    expect(button).toHaveAttribute('aria-pressed', 'true')
    unmount()
    useSession.setState({ state: { status: 'signed-in', session: sessionOf(agentUser()) } })
    render(<ReportsButton />)
    expect(screen.queryByRole('button', { name: 'Reports' })).toBeNull()
  })
})

describe('the chart’s data', () => {
  it('puts each hour’s bars mid-hour, with empty hours around and between the busy ones', () => {
    const h = (hour: string, answered: number, missed: number) => ({
      hour,
      offered: answered + missed,
      answered,
      missed,
    })
    const [x, answered, missed] = hourColumns([
      h('2026-12-07T01:00:00.000Z', 1, 0),
      h('2026-12-07T03:00:00.000Z', 2, 1),
    ])
    const at = (iso: string) => Date.parse(iso) / 1000 + 1800
    expect(x).toEqual(
      ['T23', 'T00', 'T01', 'T02', 'T03', 'T04', 'T05'].map((_, i) => at('2026-12-06T23:00:00Z') + i * 3600),
    )
    expect(answered).toEqual([0, 0, 1, 0, 2, 0, 0])
    expect(missed).toEqual([0, 0, 0, 0, 1, 0, 0])
    expect(hourColumns([])).toEqual([[], [], []])
  })

  it('fades the text colour for grid lines, whatever notation the browser computed', () => {
    expect(faint('rgb(1, 2, 3)', 0.2)).toBe('rgba(1, 2, 3, 0.2)')
    expect(faint('oklch(0.5 0.1 250)', 0.2)).toBe('oklch(0.5 0.1 250 / 0.2)')
    expect(faint('oklch(0.5 0.1 250 / 0.5)', 0.2)).toBe('oklch(0.5 0.1 250 / 0.5)')
    expect(knownZone('Not/AZone')).toBe('UTC')
    expect(knownZone('Australia/Sydney')).toBe('Australia/Sydney')
  })
})
