import { useState, type FormEvent } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { signIn, type OidcOffer } from './session-api.ts'
import { useSession } from './session-store.ts'
import { announceSession, oidcSignInStarted } from './session-sync.ts'

const field =
  'w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800'

export default function SignInPage({ oidc, notice }: { oidc: OidcOffer; notice?: string }) {
  const started = useSession((s) => s.sessionStarted)
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [sending, setSending] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!username.trim() || !password) {
      setError('Enter your username and password.')
      return
    }
    setSending(true)
    setError(null)
    try {
      const result = await signIn(username.trim(), password)
      if (result.signedIn) {
        started(result.session)
        announceSession({ type: 'signed-in', name: result.session.user.name })
      } else {
        setError(result.message)
        setPassword('')
      }
    } catch (err) {
      setError((err as Error).message)
    } finally {
      setSending(false)
    }
  }

  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-xl bg-white p-6 shadow-sm dark:bg-slate-900">
        <h1 className="mb-1 text-xl font-bold">Switchboard</h1>
        <p className="mb-4 text-sm text-slate-700 dark:text-slate-300">Sign in to see and answer your calls.</p>
        {notice && !error && (
          <p
            role="status"
            className="mb-3 rounded-md bg-sky-100 px-3 py-2 text-sm text-sky-950 dark:bg-sky-950 dark:text-sky-100"
          >
            {notice}
          </p>
        )}
        <form onSubmit={submit} noValidate className="flex flex-col gap-3">
          <label className="flex flex-col gap-1 text-sm font-medium">
            Username
            <input
              className={field}
              name="username"
              autoComplete="username"
              autoFocus
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Password
            <input
              className={field}
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </label>
          {error && (
            <p role="alert" className="text-sm text-red-700 dark:text-red-300">
              {error}
            </p>
          )}
          <Button type="submit" variant="primary" disabled={sending}>
            {sending ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
        {oidc && (
          <a
            href="/auth/oidc/login"
            onClick={oidcSignInStarted}
            className="mt-3 block rounded-md border border-slate-300 px-3 py-1.5 text-center text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
          >
            Sign in with {oidc.label}
          </a>
        )}
      </div>
    </main>
  )
}
