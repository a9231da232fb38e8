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
