// The Switchboard server's sign-in API (docs/architecture.md): who is signed in, sign in, sign out.
import { z } from 'zod/mini'

const userSchema = z.object({
  name: z.string(),
  display: z.string(),
  supervisor: z.boolean(),
  act: z.array(z.string()),
  watch: z.array(z.string()),
  allExtensions: z.boolean(),
  mode: z.enum(['accounts', 'oidc', 'local-dev']),
})
const oidcSchema = z.nullable(z.object({ label: z.string() }))
const sessionSchema = z.object({ user: userSchema, simulated: z.boolean(), oidc: oidcSchema })
const refusalSchema = z.object({ error: z.string(), message: z.string(), oidc: z.optional(oidcSchema) })

export type SessionUser = z.infer<typeof userSchema>
export type SessionInfo = z.infer<typeof sessionSchema>
export type OidcOffer = z.infer<typeof oidcSchema>

/** The panel's mark on every non-GET request; the server refuses any without it (cross-site requests). */
export const SWITCHBOARD_HEADER = { 'X-Switchboard': '1' } as const

export type SessionResult =
  { signedIn: true; session: SessionInfo } | { signedIn: false; oidc: OidcOffer; message: string }

export class SessionApiError extends Error {
  override name = 'SessionApiError'
}

async function call(path: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  let res: Response
  try {
    res = await fetch(path, { cache: 'no-store', credentials: 'same-origin', ...init })
  } catch (cause) {
    throw new SessionApiError('Cannot reach the Switchboard server (network error)', { cause })
  }
  if (res.status === 204) return { status: 204, body: null }
  try {
    return { status: res.status, body: await res.json() }
  } catch (cause) {
    throw new SessionApiError(`The Switchboard server sent an unreadable reply (HTTP ${res.status})`, { cause })
  }
}

function read(status: number, body: unknown): SessionResult {
  const ok = sessionSchema.safeParse(body)
  if (status === 200 && ok.success) return { signedIn: true, session: ok.data }
  const refusal = refusalSchema.safeParse(body)
  if ((status === 401 || status === 429 || status === 400) && refusal.success)
    return { signedIn: false, oidc: refusal.data.oidc ?? null, message: refusal.data.message }
  if (refusal.success) throw new SessionApiError(refusal.data.message)
  throw new SessionApiError(`The Switchboard server answered HTTP ${status} with something unexpected`)
}

export async function fetchSession(): Promise<SessionResult> {
  const { status, body } = await call('/api/session', { method: 'GET' })
  return read(status, body)
}

/** Signed in, or why not (wrong password, too many failures) in the server's words. */
export async function signIn(username: string, password: string): Promise<SessionResult> {
  const { status, body } = await call('/api/login', {
    method: 'POST',
    headers: { ...SWITCHBOARD_HEADER, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  return read(status, body)
}

export async function signOut(): Promise<void> {
  const { status, body } = await call('/api/logout', { method: 'POST', headers: SWITCHBOARD_HEADER })
  if (status !== 204 && status !== 401) read(status, body)
}
