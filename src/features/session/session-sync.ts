// One browser, one session cookie: when the person signs out or someone else signs in in one tab of the
// panel, every other tab follows at once, so no tab shows one agent's screen under another's session.
// Only the user's own Sign in / Sign out are announced (a 401 each tab finds on its own).
import { create } from 'zustand'
import type { SessionInfo } from './session-api.ts'
import { useSession, type SessionState } from './session-store.ts'

export type SessionMsg = { type: 'signed-in'; name: string } | { type: 'signed-out' }

/** What a tab does on hearing of another tab's sign-in or sign-out. */
export type Reaction = 'none' | 'sign-out' | 'reload'

export const SIGNED_OUT_ELSEWHERE = 'You signed out in another tab.'

/** The pure rule: which person this tab shows against what another tab says. */
export function reactionTo(state: SessionState, m: SessionMsg): Reaction {
  // A tab whose request met the ended session first (a 401) is told the reason too.
  if (m.type === 'signed-out')
    return state.status === 'signed-in' || (state.status === 'signed-out' && !state.signedOut) ? 'sign-out' : 'none'
  return state.status === 'signed-in' && state.session.user.name === m.name ? 'none' : 'reload'
}

/** A message from another tab (exported for tests); `reload` starts this tab afresh. */
export function onSessionMessage(m: SessionMsg, reload: () => void): void {
  switch (reactionTo(useSession.getState().state, m)) {
    case 'sign-out':
      useSession.getState().sessionEnded({ message: SIGNED_OUT_ELSEWHERE, signedOut: true })
      return
    case 'reload':
      // A reload, not a reset: the query cache, feed, stores and open dialogs of the previous person all go.
      reload()
      return
    case 'none':
      return
  }
}

interface SessionSyncState {
  /** Sends to the other tabs; null while this tab is not listening (or has no BroadcastChannel). */
  post: ((m: SessionMsg) => void) | null
  joined: (post: (m: SessionMsg) => void) => void
  left: () => void
}

const useSessionSync = create<SessionSyncState>()((set) => ({
  post: null,
  joined: (post) => set({ post }),
  left: () => set({ post: null }),
}))

/** This tab's own Sign in or Sign out, for the other tabs (a channel never hears its own messages). */
export const announceSession = (m: SessionMsg) => useSessionSync.getState().post?.(m)

// Single sign-on ends in a redirect back to the panel: this tab's mark that its next load completes it.
const OIDC_PENDING = 'switchboard-oidc-sign-in'

/** Before leaving for the identity provider. */
export const oidcSignInStarted = () => sessionStorage.setItem(OIDC_PENDING, '1')

/** A page load's session (null: signed out); when it completes this tab's single sign-on, the others hear of it. */
export function sessionLoaded(session: SessionInfo | null): void {
  if (sessionStorage.getItem(OIDC_PENDING) === null) return
  sessionStorage.removeItem(OIDC_PENDING)
  if (session) announceSession({ type: 'signed-in', name: session.user.name })
}

/** Listen to the other tabs' sign-ins and sign-outs; returns a function that stops. */
export function startSessionSync(reload: () => void = () => location.reload()): () => void {
  // Without BroadcastChannel each tab learns of a change at its next 401, as before.
  if (typeof BroadcastChannel === 'undefined') return () => {}
  const channel = new BroadcastChannel('switchboard-session')
  channel.onmessage = (e: MessageEvent<SessionMsg>) => onSessionMessage(e.data, reload)
  useSessionSync.getState().joined((m) => channel.postMessage(m))
  return () => {
    channel.close()
    useSessionSync.getState().left()
  }
}
