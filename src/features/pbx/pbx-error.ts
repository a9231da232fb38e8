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

export type Command = 'answer' | 'hangup' | 'record' | 'dial'

// What the PBX's own words mean to an agent; matched loosely, the raw text goes to Diagnostics.
const PBX_MEANS: readonly [RegExp, Partial<Record<Command, string>> & { any?: string }][] = [
  [/not ringing/i, { answer: 'Already answered elsewhere', any: 'This call is no longer ringing' }],
  [/not found|no active (channel|call)/i, { any: 'This call has already ended' }],
  [/owned by|already recording/i, { any: 'Someone else is recording this call' }],
  [/invalid number/i, { any: 'The PBX cannot dial that number' }],
]

/** A short sentence for an agent about a failed command; the raw error belongs in Diagnostics. */
export function friendlyError(e: unknown, command: Command): string {
  // Our own checks (no login name, not a number) already speak to the agent.
  if (!isPbxError(e)) return e instanceof Error ? e.message : 'Something went wrong: try again, or see Diagnostics'
  switch (e.kind) {
    case 'network':
      return 'Cannot reach the PBX: try again'
    case 'timeout':
      return 'The PBX did not answer in time: try again'
    case 'auth':
      return 'The PBX refused Switchboard: tell your administrator'
    case 'aborted':
      return 'Cancelled'
    default: {
      const said = e.pbxMessage ?? ''
      for (const [pattern, means] of PBX_MEANS) if (pattern.test(said)) return means[command] ?? means.any ?? said
      return 'The PBX could not do that: try again, or see Diagnostics'
    }
  }
}

const FEED_TROUBLE: Record<PbxErrorKind, string> = {
  network: 'Cannot reach the PBX',
  timeout: 'The PBX is not answering',
  aborted: 'Reconnecting',
  http: 'The PBX is having trouble',
  auth: 'The PBX rejected the API key',
  pbx: 'The PBX refused the request',
  malformed: 'The PBX sent a reply Switchboard cannot read',
  'signed-out': 'Signed out: sign in again',
  refused: 'Switchboard refused the request',
}

/** The feed's trouble in a few words for the status line (the full text is one click away). */
export const feedTrouble = (kind: PbxErrorKind | undefined) => (kind ? FEED_TROUBLE[kind] : 'Cannot reach the PBX')
