// The one rights check every route calls (docs/architecture.md, Rights), and the dial policy's view of a number.
import type { DialSettings } from '../config.ts'
import type { Action, DialPolicy, KnownCall, SessionUser } from '../types.ts'
import { inSet } from './extension-list.ts'

/** watch: may see the extension; answer, hang up, dial, record: needs it in `act` (a supervisor too). */
export function can(user: SessionUser | null, action: Action, ext: string): boolean {
  if (!user) return false
  return action === 'watch' ? inSet(user.watch, ext) : inSet(user.act, ext)
}

/** Leg statuses that say the extension is no longer on the call: it left it (Unlinked) or its leg ended. */
const OFF_CALL: ReadonlySet<string> = new Set(['Unlinked', 'Hungup', 'Busy', 'No Answer'])

/**
 * The user's extension on this call now (a leg still on it that the user may do `action` on); undefined when
 * none. Rights follow where the call is: a leg left Unlinked (transferred away) gives its owner nothing.
 */
export function legOnCall(user: SessionUser | null, action: Action, call: KnownCall | undefined): string | undefined {
  if (!call) return undefined
  for (const [ext, status] of call.legs) if (!OFF_CALL.has(status) && can(user, action, ext)) return ext
  return undefined
}

/**
 * How a PBX in a country dials out: its international prefix, the trunk prefix before a national number, and
 * the national numbers dialled without one (Australia's 13, 1300, 1800, 1900). ITU's `00` and `0` elsewhere.
 */
const DIALLING: Record<string, { intl: string; trunk: string; noTrunk?: RegExp }> = {
  '61': { intl: '0011', trunk: '0', noTrunk: /^1/ },
  '1': { intl: '011', trunk: '1' },
  '7': { intl: '810', trunk: '8' },
}
const dialling = (cc: string) => DIALLING[cc] ?? { intl: '00', trunk: '0' }
const bad = {
  ok: false as const,
  status: 400 as const,
  message: 'dial: number must be digits, * and #, optionally after a +',
}

/**
 * A number as it is sent (separators dropped) and as the PBX will dial it, which the dial policy checks: a
 * `+<home country><n>` is dialled as the national number (trunk prefix added: `+61299998888` → `0299998888`;
 * `+611900123456` → `1900123456`), a `+<other country><n>` with the international prefix (`+44…` → `001144…`
 * from Australia). A number with `*` or `#` is a feature code (`**420`, `*8`), refused unless allowed.
 */
export function dialledNumber(
  raw: string,
  settings: DialSettings,
): { ok: true; number: string; dialled: string } | { ok: false; status: 400 | 403; message: string } {
  const number = raw.replace(/[\s().-]/g, '')
  if (/[*#]/.test(number) && !settings.allowFeatureCodes)
    return {
      ok: false,
      status: 403,
      message: 'Feature codes (numbers with * or #) may not be dialled from Switchboard',
    }
  if (!number.startsWith('+')) return /^[\d*#]{1,32}$/.test(number) ? { ok: true, number, dialled: number } : bad
  const digits = number.slice(1)
  if (!/^\d{4,31}$/.test(digits)) return bad
  const home = dialling(settings.homeCountryCode)
  if (!digits.startsWith(settings.homeCountryCode)) return { ok: true, number, dialled: home.intl + digits }
  const national = digits.slice(settings.homeCountryCode.length)
  return { ok: true, number, dialled: home.noTrunk?.test(national) ? national : home.trunk + national }
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
