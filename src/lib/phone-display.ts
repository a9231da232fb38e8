// How a caller's number is shown: grouped for reading, display only (what is dialled or sent is never this).
// A small rule set for Australian numbers (the PBX's home); libphonenumber-js/min (29 KB gzip) would put
// the first load over its 120 KB budget. Anything the rules do not know is shown exactly as the PBX sent it.

/** Groups of an Australian national significant number (no leading 0), or null when not one. */
function auGroups(nsn: string): string[] | null {
  // Mobiles: 4xx xxx xxx.
  if (/^4\d{8}$/.test(nsn)) return [nsn.slice(0, 3), nsn.slice(3, 6), nsn.slice(6)]
  // Geographic (2, 3, 7, 8) and 5: a one-digit area code, then 4 + 4.
  if (/^[235789]\d{8}$/.test(nsn)) return [nsn[0], nsn.slice(1, 5), nsn.slice(5)]
  return null
}

/** Local-rate and free-call numbers (no trunk 0): 1300 xxx xxx, 1800 xxx xxx, 13 xx xx. */
function auSpecial(digits: string): string | null {
  if (/^1[38]00\d{6}$/.test(digits)) return `${digits.slice(0, 4)} ${digits.slice(4, 7)} ${digits.slice(7)}`
  if (/^13\d{4}$/.test(digits)) return `${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4)}`
  return null
}

/** "0298765432" → "02 9876 5432", "+61298765432" → "+61 2 9876 5432"; names and unknown shapes unchanged. */
export function groupNumber(raw: string): string {
  const s = raw.trim()
  // Only digits, spaces and the usual separators: a name ("Anonymous", "Reception") is left alone.
  if (!/^\+?[\d\s().-]+$/.test(s)) return raw
  const digits = s.replace(/[\s().-]/g, '')
  if (digits.startsWith('+61')) {
    const g = auGroups(digits.slice(3))
    return g ? `+61 ${g.join(' ')}` : raw
  }
  if (digits.startsWith('0')) {
    const g = auGroups(digits.slice(1))
    return g ? `0${g[0]} ${g.slice(1).join(' ')}` : raw
  }
  return auSpecial(digits) ?? raw
}
