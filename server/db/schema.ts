// The tables' row types as Kysely sees them (server/db/migrations.ts creates them). Times are epoch
// milliseconds in UTC on both databases; flags are 0/1 integers so the SQL is the same on both.

export interface CallRecordRow {
  unique_call_id: string
  extension: string
  direction: 'in' | 'out'
  caller: string
  queue: number
  click_to_dial: number
  rang_at: number
  answered_at: number | null
  ended_at: number | null
  outcome: string
  answered_by: string | null
}

export interface AuditRow {
  id: string
  at: number
  user_name: string | null
  address: string
  action: string
  what: string
  outcome: string
  code: number | null
  message: string | null
}

export interface SessionRow {
  key: string
  value: string
  expires_at: number
}

export interface Schema {
  call_records: CallRecordRow
  audit_log: AuditRow
  sessions: SessionRow
}
