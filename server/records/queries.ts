// What the routes read from the call records: an agent's history, a supervisor's report and CSV, today's
// figures. Extensions arrive already limited to the user's rights ('all': the local developer).
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely'
import type { CallRecordRow, Schema } from '../db/schema.ts'
import type { Outcome } from './call-records.ts'

export type Exts = readonly string[] | 'all'

/** GET /api/history's calls (docs/architecture.md); the panel's type is the same shape. */
export interface CallRecord {
  uniqueCallId: string
  extension: string
  direction: 'in' | 'out'
  caller: string
  queue: boolean
  clickToDial: boolean
  rangAt: string
  answeredAt: string | null
  endedAt: string | null
  outcome: Outcome
  answeredBy: string | null
  ringS: number | null
  talkS: number | null
}

export interface ReportRow {
  extension: string
  offered: number
  answered: number
  missed: number
  answerRate: number | null
  serviceLevel: number | null
  avgRingS: number | null
  maxRingS: number | null
  talkS: number
}

export interface HourRow {
  hour: string
  offered: number
  answered: number
  missed: number
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString())
const secs = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : Math.round(Number(ms) / 100) / 10

export function toCallRecord(r: CallRecordRow): CallRecord {
  const ringEnd = r.answered_at ?? r.ended_at
  return {
    uniqueCallId: r.unique_call_id,
    extension: r.extension,
    direction: r.direction,
    caller: r.caller,
    queue: Number(r.queue) === 1,
    clickToDial: Number(r.click_to_dial) === 1,
    rangAt: iso(r.rang_at)!,
    answeredAt: iso(r.answered_at),
    endedAt: iso(r.ended_at),
    outcome: r.outcome as Outcome,
    answeredBy: r.answered_by,
    ringS: ringEnd === null ? null : secs(Number(ringEnd) - Number(r.rang_at)),
    talkS:
      r.answered_at !== null && r.ended_at !== null && Number(r.ended_at) >= Number(r.answered_at)
        ? secs(Number(r.ended_at) - Number(r.answered_at))
        : null,
  }
}

type Q<O> = SelectQueryBuilder<Schema, 'call_records', O>
const onExts = <O>(q: Q<O>, exts: Exts): Q<O> => (exts === 'all' ? q : q.where('extension', 'in', [...exts]))

/** The calls on these extensions, newest first. */
export async function history(db: Kysely<Schema>, exts: Exts, limit: number): Promise<CallRecord[]> {
  if (exts !== 'all' && !exts.length) return []
  const rows = await onExts(db.selectFrom('call_records').selectAll(), exts)
    .orderBy('rang_at', 'desc')
    .orderBy('unique_call_id', 'desc')
    .limit(limit)
    .execute()
  return rows.map(toCallRecord)
}

const n = (v: unknown) => Number(v ?? 0)
const orNull = (v: unknown) => (v === null || v === undefined ? null : Number(v))
const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : null)

// Offered: inbound legs that rang; missed: those that ended unanswered.
const MISSED = sql<number>`sum(case when outcome in ('missed', 'no-answer', 'busy') then 1 else 0 end)`
const ANSWERED = sql<number>`sum(case when answered_at is not null then 1 else 0 end)`
const RING_END = sql`coalesce(answered_at, ended_at)`
const TALK = sql<number>`sum(case when answered_at is not null and ended_at > answered_at then ended_at - answered_at else 0 end)`

function reportRow(extension: string, r: Record<string, unknown> | undefined): ReportRow {
  const offered = n(r?.offered)
  const answered = n(r?.answered)
  return {
    extension,
    offered,
    answered,
    missed: n(r?.missed),
    answerRate: ratio(answered, offered),
    serviceLevel: ratio(n(r?.within), offered),
    avgRingS: secs(orNull(r?.avg_ring_ms)),
    maxRingS: secs(orNull(r?.max_ring_ms)),
    talkS: secs(n(r?.talk_ms)) ?? 0,
  }
}

