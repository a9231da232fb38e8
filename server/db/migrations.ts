// Forward-only migrations, imported (not read from a folder) so the compiled server carries them. Each
// one runs on SQLite and PostgreSQL alike: portable column types only (text, integer, bigint).
import type { Kysely } from 'kysely'
import type { Migration } from 'kysely/migration'

export const migrations: Record<string, Migration> = {
  '0001-records-audit-sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('call_records')
        .addColumn('unique_call_id', 'text', (c) => c.notNull())
        .addColumn('extension', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('caller', 'text', (c) => c.notNull())
        .addColumn('queue', 'integer', (c) => c.notNull())
        .addColumn('click_to_dial', 'integer', (c) => c.notNull())
        .addColumn('rang_at', 'bigint', (c) => c.notNull())
        .addColumn('answered_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('answered_by', 'text')
        .addPrimaryKeyConstraint('call_records_pk', ['unique_call_id', 'extension'])
        .execute()
      // Reports and retention scan by time; history and today's figures by extension, newest first.
      await db.schema.createIndex('call_records_rang_at').on('call_records').columns(['rang_at']).execute()
      await db.schema
        .createIndex('call_records_ext_rang_at')
        .on('call_records')
        .columns(['extension', 'rang_at'])
        .execute()

      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('user_name', 'text')
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('what', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('code', 'integer')
        .addColumn('message', 'text')
        .execute()
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at']).execute()

      await db.schema
        .createTable('sessions')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('sessions_expires_at').on('sessions').columns(['expires_at']).execute()
    },
  },
  // Reports read hourly figures per extension, not a month of calls (bench/records-results.md).
  '0002-call-hours': {
    async up(db: Kysely<unknown>) {
      let t = db.schema
        .createTable('call_hours')
        .addColumn('hour', 'bigint', (c) => c.notNull())
        .addColumn('extension', 'text', (c) => c.notNull())
        .addColumn('sl_s', 'integer', (c) => c.notNull())
      for (const p of ['', 'q_'])
        for (const col of ['offered', 'answered', 'missed', 'within', 'ring_n', 'ring_ms', 'ring_max', 'talk_ms'])
          t = t.addColumn(`${p}${col}`, 'bigint', (c) => (col === 'ring_max' ? c : c.notNull()))
      for (const col of ['c_offered', 'c_answered', 'c_missed']) t = t.addColumn(col, 'bigint', (c) => c.notNull())
      await t.addPrimaryKeyConstraint('call_hours_pk', ['hour', 'extension']).execute()
      await db.schema
        .createTable('call_hours_dirty')
        .addColumn('hour', 'bigint', (c) => c.primaryKey())
        .execute()
    },
  },
}
