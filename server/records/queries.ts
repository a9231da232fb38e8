// What the routes read from the call records: an agent's history, a supervisor's report and CSV, today's
// figures. Extensions arrive already limited to the user's rights ('all': the local developer).
import type { Kysely, SelectQueryBuilder } from 'kysely'
import type { CallRecordRow, Schema } from '../db/schema.ts'
import type { Outcome } from './call-records.ts'
import { addStats, figured, HOUR_MS, type HourStats } from './rollup.ts'

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

const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : null)

function reportRow(extension: string, s: HourStats | undefined, queue = false): ReportRow {
  const p = queue ? 'q_' : ''
  const get = (k: string) => Number((s as Record<string, unknown> | undefined)?.[`${p}${k}`] ?? 0)
  const max = (s as Record<string, unknown> | undefined)?.[`${p}ring_max`]
  const offered = get('offered')
  const answered = get('answered')
  return {
    extension,
    offered,
    answered,
    missed: get('missed'),
    answerRate: ratio(answered, offered),
    serviceLevel: ratio(get('within'), offered),
    avgRingS: get('ring_n') ? secs(get('ring_ms') / get('ring_n')) : null,
    maxRingS: max === null || max === undefined ? null : secs(Number(max)),
    talkS: secs(get('talk_ms')) ?? 0,
  }
}

/** A supervisor's report over [fromMs, toMs): per extension (legs), the queue calls once each, calls per hour. */
export async function report(
  db: Kysely<Schema>,
  o: { exts: Exts; fromMs: number; toMs: number; serviceLevelS: number; listed: readonly string[] },
): Promise<{ rows: ReportRow[]; queue: ReportRow; hourly: HourRow[] }> {
  const f = await figured(db, { exts: o.exts, fromMs: o.fromMs, toMs: o.toMs, slMs: o.serviceLevelS * 1000 })
  const names = o.exts === 'all' ? [...new Set([...o.listed, ...f.byExt.keys()])] : [...o.exts]
  names.sort((a, b) => a.length - b.length || a.localeCompare(b))
  let queue: HourStats | undefined
  for (const s of f.byExt.values()) queue = queue ? addStats(queue, s) : s
  return {
    rows: names.map((e) => reportRow(e, f.byExt.get(e))),
    queue: reportRow('queue', queue, true),
    hourly: [...f.byHour.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([h, r]) => ({ hour: new Date(h * HOUR_MS).toISOString(), ...r })),
  }
}

/** Answered and missed inbound legs per extension in [fromMs, toMs) (today's figures on the grid and wall). */
export async function figures(
  db: Kysely<Schema>,
  exts: Exts,
  fromMs: number,
  toMs: number,
): Promise<Record<string, { answered: number; missed: number }>> {
  const f = await figured(db, { exts, fromMs, toMs, slMs: 0 })
  const out: Record<string, { answered: number; missed: number }> = {}
  for (const [e, s] of f.byExt)
    if (Number(s.offered)) out[e] = { answered: Number(s.answered), missed: Number(s.missed) }
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