/** A supervisor's report over [fromMs, toMs): per extension, the queue calls once each, calls per hour. */
export async function report(
  db: Kysely<Schema>,
  o: { exts: Exts; fromMs: number; toMs: number; serviceLevelS: number; listed: readonly string[] },
): Promise<{ rows: ReportRow[]; queue: ReportRow; hourly: HourRow[] }> {
  if (o.exts !== 'all' && !o.exts.length) return { rows: [], queue: reportRow('queue', undefined), hourly: [] }
  const slMs = o.serviceLevelS * 1000
  const inbound = () =>
    onExts(
      db
        .selectFrom('call_records')
        .where('direction', '=', 'in')
        .where('rang_at', '>=', o.fromMs)
        .where('rang_at', '<', o.toMs),
      o.exts,
    )
  const perExt = inbound()
    .select([
      'extension',
      sql<number>`count(*)`.as('offered'),
      ANSWERED.as('answered'),
      MISSED.as('missed'),
      sql<number>`sum(case when answered_at is not null and answered_at - rang_at <= ${slMs} then 1 else 0 end)`.as(
        'within',
      ),
      sql<number>`avg(${RING_END} - rang_at)`.as('avg_ring_ms'),
      sql<number>`max(${RING_END} - rang_at)`.as('max_ring_ms'),
      TALK.as('talk_ms'),
    ])
    .groupBy('extension')
    .execute()
  // A queue call rung on several extensions: one call, answered when any leg was, its ring to the first answer.
  const calls = inbound()
    .where('queue', '=', 1)
    .select([
      'unique_call_id',
      sql<number>`min(rang_at)`.as('rang'),
      sql<number>`min(answered_at)`.as('answered'),
      sql<number>`max(ended_at)`.as('ended'),
      sql<number>`max(case when outcome = 'ongoing' then 1 else 0 end)`.as('ongoing'),
      TALK.as('talk'),
    ])
    .groupBy('unique_call_id')
    .as('q')
  const queue = db
    .selectFrom(calls)
    .select([
      sql<number>`count(*)`.as('offered'),
      sql<number>`sum(case when answered is not null then 1 else 0 end)`.as('answered'),
      sql<number>`sum(case when answered is null and ongoing = 0 then 1 else 0 end)`.as('missed'),
      sql<number>`sum(case when answered is not null and answered - rang <= ${slMs} then 1 else 0 end)`.as('within'),
      sql<number>`avg(coalesce(answered, ended) - rang)`.as('avg_ring_ms'),
      sql<number>`max(coalesce(answered, ended) - rang)`.as('max_ring_ms'),
      sql<number>`sum(talk)`.as('talk_ms'),
    ])
    .executeTakeFirst()
  // Calls per hour (UTC): a queue call counts once, in the hour it first rang.
  const hourlyLegs = inbound()
    .where('queue', '=', 0)
    .select([
      sql<number>`rang_at / 3600000`.as('h'),
      sql<number>`count(*)`.as('offered'),
      ANSWERED.as('answered'),
      MISSED.as('missed'),
    ])
    .groupBy(sql`rang_at / 3600000`)
    .execute()
  const hourlyQueue = db
    .selectFrom(calls)
    .select([
      sql<number>`rang / 3600000`.as('h'),
      sql<number>`count(*)`.as('offered'),
      sql<number>`sum(case when answered is not null then 1 else 0 end)`.as('answered'),
      sql<number>`sum(case when answered is null and ongoing = 0 then 1 else 0 end)`.as('missed'),
    ])
    .groupBy(sql`rang / 3600000`)
    .execute()
  const [byExt, q, legs, qHours] = await Promise.all([perExt, queue, hourlyLegs, hourlyQueue])

  const found = new Map(byExt.map((r) => [r.extension, r as Record<string, unknown>]))
  const names = o.exts === 'all' ? [...new Set([...o.listed, ...found.keys()])] : [...o.exts]
  names.sort((a, b) => a.length - b.length || a.localeCompare(b))
  const hours = new Map<number, HourRow>()
  for (const r of [...legs, ...qHours]) {
    const h = n(r.h)
    const row = hours.get(h) ?? { hour: new Date(h * 3600_000).toISOString(), offered: 0, answered: 0, missed: 0 }
    row.offered += n(r.offered)
    row.answered += n(r.answered)
    row.missed += n(r.missed)
    hours.set(h, row)
  }
  return {
    rows: names.map((e) => reportRow(e, found.get(e))),
    queue: reportRow('queue', q as Record<string, unknown> | undefined),
    hourly: [...hours.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r),
  }
}

/** Answered and missed inbound calls per extension since `fromMs` (today's figures on the grid and wall). */
export async function figures(
  db: Kysely<Schema>,
  exts: Exts,
  fromMs: number,
): Promise<Record<string, { answered: number; missed: number }>> {
  if (exts !== 'all' && !exts.length) return {}
  const rows = await onExts(
    db
      .selectFrom('call_records')
      .where('direction', '=', 'in')
      .where('rang_at', '>=', fromMs)
      .select(['extension', ANSWERED.as('answered'), MISSED.as('missed')])
      .groupBy('extension'),
    exts,
  ).execute()
  const out: Record<string, { answered: number; missed: number }> = {}
  for (const r of rows) out[r.extension] = { answered: n(r.answered), missed: n(r.missed) }
  return out
}

/** Every call in [fromMs, toMs), oldest first, a page at a time (a year of calls is never held at once). */
export async function* callsBetween(
  db: Kysely<Schema>,
  exts: Exts,
  fromMs: number,
  toMs: number,
  page = 2000,
): AsyncGenerator<CallRecord> {
  let after: { rang: number; id: string; ext: string } | null = null
  for (;;) {
    let q = onExts(
      db.selectFrom('call_records').selectAll().where('rang_at', '>=', fromMs).where('rang_at', '<', toMs),
      exts,
    )
    if (after) {
      const a: { rang: number; id: string; ext: string } = after
      q = q.where((eb) =>
        eb.or([
          eb('rang_at', '>', a.rang),
          eb.and([eb('rang_at', '=', a.rang), eb('unique_call_id', '>', a.id)]),
          eb.and([eb('rang_at', '=', a.rang), eb('unique_call_id', '=', a.id), eb('extension', '>', a.ext)]),
        ]),
      )
    }
    const rows = await q.orderBy('rang_at').orderBy('unique_call_id').orderBy('extension').limit(page).execute()
    for (const r of rows) yield toCallRecord(r)
    if (rows.length < page) return
    const last = rows[rows.length - 1]
    after = { rang: Number(last.rang_at), id: last.unique_call_id, ext: last.extension }
  }
}
