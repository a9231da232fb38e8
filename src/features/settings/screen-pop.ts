// Screen pop: a CRM page for the caller, from a URL template set in Settings.

export const CALLER_PLACEHOLDER = '{callerId}'

/** Why a template cannot be used, or null when it can (empty: screen pop off). */
export function templateProblem(template: string): string | null {
  const t = template.trim()
  if (!t) return null
  if (!t.includes(CALLER_PLACEHOLDER)) return `Put ${CALLER_PLACEHOLDER} where the caller's number goes.`
  let url: URL
  try {
    url = new URL(t.replaceAll(CALLER_PLACEHOLDER, '0'))
  } catch {
    return 'Not a web address (it must start with https:// or http://).'
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'Only https:// or http:// addresses open.'
}

/** The page for this caller, or null (no template, a bad one, or no number to look up). */
export function screenPopHref(template: string, callerId: string): string | null {
  const t = template.trim()
  if (!t || !callerId || templateProblem(t)) return null
  // Encoded: a caller ID is what the PBX (or whoever called) says, not part of the address.
  const href = t.replaceAll(CALLER_PLACEHOLDER, encodeURIComponent(callerId))
  try {
    const url = new URL(href)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null
  } catch {
    return null
  }
}
