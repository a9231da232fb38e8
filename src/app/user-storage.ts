// Per-user data in a shared browser: settings (but the theme) and call history are kept under each user's
// own keys, so whoever signs in next sees only their own. Keys, not clearing: a person who comes back
// (hot-desking, a session that expired) finds their settings again. The local developer keeps the plain
// keys (one person on their own machine). Signing out also takes that user's call history out of the
// browser: callers' numbers do not stay on a shared machine; their settings stay for next time.
import { historyForgotten, historyStoredAs, HISTORY_KEY } from '../features/history/history-store.ts'
import { settingsStoredAs, SETTINGS_KEY } from '../features/settings/settings-store.ts'
import type { SessionUser } from '../features/session/session-api.ts'

/** A user's key for a store: `base:name`; the plain `base` for the local developer. */
export const userKey = (base: string, user: SessionUser) => (user.mode === 'local-dev' ? base : `${base}:${user.name}`)

/** Before the panel renders for a user: their settings and history, nobody else's. */
export function storageFollowsUser(user: SessionUser): void {
  settingsStoredAs(userKey(SETTINGS_KEY, user))
  historyStoredAs(userKey(HISTORY_KEY, user))
}

/** Signed out: the user's call history goes; their settings stay under their key. */
export function signedOutOfStorage(): void {
  historyForgotten()
}
