import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { http, HttpResponse } from 'msw'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resetFeedStore } from '../features/calls/feed-store.ts'
import { useSession } from '../features/session/session-store.ts'
import { defaultSettings, useSettings } from '../features/settings/settings-store.ts'
import { useUrlExtensions } from '../features/settings/watched-extensions.ts'
import { setupTestPbx } from '../testing/msw-server.ts'
import { agentUser, sessionHandlers, type FakeAccounts } from '../testing/session.ts'
import { App } from './app.tsx'
import { SessionGate } from './session-gate.tsx'

const { sim, server } = setupTestPbx()
afterEach(cleanup)

let accounts: FakeAccounts
beforeEach(() => {
  resetFeedStore()
  useSettings.setState({ ...defaultSettings, extensions: ['400', '410'], myExtensions: ['410'] })
  useUrlExtensions.setState({ fromUrl: null, urlError: null, group: null })
  useSession.setState({ state: { status: 'loading' } })
  accounts = {
    users: { alice: { password: 'alice-password', user: agentUser() } },
    oidc: { label: 'Example SSO' },
    current: null,
  }
  server.use(...sessionHandlers(accounts))
})

function renderPanel() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  return render(
    <QueryClientProvider client={client}>
      <SessionGate>
        <App />
      </SessionGate>
    </QueryClientProvider>,
  )
}

async function signInAs(username: string, password: string) {
  // No delay between keys: a loaded machine types slowly enough.
  const user = userEvent.setup({ delay: null })
  await user.type(await screen.findByLabelText('Username'), username)
  await user.type(screen.getByLabelText('Password'), password)
  await user.click(screen.getByRole('button', { name: 'Sign in' }))
  return user
}

describe('signing in', { timeout: 45_000 }, () => {
  it('asks who you are; wrong credentials say so; the right ones open the panel with the user’s own extensions', async () => {
    renderPanel()
    expect(await screen.findByRole('link', { name: 'Sign in with Example SSO' })).toHaveAttribute(
      'href',
      '/auth/oidc/login',
    )
    await signInAs('alice', 'not-her-password')
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password')
    expect(screen.getByLabelText('Password')).toHaveValue('')

    const user = userEvent.setup()
    await user.clear(screen.getByLabelText('Username'))
    await signInAs('alice', 'alice-password')
    const header = await screen.findByRole('banner')
    expect(within(header).getByText('Alice Agent')).toBeInTheDocument()
    expect(within(header).getByRole('button', { name: 'Sign out' })).toBeInTheDocument()
    // My extensions: her first visit, so her act list. Watched: nothing chosen yet, so all she may watch (issue 22:
    // never a list fixed at build time).
    expect(useSettings.getState().myExtensions).toEqual(['400', '401'])
    await expect.poll(() => sim.requests.find((r) => r.method === 'subscribe')?.params.exten).toBe('400,401,402,403')
  })

  it('Sign out ends the session and shows the sign-in page', async () => {
    accounts.current = agentUser()
    renderPanel()
    const user = userEvent.setup()
    await user.click(await screen.findByRole('button', { name: 'Sign out' }))
    expect(await screen.findByLabelText('Username')).toBeInTheDocument()
    expect(screen.getByRole('status')).toHaveTextContent('You signed out.')
    expect(accounts.current).toBeNull()
  })

  it("another tab hears this tab's Sign in and Sign out, and this tab follows that tab's", async () => {
    const other = new BroadcastChannel('switchboard-session')
    const heard: unknown[] = []
    other.onmessage = (e: MessageEvent) => heard.push(e.data)
    try {
      renderPanel()
      await signInAs('alice', 'alice-password')
      await waitFor(() => expect(heard).toEqual([{ type: 'signed-in', name: 'alice' }]))
      await userEvent.setup().click(await screen.findByRole('button', { name: 'Sign out' }))
      await waitFor(() => expect(heard).toEqual([{ type: 'signed-in', name: 'alice' }, { type: 'signed-out' }]))

      // Signed in again here; then she signs out in the other tab: this one shows the sign-in page, saying why.
      await signInAs('alice', 'alice-password')
      expect(await screen.findByRole('button', { name: 'Sign out' })).toBeInTheDocument()
      other.postMessage({ type: 'signed-out' })
      expect(await screen.findByText('You signed out in another tab.')).toBeInTheDocument()
    } finally {
      other.close()
    }
  })

  it('a 401 from any API call shows the sign-in page, not a spinner', async () => {
    accounts.current = agentUser()
    renderPanel()
    const heard: unknown[] = []
    const other = new BroadcastChannel('switchboard-session')
    other.onmessage = (e: MessageEvent) => heard.push(e.data)
    expect(await screen.findByRole('button', { name: 'Sign out' })).toBeInTheDocument()
    server.use(
      http.post('*/api/pbx/subscribe', () =>
        HttpResponse.json({ error: 'unauthenticated', message: 'Sign in to use Switchboard' }, { status: 401 }),
      ),
    )
    sim.ring({ ext: '400' })
    expect(await screen.findByLabelText('Username', {}, { timeout: 5000 })).toBeInTheDocument()
    expect(screen.getByRole('status')).toHaveTextContent('Your session has ended. Sign in again.')
    // A 401 is this tab's own finding, not a sign-out for the other tabs.
    other.close()
    expect(heard).toEqual([])
  })

  it('a server that cannot be reached says so and offers to try again', async () => {
    server.use(http.get('*/api/session', () => HttpResponse.error(), { once: true }))
    accounts.current = agentUser()
    renderPanel()
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot reach the Switchboard server')
    await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('button', { name: 'Sign out' })).toBeInTheDocument()
  })
})

describe('the panel follows the rights', { timeout: 45_000 }, () => {
  it('?exten= keeps only what the user may watch and names the rest; Answer only on act extensions', async () => {
    accounts.current = agentUser()
    useUrlExtensions.setState({ fromUrl: ['402', '403', '499', '500'], urlError: null })
    sim.ring({ ext: '400' })
    sim.ring({ ext: '402' })
    renderPanel()
    expect(
      await screen.findByText("The link's extensions not yours to watch are ignored: 499, 500."),
    ).toBeInTheDocument()
    await expect.poll(() => sim.requests.find((r) => r.method === 'subscribe')?.params.exten).toBe('400,401,402,403')
    // Two ringing calls on screen, one Answer: 402 is watched, not hers to act on.
    await expect.poll(() => screen.queryAllByText(/Ringing/).length, { timeout: 5000 }).toBeGreaterThanOrEqual(2)
    expect(screen.getAllByRole('button', { name: 'Answer' })).toHaveLength(1)
  })

  it('the local developer sees the banner, no Sign out, and every extension', async () => {
    accounts.current = {
      ...agentUser(),
      name: 'developer',
      display: 'Local developer',
      act: [],
      watch: [],
      allExtensions: true,
      mode: 'local-dev',
    }
    renderPanel()
    expect(await screen.findByRole('note')).toHaveTextContent(
      'Signed in as local developer — every extension; loopback only',
    )
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull()
    expect(useSettings.getState().myExtensions).toEqual(['410'])
  })
})
