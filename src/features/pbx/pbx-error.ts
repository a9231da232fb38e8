export type PbxErrorKind =
  /** fetch failed: DNS, refused, reset, offline */
  | 'network'
  /** our own client-side deadline passed */
  | 'timeout'
  /** superseded or unmounted; not a fault */
  | 'aborted'
  /** HTTP status other than 2xx (not 401/403) */
  | 'http'
  /** the PBX refused the API key (HTTP 401/403 or a negative Code saying so) */
  | 'auth'
  /** a negative Code with the PBX's own Message */
  | 'pbx'
  /** HTML, truncated JSON, wrong shape, bad seq */
  | 'malformed'
  /** the Switchboard server: not signed in (any more) — the sign-in page shows */
  | 'signed-out'
  /** the Switchboard server refused it (403 not the user's extension or number, 429 a limit): not a PBX fault */
  | 'refused'

export class PbxError extends Error {
  readonly kind: PbxErrorKind
  readonly status?: number
  readonly code?: number
  readonly pbxMessage?: string

  constructor(
    kind: PbxErrorKind,
    message: string,
    detail: { status?: number; code?: number; pbxMessage?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: detail.cause })
    this.name = 'PbxError'
    this.kind = kind
    this.status = detail.status
    this.code = detail.code
    this.pbxMessage = detail.pbxMessage
  }
}

export const isPbxError = (e: unknown): e is PbxError => e instanceof PbxError

/** A user-facing sentence for any error thrown while talking to the PBX. */
export function describeError(e: unknown): string {
  if (isPbxError(e)) return e.message
  if (e instanceof Error) return e.message
  return String(e)
}
