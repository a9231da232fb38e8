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
  call_hours: CallHourRow
  call_hours_dirty: DirtyHourRow
}

/** One hour's figures per extension (server/records/rollup.ts), recomputed from call_records when dirty. */
export interface CallHourRow {
  hour: number
  extension: string
  sl_s: number
  offered: number
  answered: number
  missed: number
  within: number
  ring_n: number
  ring_ms: number
  ring_max: number | null
  talk_ms: number
  q_offered: number
  q_answered: number
  q_missed: number
  q_within: number
  q_ring_n: number
  q_ring_ms: number
  q_ring_max: number | null
  q_talk_ms: number
  c_offered: number
  c_answered: number
  c_missed: number
}

export interface DirtyHourRow {
  hour: number
}
