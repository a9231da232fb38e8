// Shared shapes between the server's parts (app, auth, feed). See docs/architecture.md.

import type {} from 'fastify'
/** A set of extensions: bare extension strings, or every extension (the local developer). */
export type ExtensionSet = { all: true } | { all: false; exts: ReadonlySet<string> }

/** Who is signed in and what they may do; re-read from the users file on every change. */
export interface SessionUser {
  name: string
  display: string
  supervisor: boolean
  /** May see. */
  watch: ExtensionSet
  /** May answer, hang up, dial from and record. */
  act: ExtensionSet
  mode: 'accounts' | 'oidc' | 'local-dev'
}

export type Action = 'watch' | 'answer' | 'hangup' | 'dial' | 'record'

/** The dial policy from the users file. */
export interface DialPolicy {
  /** Dials per user per minute. */
  perMinute: number
  /** A number must start with one of these (empty: any). */
  allowPrefixes: string[]
  /** A number starting with one of these is refused. */
  denyPrefixes: string[]
}

/** One PBX event as the contract gives it (kept as read, unknown fields dropped by the schema). */
export interface PbxEvent {
  CallData: Record<string, unknown> & { uniqueCallId: string; status: string }
  CallID?: number
  Code?: number
}

/** What the server knows of a call now, for rights on answer/hang-up. */
export interface KnownCall {
  uniqueCallId: string
  /** Extension → its leg's latest status. */
  legs: ReadonlyMap<string, string>
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin's onRequest hook; null when not signed in. */
    user: SessionUser | null
  }
}

/** The six PBX methods the server may call; nothing else is ever sent the key. */
export type PbxMethod = 'subscribe' | 'answer' | 'hangup' | 'dial' | 'start' | 'stop'

/** Why a PBX call failed before a JSON reply was read (a negative Code is a reply, not a failure). */
export type PbxFailureKind = 'http' | 'network' | 'timeout' | 'redirect' | 'not-json' | 'aborted'

/**
 * The one PBX client (server/pbx/): builds the request from the allow-list, adds the key, resolves with the
 * reply's JSON (any Code) or throws a PbxCallError (server/pbx/) carrying `kind`, `status?`, `errno?` and a
 * message that never holds the key.
 */
export type CallPbx = ((
  method: PbxMethod,
  params: Record<string, string>,
  opts?: { signal?: AbortSignal; timeoutMs?: number },
) => Promise<Record<string, unknown> & { Code: number }>) & {
  /**
   * Tells `listener` when the PBX closes a connection our subscribe used (a restarting PBX closes them all, also
   * between two polls); returns the unsubscribe. Absent: the client cannot tell.
   */
  onClose?: (listener: () => void) => () => void
}

/**
 * A reply the server sends the browser as is (status, headers, body). The feed serialises a reply once for
 * every browser it goes to: `body` is then a string and `headers` carry its content-type.
 */
export interface FeedReply {
  status: number
  headers?: Record<string, string>
  body: unknown
}

/** The server's PBX feed (server/feed/): one upstream subscribe, an event log, browsers served from it. */
export interface FeedHub {
  /** A browser's long poll (docs/architecture.md); `exts` already limited to what the user may watch. */
  poll(req: { exts: string[]; cursor: number; timeoutSec: number; signal: AbortSignal }): Promise<FeedReply>
  /**
   * The extensions users may watch now (the users file re-read): the upstream subscribe moves to this list
   * (the config's extensions added). Ignored in local-developer mode, where the list grows with the browsers.
   */
  setWatched(exts: readonly string[]): void
  /** What the feed knows of a call now (rights for answer and hang-up); undefined when never seen or over. */
  call(uniqueCallId: string): KnownCall | undefined
  /** Retry now (`POST /api/feed/retry`): while the feed is down, try the PBX now (at most once a second). */
  retry(): void
  /** For /readyz: the PBX answered the latest upstream poll and the log is current. */
  ready(): boolean
  /** Stop polling and answer every held browser poll at once (SIGTERM). */
  close(): Promise<void>
}
