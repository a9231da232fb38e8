import { EXTENSION } from '../pbx/extension.ts'

export type ParsedExtensions = { ok: true; extensions: string[] } | { ok: false; error: string }

/** A range as the users file writes one (`1000-1009`); at most this many extensions in all, as there. */
const RANGE = /^(\d{1,10})-(\d{1,10})$/
export const MAX_EXTENSIONS = 10_000

/** Parse "400, 410 410, 1000-1009" style input: ranges expanded, duplicates removed, order kept, bad entries refused. */
export function parseExtensions(input: string): ParsedExtensions {
  const parts = input
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter(Boolean)
  const bad = parts.filter((p) => !EXTENSION.test(p) && !RANGE.test(p))
  if (bad.length > 0) {
    const shown = bad
      .slice(0, 3)
      .map((b) => `"${b.slice(0, 20)}"`)
      .join(', ')
    return {
      ok: false,
      error: `Not an extension: ${shown}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''}. Use digits, optionally with a prefix such as SIP/ (e.g. 410 or SIP/410), or a range (400-409).`,
    }
  }
  const out = new Set<string>()
  for (const p of parts) {
    const r = RANGE.exec(p)
    if (!r) {
      out.add(p)
      continue
    }
    const [lo, hi] = [Number(r[1]), Number(r[2])]
    if (lo > hi) return { ok: false, error: `The range ${p} runs backwards (write ${r[2]}-${r[1]}).` }
    if (hi - lo + 1 + out.size > MAX_EXTENSIONS)
      return { ok: false, error: `Too many extensions: at most ${MAX_EXTENSIONS} (${p} holds ${hi - lo + 1}).` }
    // 0400-0499 keeps its width, as the users file's ranges do.
    const width = r[1].length === r[2].length ? r[1].length : 0
    for (let n = lo; n <= hi; n++) out.add(String(n).padStart(width, '0'))
  }
  return { ok: true, extensions: [...out] }
}
