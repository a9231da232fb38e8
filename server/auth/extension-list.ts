// The one parser for extension lists in the users file and the CLI: "400", "SIP/401", "400-499".
import { extKey } from '../../src/features/pbx/extension.ts'
import type { ExtensionSet } from '../types.ts'

/** A written entry: one extension (digits, optionally behind a technology prefix) or a range of digits. */
const SINGLE = /^(?:[A-Za-z][A-Za-z0-9]{1,7}\/)?(\d{1,10})$/
const RANGE = /^(\d{1,10})-(\d{1,10})$/
/** A range bigger than this is a typo (400-4999 for 400-499), not a wish. */
export const MAX_RANGE = 10_000

/** `SIP/410` and `410` are the same extension; rights are kept on bare extensions. */
export const bareExt = extKey

export type EntryCheck = { ok: true } | { ok: false; error: string }

/** Why a written entry is not an extension or a range (one sentence), or ok. */
export function checkEntry(entry: string): EntryCheck {
  if (SINGLE.test(entry)) return { ok: true }
  const r = RANGE.exec(entry)
  if (!r) return { ok: false, error: `"${entry.slice(0, 24)}" is not an extension (400, SIP/400) or a range (400-499)` }
  const [lo, hi] = [Number(r[1]), Number(r[2])]
  if (lo > hi) return { ok: false, error: `range ${entry} runs backwards` }
  if (hi - lo + 1 > MAX_RANGE) return { ok: false, error: `range ${entry} holds more than ${MAX_RANGE} extensions` }
  return { ok: true }
}

/** "400,401 410-419" (commas or spaces) → the entries as written, duplicates dropped, order kept. */
export function splitEntries(input: string): string[] {
  return [
    ...new Set(
      input
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ]
}

/** Every bare extension the entries name; a range keeps the width of its first end (0400-0499). */
export function expandEntries(entries: readonly string[]): Set<string> {
  const out = new Set<string>()
  for (const entry of entries) {
    const single = SINGLE.exec(entry)
    if (single) {
      out.add(single[1])
      continue
    }
    const r = RANGE.exec(entry)
    const check = checkEntry(entry)
    if (!r || !check.ok) throw new Error(check.ok ? `"${entry}" is not an extension or a range` : check.error)
    const width = r[1].length === r[2].length ? r[1].length : 0
    for (let n = Number(r[1]); n <= Number(r[2]); n++) out.add(String(n).padStart(width, '0'))
  }
  return out
}

export const extensionSet = (entries: readonly string[]): ExtensionSet => ({ all: false, exts: expandEntries(entries) })

export const inSet = (set: ExtensionSet, ext: string) => set.all || set.exts.has(bareExt(ext))
