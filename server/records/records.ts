// The records capability behind one small interface: the feed writes calls (recordEvents), the answer
// route says who answered, the audit function adds rows, the routes read history, reports and figures,
// and old rows are purged daily. Built on an open Database (server/db/database.ts).
import { randomUUID } from 'node:crypto'
import type { Database } from '../db/database.ts'
import type { LogEvent } from '../feed/event-log.ts'
import type { RecordsConfig } from '../config.ts'
import { recordAnsweredBy, recordEvents } from './call-records.ts'
import { callsCsv } from './csv.ts'
import { HOUR_MS, refresher } from './rollup.ts'
import { dayStart, nextDay, today } from './days.ts'
import {
  callsBetween,
  figures,
  history,
  report,
  type CallRecord,
  type Exts,
  type HourRow,
  type ReportRow,
} from './queries.ts'

/** One decision about a user's request, as the audit function logs it. */
export interface AuditEntry {
  /** When (ms since the epoch, or an ISO string). */
  at: number | string
  user: string | null
  address: string
  action: string
  /** What it was about: an extension, a call, a number (a short text). */
  what: string
  outcome: string
  code?: number
  message?: string
  /** An answer's call and extension: a successful one records who answered (answered_by). */
  uniqueCallId?: string
  extension?: string
}

export interface Report {
  from: string
  to: string
  timeZone: string
  serviceLevelS: number
  rows: ReportRow[]
  queue: ReportRow
  hourly: HourRow[]
}

export interface Records {
  /** A batch of the feed's events (one PBX reply, or a snapshot's state), in one transaction. */
  recordEvents(events: readonly LogEvent[], snapshotOf?: readonly string[]): Promise<void>
  /** An audit row (and, for an answer that worked, who answered the call). */
  audit(entry: AuditEntry): Promise<void>
  history(exts: Exts, limit: number): Promise<CallRecord[]>
  report(exts: Exts, from: string, to: string): Promise<Report>
  /** Today (the server's time zone) as YYYY-MM-DD. */
  today(): string
  figuresToday(exts: Exts): Promise<{ date: string; figures: Record<string, { answered: number; missed: number }> }>
  csv(exts: Exts, from: string, to: string): AsyncGenerator<string>
  /** Deletes calls and audit rows past retention, and expired sessions; what it deleted. */
  purge(now?: number): Promise<{ calls: number; audit: number; sessions: number }>
  readonly database: Database
  close(): Promise<void>
}

const DAY_MS = 86_400_000
const cut = (s: string | undefined, max: number) => (s === undefined ? null : s.slice(0, max))

export function createRecords(
  database: Database,
  config: RecordsConfig,
  opts: { listed?: readonly string[]; now?: () => number; onPurgeError?: (e: Error) => void } = {},
): Records {
  const { db } = database
  const now = opts.now ?? (() => Date.now())
  const tz = config.timeZone
  const refresh = refresher(db, config.serviceLevelS)
  const range = (from: string, to: string) => ({ fromMs: dayStart(from, tz), toMs: dayStart(nextDay(to), tz) })

  async function purge(at = now()) {
    const calls = await db
      .deleteFrom('call_records')
      .where('rang_at', '<', at - config.retentionDays * DAY_MS)
      .executeTakeFirst()
    const audit = await db
      .deleteFrom('audit_log')
      .where('at', '<', at - config.auditRetentionDays * DAY_MS)
      .executeTakeFirst()
    await db
      .deleteFrom('call_hours')
      .where('hour', '<', Math.floor((at - config.retentionDays * DAY_MS) / HOUR_MS))
      .execute()
    const sessions = await db.deleteFrom('sessions').where('expires_at', '<=', at).executeTakeFirst()
    return {
      calls: Number(calls.numDeletedRows),
      audit: Number(audit.numDeletedRows),
      sessions: Number(sessions.numDeletedRows),
    }
  }
  const daily = setInterval(() => void purge().catch((e: Error) => opts.onPurgeError?.(e)), DAY_MS)
  daily.unref()

  return {
    database,
    recordEvents: (events, snapshotOf) => recordEvents(db, events, now(), snapshotOf),
    async audit(e) {
      if (e.action === 'answer' && e.outcome === 'ok' && e.user && e.uniqueCallId && e.extension)
        await recordAnsweredBy(db, e.uniqueCallId, e.extension, e.user)
      const at = typeof e.at === 'number' ? e.at : Date.parse(e.at)
      await db
        .insertInto('audit_log')
        .values({
          id: randomUUID(),
          at: Number.isFinite(at) ? at : now(),
          user_name: cut(e.user ?? undefined, 200),
          address: e.address.slice(0, 100),
          action: e.action.slice(0, 40),
          what: e.what.slice(0, 200),
          outcome: e.outcome.slice(0, 40),
          code: typeof e.code === 'number' && Number.isInteger(e.code) ? e.code : null,
          message: cut(e.message, 500),
        })
        .execute()
    },
    history: (exts, limit) => history(db, exts, limit),
    async report(exts, from, to) {
      await refresh()
      const r = await report(db, {
        exts,
        ...range(from, to),
        serviceLevelS: config.serviceLevelS,
        listed: opts.listed ?? [],
      })
      return { from, to, timeZone: tz, serviceLevelS: config.serviceLevelS, ...r }
    },
    today: () => today(tz, now()),
    async figuresToday(exts) {
      const date = today(tz, now())
      await refresh()
      return { date, figures: await figures(db, exts, dayStart(date, tz), dayStart(nextDay(date), tz)) }
    },
    csv(exts, from, to) {
      const { fromMs, toMs } = range(from, to)
      return callsCsv(callsBetween(db, exts, fromMs, toMs))
    },
    purge,
    async close() {
      clearInterval(daily)
      await database.close()
    },
  }
}
