// The audit function's rows: each entry server/audit.ts logs is also written to audit_log, without holding up
// the request (a database error is logged, never the user's problem).
import type { FastifyBaseLogger } from 'fastify'
import type { AuditEntry, Records } from './records.ts'

export function auditSink(records: Records, log: FastifyBaseLogger): (entry: AuditEntry) => void {
  return (entry) =>
    void records
      .audit(entry)
      .catch((e: Error) => log.error({ err: e.message, action: entry.action }, 'audit row not written'))
}
