// One version of an account, as a session records it: a session signed in with one credential and one set of
// rights ends when the account no longer has them (a new password, a user removed and added again, a right taken
// away). Held in the session record itself and checked on every lookup, so any session store carries it.
import { createHash } from 'node:crypto'
import { expandEntries } from './extension-list.ts'
import type { Account } from './users-file.ts'

// Computed once per account per read of the users file: the lookup runs on every request (held polls included).
const creds = new WeakMap<Account, string>()
const rights = new WeakMap<Account, string>()

/** A hash of the name, the (salted) password hash and the email: a new password or a re-added user differ. */
export function credOf(acc: Account): string {
  let c = creds.get(acc)
  if (c === undefined) {
    const text = JSON.stringify([acc.record.name.toLowerCase(), acc.record.password ?? '', acc.record.email ?? ''])
    c = createHash('sha256').update(text).digest('base64url')
    creds.set(acc, c)
  }
  return c
}

/** The rights as written in the users file. */
export function rightsOf(acc: Account): string {
  let r = rights.get(acc)
  if (r === undefined) {
    r = JSON.stringify({ supervisor: acc.record.supervisor, act: acc.record.act, watch: acc.record.watch })
    rights.set(acc, r)
  }
  return r
}

/** Whether the account's rights now still include every right a session was given (`stored`, from rightsOf). */
export function keepsRights(stored: string, acc: Account): boolean {
  let was: { supervisor?: boolean; act?: string[]; watch?: string[] }
  try {
    was = JSON.parse(stored) as typeof was
  } catch {
    return false
  }
  if (was.supervisor && !acc.user.supervisor) return false
  for (const kind of ['act', 'watch'] as const) {
    const now = acc.user[kind]
    if (now.all) continue
    for (const ext of expandEntries(was[kind] ?? [])) if (!now.exts.has(ext)) return false
  }
  return true
}
