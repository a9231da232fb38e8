import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http } from 'msw'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setupTestPbx } from '../../testing/msw-server.ts'
import { defaultSettings, useSettings } from '../settings/settings-store.ts'
import type { CallData } from '../pbx/pbx-schemas.ts'
import { CallCard } from '../calls/call-card.tsx'
import { applyEvents, type Call } from '../calls/call-model.ts'
import { resetFeedStore, useFeed } from '../calls/feed-store.ts'
import { useDiagnostics } from '../calls/diagnostics-store.ts'
import { CallActions } from './call-actions.tsx'
import { ANSWER_CONFIRM_MS } from './commands.ts'

const { sim, server, faults } = setupTestPbx()
afterEach(cleanup)

beforeEach(() => {
  resetFeedStore()
  useDiagnostics.getState().cleared()
  // My own extension: a colleague's call asks before Hang up (e2e/first-look.spec.ts).
  useSettings.setState({ ...defaultSettings, myExtensions: ['410'] })
})

/** Put a call into the feed store, as a reply would, and return it as the card receives it. */
function feedCall(data: Partial<CallData> & { uniqueCallId: string; status: string }, ext = '410'): Call {
  const model = applyEvents(useFeed.getState().model, [{ ext, data }], Date.now())
  useFeed.setState({ model })
  const call = model.byExt[ext]?.find((c) => c.id === data.uniqueCallId)
  if (!call) throw new Error('call not in the model')
  return call
}

function Card({ call }: { call: Call }) {
  return (
    <CallCard call={call}>
      <CallActions call={call} />
    </CallCard>
  )
}

function renderCard(call: Call) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  const view = render(
    <QueryClientProvider client={client}>
      <Card call={call} />
    </QueryClientProvider>,
  )
  /** The card as the column renders it after the next reply. */
  const update = (next: Call) =>
    view.rerender(
      <QueryClientProvider client={client}>
        <Card call={next} />
      </QueryClientProvider>,
    )
  return { ...view, update }
}

/** Hold answer replies until released, so the in-between state can be seen. */
function holdAnswers() {
  let release = () => {}
  const gate = new Promise<void>((r) => (release = r))
  server.use(
    http.post('*/api/pbx/answer', async () => {
      await gate
      // Fall through to the simulator's handler.
      return undefined
    }),
  )
  return release
}

const answers = () => sim.requests.filter((r) => r.method === 'answer')
/** The PBX has accepted an answer (the diagnostics say so once the reply is in). */
const accepted = (id: string) =>
  useDiagnostics.getState().entries.some((e) => e.type === 'answer' && e.text === `answer ${id} on 410: accepted`)

