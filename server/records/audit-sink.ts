// The audit function's rows: each entry it logs is also written to audit_log, without holding up the
// request (a database error is logged, never the user's problem).
import type { FastifyBaseLogger } from 'fastify'
import type { AuditEntry, Records } from './records.ts'

export type { AuditEntry }

/** The audit function's fields (ext, uniqueCallId, number, outcome, code, message, reason) as an entry. */
export function auditEntry(
  user: string | null,
  address: string,
  action: string,
  fields: Record<string, unknown>,
): AuditEntry {
  const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined)
  const ext = str(fields.ext)
  const id = str(fields.uniqueCallId)
  const number = str(fields.number)
  const what = [ext && `ext ${ext}`, id && `call ${id}`, number && `number ${number}`].filter(Boolean).join(', ')
  return {
    at: Date.now(),
    user,
    address,
    action,
    what,
    outcome: str(fields.outcome) ?? 'ok',
    ...(typeof fields.code === 'number' ? { code: fields.code } : {}),
    ...((str(fields.message) ?? str(fields.reason)) ? { message: str(fields.message) ?? str(fields.reason) } : {}),
    ...(id ? { uniqueCallId: id } : {}),
    ...(ext ? { extension: ext } : {}),
  }
}

export function auditSink(records: Records, log: FastifyBaseLogger): (entry: AuditEntry) => void {
  return (entry) =>
    void records
      .audit(entry)
      .catch((e: Error) => log.error({ err: e.message, action: entry.action }, 'audit row not written'))
}
