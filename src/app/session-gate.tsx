import { lazy, Suspense, useEffect, type ReactNode } from 'react'
import { Button } from '../components/ui/button.tsx'
import { fetchSession } from '../features/session/session-api.ts'
import { useSession } from '../features/session/session-store.ts'
import { sessionLoaded, startSessionSync } from '../features/session/session-sync.ts'
import { settingsFollowRights } from '../features/settings/rights-defaults.ts'
import { signedOutOfStorage, storageFollowsUser } from './user-storage.ts'
// Fetched only by someone signed out: a signed-in agent's first load does not carry it.
const SignInPage = lazy(() => import('../features/session/sign-in-page.tsx'))

// The moment a session starts, before the panel renders: the user's own settings and history, then the
// settings follow their rights.
useSession.subscribe((s, prev) => {
  if (s.state !== prev.state && s.state.status === 'signed-in') {
    storageFollowsUser(s.state.session.user)
    settingsFollowRights(s.state.session)
  } else if (s.state !== prev.state && s.state.status === 'signed-out' && s.state.signedOut) signedOutOfStorage()
})

export async function loadSession() {
  const s = useSession.getState()
  s.sessionLoading()
  try {
    const result = await fetchSession()
    if (result.signedIn) s.sessionStarted(result.session)
    else s.sessionEnded({ oidc: result.oidc })
    sessionLoaded(result.signedIn ? result.session : null)
  } catch (e) {
    s.sessionUnreachable((e as Error).message)
  }
}

const Centered = ({ children }: { children: ReactNode }) => (
  <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-4 text-sm">{children}</main>
)

/** The panel only for someone signed in; otherwise the sign-in page (never a spinner that waits forever). */
export function SessionGate({ children }: { children: ReactNode }) {
  const state = useSession((s) => s.state)
  useEffect(() => {
    void loadSession()
  }, [])
  useEffect(() => startSessionSync(), [])
  switch (state.status) {
    case 'loading':
      return (
        <Centered>
          <p role="status">Checking who you are…</p>
        </Centered>
      )
    case 'unreachable':
      return (
        <Centered>
          <p role="alert">{state.message}</p>
          <Button onClick={() => void loadSession()}>Try again</Button>
        </Centered>
      )
    case 'signed-out':
      return (
        <Suspense>
          <SignInPage oidc={state.oidc} notice={state.message} />
        </Suspense>
      )
    case 'signed-in':
      return children
  }
}
