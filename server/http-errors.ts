// The one error shape the panel reads (docs/architecture.md): `{ error: <word>, message: <a sentence> }`.

export type ErrorWord =
  | 'unauthenticated'
  | 'forbidden'
  | 'cross-site'
  | 'not-found'
  | 'bad-request'
  | 'rate-limited'
  | 'too-many-polls'
  | 'unavailable'
  | 'pbx'

export const errorBody = (error: ErrorWord, message: string) => ({ error, message })
