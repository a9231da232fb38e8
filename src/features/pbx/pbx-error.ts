import type { FeedDownReason } from './feed-contract.ts'

export type PbxErrorKind =
  /** fetch failed while the browser is online: the Switchboard server cannot be reached */
  | 'network'
  /** fetch failed while the browser says it is offline */
  | 'offline'
  /** our own client-side deadline passed */
  | 'timeout'
  /** superseded or unmounted; not a fault */
  | 'aborted'
  /** 503 `feed-down`: the server's PBX feed is down; `reason` says why, `retryAt` when it tries again */
  | 'feed-down'
  /** the server refused it with its `{ error, message }` (403 not your extension or number, 429 a limit) */
  | 'refused'
  /** the server failed it with its `{ error, message }` (502: the PBX failed the action) */
  | 'server'
  /** the PBX answered an action with a negative Code (passed on by the server with its Message) */
  | 'pbx'
  /** the server answered something that is not its contract (not JSON, not its error shape) */
  | 'unexpected'
  /** the Switchboard server: not signed in (any more) — the sign-in page shows */
  | 'signed-out'

export class PbxError extends Error {
  readonly kind: PbxErrorKind
  readonly status?: number
  readonly code?: number
  readonly pbxMessage?: string
  readonly reason?: FeedDownReason
  readonly retryAt?: number

  constructor(
    kind: PbxErrorKind,
    message: string,
    detail: {
      status?: number
      code?: number
      pbxMessage?: string
      reason?: FeedDownReason
      retryAt?: number
      cause?: unknown
    } = {},
  ) {
    super(message, { cause: detail.cause })
    this.name = 'PbxError'
    this.kind = kind
    this.status = detail.status
    this.code = detail.code
    this.pbxMessage = detail.pbxMessage
    this.reason = detail.reason
    this.retryAt = detail.retryAt
  }
}

export const isPbxError = (e: unknown): e is PbxError => e instanceof PbxError

/** A user-facing sentence for any error thrown while talking to the server. */
export function describeError(e: unknown): string {
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

/** A short sentence for an agent about a failed command: the server's own message when it gave one. */
export function friendlyError(e: unknown, command: Command): string {
  // Our own checks (no login name, not a number) already speak to the agent.
  if (!isPbxError(e)) return e instanceof Error ? e.message : 'Something went wrong: try again, or see Diagnostics'
  switch (e.kind) {
    case 'network':
    case 'offline':
      return `${e.message}: try again`
    case 'timeout':
      return 'No reply in time: try again'
    case 'aborted':
      return 'Cancelled'
    case 'pbx': {
      const said = e.pbxMessage ?? ''
      for (const [pattern, means] of PBX_MEANS) if (pattern.test(said)) return means[command] ?? means.any ?? said
      return 'The PBX could not do that: try again, or see Diagnostics'
    }
    default:
      // The server's message (refused, failed, feed down, signed out) or what it answered instead.
      return e.message
  }
}
