import { useSessionUser } from './session-store.ts'

/**
 * Who acts on each extension, from `GET /api/session`'s optional `user.names` (the users file's display
 * names): read defensively — an older server sends none, and then no name shows.
 */
export function useExtensionNames(): Readonly<Record<string, string>> {
  const names = (useSessionUser() as { names?: unknown } | undefined)?.names
  return names && typeof names === 'object' ? (names as Record<string, string>) : NO_NAMES
}

const NO_NAMES: Readonly<Record<string, string>> = {}

/** The display name for `ext` ("SIP/410" is found as "410"), or ''. */
export function nameOf(names: Readonly<Record<string, string>>, ext: string): string {
  const n = names[ext] ?? names[ext.replace(/^[A-Za-z]+\//, '')]
  return typeof n === 'string' ? n : ''
}