describe('CallCard', () => {
  it('shows an HTML-looking caller ID as text and injects no element', () => {
    const evil = '<img src=x onerror=alert(1)>'
    const { container } = renderCard(feedCall({ uniqueCallId: 'x', status: 'Ringing', callerId: evil }))
    expect(container.querySelector('img')).toBeNull()
    expect(screen.getByText(evil)).toBeInTheDocument()
    expect(screen.getByRole('article', { name: `Ringing: ${evil}` })).toBeInTheDocument()
  })

  it('names the status in words and shows an unknown status as sent', () => {
    renderCard(feedCall({ uniqueCallId: 'p', status: 'Parked on 701', callerId: '0411' }))
    expect(screen.getByRole('article', { name: 'Parked on 701: 0411' })).toHaveAttribute('data-status', 'Parked on 701')
  })

  it.each([
    ['Ringing, canAnswer unknown', { status: 'Ringing' }, true],
    ['Ringing, canAnswer true', { status: 'Ringing', canAnswer: true }, true],
    ['Ringing, canAnswer false', { status: 'Ringing', canAnswer: false }, false],
    ['Connected', { status: 'Connected' }, false],
    ['Dialing Out', { status: 'Dialing Out' }, false],
    ['Unlinked', { status: 'Unlinked' }, false],
  ] as const)('offers Answer only when it can work: %s', (_label, data, offered) => {
    renderCard(feedCall({ uniqueCallId: 'c', ...data }))
    if (offered) expect(screen.getByRole('button', { name: 'Answer' })).toBeEnabled()
    else expect(screen.queryByRole('button', { name: /Answer/ })).toBeNull()
  })

  it('does not offer Answer on a ringing call that has ended (vanished on resync)', () => {
    const call = feedCall({ uniqueCallId: 'v', status: 'Ringing' })
    renderCard({ ...call, endedAt: Date.now(), vanished: true, canAnswer: false })
    expect(screen.queryByRole('button', { name: /Answer/ })).toBeNull()
    expect(screen.getByRole('article', { name: /^Ended: / })).toBeInTheDocument()
  })

  it('shows Answering… disabled, then the PBX error with the button enabled again', async () => {
    const user = userEvent.setup()
    // The simulator has never heard of this call, so it answers with a negative Code.
    renderCard(feedCall({ uniqueCallId: 'unknown-to-pbx', status: 'Ringing' }))
    const release = holdAnswers()
    await user.click(screen.getByRole('button', { name: 'Answer' }))
    const busy = await screen.findByRole('button', { name: 'Answering…' })
    expect(busy).toBeDisabled()
    expect(screen.queryByRole('alert')).toBeNull()
    release()
    // An agent reads what it means; the PBX's own words go to Diagnostics.
    expect(await screen.findByRole('alert')).toHaveTextContent(/^This call has already ended$/)
    expect(useDiagnostics.getState().entries.at(-1)?.text).toContain('Call unknown-to-pbx not found on extension 410')
    expect(screen.getByRole('button', { name: 'Answer' })).toBeEnabled()
    expect(answers()).toHaveLength(1)
  })

  it('says "Already answered elsewhere" when a colleague picked the call up first', async () => {
    const user = userEvent.setup()
    const id = sim.ring({ ext: '410' })
    sim.connect(id, '410')
    // The card has not heard of the connect yet: the PBX says the call is not ringing any more.
    renderCard(feedCall({ uniqueCallId: id, status: 'Ringing' }))
    await user.click(screen.getByRole('button', { name: 'Answer' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(/^Already answered elsewhere$/)
    expect(screen.queryByText(/Code -1|The PBX said/)).toBeNull()
  })

  it('while the feed is down: the timer stops at the last reply and Answer is off', () => {
    const t0 = Date.now()
    renderCard(feedCall({ uniqueCallId: 'c-stale', status: 'Ringing' }))
    act(() => useFeed.setState({ connection: { phase: 'reconnecting', error: 'HTTP 503' }, lastReplyAt: t0 + 5_000 }))
    expect(screen.getByRole('button', { name: 'Answer' })).toBeDisabled()
    expect(screen.getByRole('article')).toHaveTextContent(/ringing for 0:0[45]/)
  })

  it('says OVERDUE on a call that has rung past the escalation threshold, as the grid does', () => {
    useSettings.setState({ escalateAfterSec: 30 })
    const call = feedCall({ uniqueCallId: 'c-long', status: 'Ringing' })
    renderCard({ ...call, statusSince: Date.now() - 31_000 })
    expect(screen.getByRole('article')).toHaveTextContent(/Overdue/i)
    cleanup()
    renderCard({ ...call, statusSince: Date.now() - 5_000 })
    expect(screen.getByRole('article')).not.toHaveTextContent(/Overdue/i)
  })

  it('sends one answer with the handset’s header and stays Answering… until the call connects', async () => {
    const user = userEvent.setup()
    useSettings.setState({ handset: 'polycom' })
    const id = sim.ring({ ext: '410' })
    const { update } = renderCard(feedCall({ uniqueCallId: id, status: 'Ringing', canAnswer: true }))
    const button = screen.getByRole('button', { name: 'Answer' })
    await user.dblClick(button)
    await expect.poll(() => accepted(id)).toBe(true)
    expect(screen.getByRole('button', { name: 'Answering…' })).toBeDisabled()
    expect(answers()).toHaveLength(1)
    expect(answers()[0].params).toMatchObject({ uniqueId: id, exten: '410', answerString: 'Alert-Info: Ring Answer' })
    // The Connected event: the card offers the in-call controls, and no error.
    update(feedCall({ uniqueCallId: id, status: 'Connected' }))
    expect(await screen.findByRole('button', { name: 'Hang up' })).toBeEnabled()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('re-enables Answer with a hint when an accepted answer never connects', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true })
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime })
    const id = sim.ring({ ext: '410' })
    renderCard(feedCall({ uniqueCallId: id, status: 'Ringing' }))
    await user.click(screen.getByRole('button', { name: 'Answer' }))
    await expect.poll(() => accepted(id)).toBe(true)
    // No Connected event arrives: just before the deadline it is still under way, at it the hint shows.
    await act(() => vi.advanceTimersByTimeAsync(ANSWER_CONFIRM_MS - 1_000))
    expect(screen.getByRole('button', { name: 'Answering…' })).toBeDisabled()
    await act(() => vi.advanceTimersByTimeAsync(1_000))
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The PBX accepted the answer but the call did not connect',
    )
    expect(screen.getByRole('button', { name: 'Answer' })).toBeEnabled()
    vi.useRealTimers()
  })
})

