import { useState } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { signOut } from './session-api.ts'
import { useSession, useSessionUser } from './session-store.ts'
import { announceSession } from './session-sync.ts'

/** The header's "who is signed in" and Sign out (nothing to sign out of as the local developer). */
export function UserMenu() {
  const user = useSessionUser()
  const ended = useSession((s) => s.sessionEnded)
  const [error, setError] = useState<string | null>(null)
  if (!user || user.mode === 'local-dev') return null
  const out = async () => {
    try {
      await signOut()
      ended({ message: 'You signed out.', signedOut: true })
      announceSession({ type: 'signed-out' })
    } catch (e) {
      setError((e as Error).message)
    }
  }
  return (
    <div className="flex items-center gap-2 text-sm">
      <span>
        Signed in as <strong>{user.display}</strong>
      </span>
      <Button onClick={out}>Sign out</Button>
      {error && (
        <span role="alert" className="text-red-700 dark:text-red-300">
          {error}
        </span>
      )}
    </div>
  )
}

/** Says plainly that nobody signed in: this is the developer's own machine, with every extension. */
export function LocalDeveloperBanner() {
  const user = useSessionUser()
  if (user?.mode !== 'local-dev') return null
  return (
    <p
      role="note"
      className="rounded-md bg-violet-100 px-3 py-2 text-sm text-violet-950 dark:bg-violet-950 dark:text-violet-100"
    >
      Signed in as local developer — every extension; loopback only (no accounts are configured on this server).
    </p>
  )
}
