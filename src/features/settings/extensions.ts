import { EXTENSION } from '../pbx/extension.ts'

export type ParsedExtensions = { ok: true; extensions: string[] } | { ok: false; error: string }

/** Parse "400, 410 410" style input: duplicates removed, order kept, bad entries refused. */
export function parseExtensions(input: string): ParsedExtensions {
  const parts = input
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter(Boolean)
  const bad = parts.filter((p) => !EXTENSION.test(p))
  if (bad.length > 0) {
    const shown = bad
      .slice(0, 3)
      .map((b) => `"${b.slice(0, 20)}"`)
      .join(', ')
    return {
      ok: false,
      error: `Not an extension: ${shown}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''}. Use digits, optionally with a prefix such as SIP/ (e.g. 410 or SIP/410).`,
    }
  }
  return { ok: true, extensions: [...new Set(parts)] }
}
