// The Switchboard server's sign-in API for unit tests (MSW), and sessions to start tests with.
import { http, HttpResponse } from 'msw'
import type { SessionInfo, SessionUser } from '../features/session/session-api.ts'

export const LOCAL_DEVELOPER: SessionUser = {
  name: 'developer',
  display: 'Local developer',
  supervisor: true,
  act: [],
  watch: [],
  allExtensions: true,
  mode: 'local-dev',
}

export const sessionOf = (
  user: SessionUser,
  oidc: SessionInfo['oidc'] = null,
  over: Partial<SessionInfo> = {},
): SessionInfo => ({
  user,
  simulated: true,
  oidc,
  // As the server's: the local developer's from its settings (the demo's here), a user's from their rights.
  defaults: user.allExtensions
    ? { extensions: ['400', '410', '420'], myExtensions: [] }
    : { extensions: user.watch, myExtensions: user.act },
  groups: {},
  names: {},
  ...over,
})

export const agentUser = (over: Partial<SessionUser> = {}): SessionUser => ({
  name: 'alice',
  display: 'Alice Agent',
  supervisor: false,
  act: ['400', '401'],
  watch: ['400', '401', '402', '403'],
  allExtensions: false,
  mode: 'accounts',
  ...over,
})

export interface FakeAccounts {
  /** Username → password and who they are. */
  users: Record<string, { password: string; user: SessionUser }>
  oidc?: SessionInfo['oidc']
  /** Who the server thinks is signed in now (null: nobody). */
  current: SessionUser | null
}

/** /api/session, /api/login, /api/logout as the server answers them, over `accounts`. */
export function sessionHandlers(accounts: FakeAccounts) {
  const oidc = accounts.oidc ?? null
  const refuse = (message: string) => HttpResponse.json({ error: 'unauthenticated', message, oidc }, { status: 401 })
  return [
    http.get('*/api/session', () =>
      accounts.current
        ? HttpResponse.json(sessionOf(accounts.current, oidc))
        : HttpResponse.json({ user: null, error: 'unauthenticated', message: 'Sign in to use Switchboard', oidc }),
    ),
    http.post('*/api/login', async ({ request }) => {
      if (request.headers.get('X-Switchboard') !== '1')
        return HttpResponse.json({ error: 'cross-site', message: 'Refused' }, { status: 403 })
      const { username, password } = (await request.json()) as { username: string; password: string }
      const account = accounts.users[username]
      if (!account || account.password !== password) return refuse('Wrong username or password')
      accounts.current = account.user
      return HttpResponse.json(sessionOf(account.user, oidc))
    }),
    http.post('*/api/logout', () => {
      accounts.current = null
      return new HttpResponse(null, { status: 204 })
    }),
  ]
}
