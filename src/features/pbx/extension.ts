/** The one technology-prefix rule (`SIP/`, `PJSIP/`, `IAX2/`): a letter, then 1–7 letters or digits, then `/`. */
const TECH = '[A-Za-z][A-Za-z0-9]{1,7}/'
const TECH_PREFIX = new RegExp(`^${TECH}`)

/** An extension as typed: digits, optionally behind a technology prefix. */
export const EXTENSION = new RegExp(`^(?:${TECH})?\\d{1,10}$`)

/** The extension without its prefix, the key the PBX's events use: `SIP/410` and `410` are one extension. */
export const extKey = (ext: string) => ext.replace(TECH_PREFIX, '')

/** The channel to dial from: an extension with a prefix stays as is; a bare one is SIP. */
export const withTech = (ext: string) => (TECH_PREFIX.test(ext) ? ext : `SIP/${ext}`)
