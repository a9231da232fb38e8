// The audit trail: one line for every decision about a signed-in user's request (a sign-in, allowed or
// refused, included), written at the logger's `audit` level (server/logger.ts), which no LOG_LEVEL drops.
// Every route calls audit(); a sink (a database) is added here, once, and reads the same plain entry.
import type { FastifyRequest } from 'fastify'

export type AuditAction = 'sign-in' | 'subscribe' | 'answer' | 'hangup' | 'dial' | 'record-start' | 'record-stop'

/**
 * ok: done (the PBX answered with Code ≥ 0, or the sign-in succeeded); refused: our rights or policy said no
 * (401/403); bad-request: the request was malformed (400); rate-limited: a limit said no (429);
 * pbx-refused: the PBX answered a negative Code; pbx-failed: the PBX gave no usable reply.
 */
export type AuditOutcome = 'ok' | 'refused' | 'bad-request' | 'rate-limited' | 'pbx-refused' | 'pbx-failed'

export interface AuditEntry {
  /** The signed-in user; for a sign-in, the name given (null when none was). */
  user: string | null
  /** The request's address as Fastify reads it (request.ip: TRUST_PROXY decides). */
  address: string
  action: AuditAction
  /** What it was about: an extension, a number and where from, a call id and where. */
  what: string
  outcome: AuditOutcome
  /** The PBX's Code, when it answered. */
  code?: number
  /** Why: our refusal's sentence, or the PBX's Message (already key-scrubbed by the PBX client). */
  message?: string
  /** An answer's call and extension: the records name who answered when the PBX took it. */
  uniqueCallId?: string
  extension?: string
}

/** The logger's method for the audit level; absent on a logger built without it (tests with Fastify's own). */
type AuditLog = { audit?: (obj: object, msg: string) => void }

/** Writes one audit line for this request and returns the entry. `user` defaults to the signed-in user. */
export function audit(
  request: FastifyRequest,
  entry: Omit<AuditEntry, 'user' | 'address'> & { user?: string | null },
): AuditEntry {
  const line: AuditEntry = {
    user: entry.user !== undefined ? entry.user : (request.user?.name ?? null),
    address: request.ip,
    action: entry.action,
    what: entry.what,
    outcome: entry.outcome,
    ...(entry.code !== undefined ? { code: entry.code } : {}),
    ...(entry.message !== undefined ? { message: entry.message.slice(0, 300) } : {}),
  }
  const log = request.log as unknown as AuditLog
  log.audit?.({ audit: line }, `audit ${line.action} ${line.outcome}`)
  const call = { uniqueCallId: entry.uniqueCallId, extension: entry.extension }
  request.server.auditSink?.({ at: Date.now(), ...line, ...(call.uniqueCallId !== undefined ? call : {}) })
  return line
}
