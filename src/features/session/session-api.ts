// The Switchboard server's sign-in API (docs/architecture.md): who is signed in, sign in, sign out.
export interface SessionUser {
  name: string
  display: string
  supervisor: boolean
  /** Bare extensions (expanded by the server), empty with allExtensions. */
  act: string[]
  watch: string[]
  allExtensions: boolean
  mode: 'accounts' | 'oidc' | 'local-dev'
}
export type OidcOffer = { label: string } | null
export interface SessionInfo {
  user: SessionUser
  simulated: boolean
  oidc: OidcOffer
  /** What the panel shows before the user chooses: the server's, read when it started (never built in). */
  defaults: { extensions: string[]; myExtensions: string[] }
  /** Named lists for `?group=`, already limited to what the user may watch. */
  groups: Record<string, string[]>
  /** Extension → the display name of the one person who acts on it (when exactly one does). */
  names: Record<string, string>
}

// Light checks, not zod: the reply comes from our own server, and the bundle budget is tight.
type Json = Record<string, unknown>
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null
const isOidc = (v: unknown): v is OidcOffer => v === null || (isObj(v) && typeof v.label === 'string')
const isSession = (b: unknown): b is SessionInfo =>
  isObj(b) &&
  isObj(b.user) &&
  typeof b.user.name === 'string' &&
  Array.isArray(b.user.act) &&
  Array.isArray(b.user.watch) &&
  isOidc(b.oidc) &&
  isObj(b.defaults) &&
  Array.isArray(b.defaults.extensions) &&
  Array.isArray(b.defaults.myExtensions) &&
  isObj(b.groups) &&
  isObj(b.names)

/** The panel's mark on every non-GET request; the server refuses any without it (cross-site requests). */
export const SWITCHBOARD_HEADER = { 'X-Switchboard': '1' } as const

export type SessionResult =
  { signedIn: true; session: SessionInfo } | { signedIn: false; oidc: OidcOffer; message: string }

async function call(path: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  let res: Response
  try {
    res = await fetch(path, { cache: 'no-store', credentials: 'same-origin', ...init })
  } catch (cause) {
    throw new Error('Cannot reach the Switchboard server (network error)', { cause })
  }
  if (res.status === 204) return { status: 204, body: null }
  try {
    return { status: res.status, body: await res.json() }
  } catch (cause) {
    throw new Error(`The Switchboard server sent an unreadable reply (HTTP ${res.status})`, { cause })
  }
}

function read(status: number, body: unknown): SessionResult {
  if (status === 200 && isSession(body)) return { signedIn: true, session: body }
  const said = isObj(body) && typeof body.error === 'string' && typeof body.message === 'string' ? body : null
  // GET /api/session answers a signed-out browser 200 `{ user: null, … }` (no 401 in the console).
  const signedOut =
    status === 401 || status === 429 || status === 400 || (status === 200 && isObj(body) && body.user === null)
  if (said && signedOut)
    return { signedIn: false, oidc: isOidc(said.oidc) ? said.oidc : null, message: said.message as string }
  if (said) throw new Error(said.message as string)
  throw new Error(`The Switchboard server answered HTTP ${status} with something unexpected`)
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