describe('Hang up', () => {
  it('shows Hanging up… while the request is out, then the PBX’s refusal, with the button back', async () => {
    const user = userEvent.setup()
    let release = () => {}
    const gate = new Promise<void>((r) => (release = r))
    server.use(
      http.post('*/api/pbx/hangup', async () => {
        await gate
        return undefined
      }),
    )
    // The simulator has never heard of this call, so it refuses with a negative Code.
    renderCard(feedCall({ uniqueCallId: 'gone-already', status: 'Connected' }))
    await user.dblClick(screen.getByRole('button', { name: 'Hang up' }))
    expect(await screen.findByRole('button', { name: 'Hanging up…' })).toBeDisabled()
    release()
    expect(await screen.findByRole('alert')).toHaveTextContent(/^This call has already ended$/)
    expect(screen.getByRole('button', { name: 'Hang up' })).toBeEnabled()
    expect(sim.requests.filter((r) => r.method === 'hangup')).toHaveLength(1)
  })

  it('a hang-up that goes through leaves no error and sends the uniqueCallId', async () => {
    const user = userEvent.setup()
    const id = sim.ring({ ext: '410' })
    sim.connect(id, '410')
    renderCard(feedCall({ uniqueCallId: id, status: 'Connected' }))
    await user.click(screen.getByRole('button', { name: 'Hang up' }))
    await expect
      .poll(() => sim.requests.filter((r) => r.method === 'hangup').map((r) => r.params))
      .toEqual([expect.objectContaining({ extenOrUniqueId: id })])
    expect(await screen.findByRole('button', { name: 'Hang up' })).toBeEnabled()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('a hang-up the server refuses shows its message', async () => {
    const user = userEvent.setup()
    faults.refuseNext('hangup', 403, 'forbidden', 'That call is not on one of your extensions')
    renderCard(feedCall({ uniqueCallId: 'theirs', status: 'Connected' }))
    await user.click(screen.getByRole('button', { name: 'Hang up' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(/^That call is not on one of your extensions$/)
  })
})

describe('an answer the server refuses', () => {
  it('shows its message', async () => {
    const user = userEvent.setup()
    faults.refuseNext('answer', 403, 'forbidden', 'That call is not ringing on extension 410')
    renderCard(feedCall({ uniqueCallId: 'elsewhere', status: 'Ringing' }))
    await user.click(screen.getByRole('button', { name: 'Answer' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(/^That call is not ringing on extension 410$/)
  })
})
