import { create } from 'zustand'
import type { OidcOffer, SessionInfo, SessionUser } from './session-api.ts'

/** Who is using the panel, as the server last said. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'unreachable'; message: string }
  /** `signedOut`: by the user's own Sign out (not an expired or refused session). */
  | { status: 'signed-out'; oidc: OidcOffer; message?: string; signedOut?: true }
  | { status: 'signed-in'; session: SessionInfo }

interface SessionStore {
  state: SessionState
  /** Any session the server hands over (GET /api/session, a sign-in). */
  sessionStarted: (session: SessionInfo) => void
  /** Not signed in (never, signed out, or a 401 from any API call): the sign-in page shows. */
  sessionEnded: (detail?: { oidc?: OidcOffer; message?: string; signedOut?: true }) => void
  sessionUnreachable: (message: string) => void
  sessionLoading: () => void
}

export const useSession = create<SessionStore>()((set, get) => ({
  state: { status: 'loading' },
  sessionStarted: (session) => set({ state: { status: 'signed-in', session } }),
  sessionEnded: (detail = {}) => {
    const prev = get().state
    // A 401 from a PBX call does not say which sign-in the server offers; keep what it said before.
    const oidc =
      detail.oidc !== undefined
        ? detail.oidc
        : prev.status === 'signed-in'
          ? prev.session.oidc
          : prev.status === 'signed-out'
            ? prev.oidc
            : null
    set({
      state: {
        status: 'signed-out',
        oidc,
        ...(detail.message ? { message: detail.message } : {}),
        ...(detail.signedOut ? { signedOut: true } : {}),
      },
    })
  },
  sessionUnreachable: (message) => set({ state: { status: 'unreachable', message } }),
  sessionLoading: () => set({ state: { status: 'loading' } }),
}))

/** What the signed-in user may do, in one place for the panel (the server checks again on every request). */
export interface Rights {
  all: boolean
  act: readonly string[]
  watch: readonly string[]
  mayAct: (ext: string) => boolean
  mayWatch: (ext: string) => boolean
}

const bare = (ext: string) => ext.replace(/^[A-Za-z][A-Za-z0-9]*\//, '')
const NONE: Rights = { all: false, act: [], watch: [], mayAct: () => false, mayWatch: () => false }
const cache = new WeakMap<SessionUser, Rights>()

/** Rights of a user, built once per session object (components compare them by identity). */
export function rightsOf(user: SessionUser | undefined): Rights {
  if (!user) return NONE
  let r = cache.get(user)
  if (!r) {
    const act = new Set(user.act)
    const watch = new Set(user.watch)
    r = user.allExtensions
      ? { all: true, act: [], watch: [], mayAct: () => true, mayWatch: () => true }
      : {
          all: false,
          act: user.act,
          watch: user.watch,
          mayAct: (ext) => act.has(bare(ext)),
          mayWatch: (ext) => watch.has(bare(ext)),
        }
    cache.set(user, r)
  }
  return r
}

const userOf = (s: SessionState) => (s.status === 'signed-in' ? s.session.user : undefined)
const NO_EXTENSIONS: string[] = []
const NO_GROUPS: Record<string, string[]> = {}

/** What the server says to show before the user chooses (their watch list; the local developer's from its settings). */
export const useDefaultExtensions = () =>
  useSession((s) => (s.state.status === 'signed-in' ? s.state.session.defaults.extensions : NO_EXTENSIONS))
/** Groups a link may name (`?group=sales`), each already limited to what the user may watch. */
export const useGroups = () => useSession((s) => (s.state.status === 'signed-in' ? s.state.session.groups : NO_GROUPS))

export const useSessionUser = () => useSession((s) => userOf(s.state))
export const useRights = () => rightsOf(useSessionUser())
