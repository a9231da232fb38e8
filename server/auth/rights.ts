// The one rights check every route calls (docs/architecture.md, Rights).
import type { Action, DialPolicy, SessionUser } from '../types.ts'
import { inSet } from './extension-list.ts'

/** watch: may see the extension; answer, hang up, dial, record: needs it in `act` (a supervisor too). */
export function can(user: SessionUser | null, action: Action, ext: string): boolean {
  if (!user) return false
  return action === 'watch' ? inSet(user.watch, ext) : inSet(user.act, ext)
}

/** Why the dial policy refuses this number (a sentence for the panel), or null when it may be dialled. */
export function dialRefusal(policy: DialPolicy, number: string): string | null {
  const digits = number.replace(/[\s().-]/g, '')
  const denied = policy.denyPrefixes.find((p) => digits.startsWith(p))
  if (denied) return `Numbers starting ${denied} may not be dialled from Switchboard`
  if (policy.allowPrefixes.length && !policy.allowPrefixes.some((p) => digits.startsWith(p)))
    return `Only numbers starting ${policy.allowPrefixes.join(', ')} may be dialled from Switchboard`
  return null
}
