export type ParsedNumber = { ok: true; number: string } | { ok: false; error: string }

/** Visual separators people paste (and tel: links carry); the PBX wants them gone. */
const SEPARATORS = /[\s().-]/g

/** A number to dial: digits, `*` and `#`, optionally one leading `+`; separators stripped. */
export function parseDialNumber(input: string): ParsedNumber {
  const number = input.replace(SEPARATORS, '')
  if (!number) return { ok: false, error: 'Enter a number to dial.' }
  if (!/^\+?[\d*#]+$/.test(number))
    return {
      ok: false,
      error: `"${input.trim().slice(0, 30)}" is not a phone number. Use digits, * and #, optionally starting with +.`,
    }
  if (number.replace(/\D/g, '').length > 20)
    return { ok: false, error: 'That number is too long (more than 20 digits).' }
  return { ok: true, number }
}

/** What `?dial=` holds: a bare number or a whole `tel:` URI (RFC 3966, parameters after `;`). */
export function numberFromTelLink(raw: string): string {
  let value = raw.trim()
  try {
    value = decodeURIComponent(value)
  } catch {
    // Not percent-encoded after all: use it as it came.
  }
  return value.replace(/^tel:(\/\/)?/i, '').split(';')[0]
}
