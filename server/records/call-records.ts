// Call records from the feed's events (docs/architecture.md, "Records"): one row per PBX call id and
// extension, written idempotently. Each event folds into the row with first-writer-wins times (rang,
// answered, ended kept once set), so a replay, a snapshot diff or a new leader writing the same calls
// again changes nothing; the outcome is decided from the row's times in the same statement.
import { PostgresAdapter, sql, type Kysely } from 'kysely'
import type { LogEvent } from '../feed/event-log.ts'
import type { CallRecordRow, Schema } from '../db/schema.ts'
import { HOUR_MS, markDirty } from './rollup.ts'

export type Outcome = 'answered' | 'missed' | 'busy' | 'no-answer' | 'ongoing'

const ENDED: Record<string, true> = { Hungup: true, Busy: true, 'No Answer': true }
/** Rows per INSERT (11 parameters each: well under both databases' limits). */
const CHUNK = 400

const flag = (v: unknown) => (v === true || v === 'true' ? 1 : 0)
const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, 80) : '')

/** How an unanswered leg ended, from its last status and direction. */
function endOutcome(status: string, direction: 'in' | 'out'): Outcome {
  if (status === 'Busy') return 'busy'
  if (status === 'No Answer' || direction === 'out') return 'no-answer'
  return 'missed'
}

/** One event folded into a row (the row as this batch alone would write it), at `at` ms. */
export function foldEvent(row: CallRecordRow | undefined, { ext, ev }: LogEvent, at: number): CallRecordRow {
  const d = ev.CallData
  const status = d.status
  const direction =
    row?.direction ??
    (d.inbound === false || d.inbound === 'false' || status === 'Dialing Out' || flag(d.isClickToDialCall)
      ? 'out'
      : 'in')
  const r: CallRecordRow = row
    ? { ...row }
    : {
        unique_call_id: d.uniqueCallId,
        extension: ext,
        direction,
        caller: text(d.callerId) || text(d.otherPartyCallerId) || text(d.outboundDestination),
        queue: flag(d.isQueueCall),
        click_to_dial: flag(d.isClickToDialCall),
        rang_at: at,
        answered_at: null,
        ended_at: null,
        outcome: 'ongoing',
        answered_by: null,
      }
  if (status === 'Connected' && r.answered_at === null && r.ended_at === null) r.answered_at = at
  if (ENDED[status] && r.ended_at === null) {
    r.ended_at = at
    r.outcome = r.answered_at !== null ? 'answered' : endOutcome(status, r.direction)
  }
  return r
}

/** A batch's events folded per call and extension, in order (a key appears once: one upsert each). */
export function rowsOf(events: readonly LogEvent[], at: number): CallRecordRow[] {
  const rows = new Map<string, CallRecordRow>()
  for (const e of events) {
    if (typeof e.ev?.CallData?.uniqueCallId !== 'string' || !e.ev.CallData.uniqueCallId) continue
    const key = `${e.ev.CallData.uniqueCallId}|${e.ext}`
    rows.set(key, foldEvent(rows.get(key), e, at))
  }
  return [...rows.values()]
}

/**
 * Writes a batch of the feed's events (one PBX reply, or a snapshot's state) in one transaction. The merge
 * is in SQL (coalesce keeps what is stored), so writing a batch twice, or two leaders writing the same
 * one, gives the same rows. `answered_by` is never written here (the answer route sets it).
 */
export async function recordEvents(
  db: Kysely<Schema>,
  events: readonly LogEvent[],
  at = Date.now(),
  snapshotOf?: readonly string[],
): Promise<void> {
  const rows = rowsOf(events, at)
  if (!rows.length && !snapshotOf?.length) return
  // PostgreSQL, the usual reply: the upsert and its hours' marks in one statement (a data-modifying WITH),
  // atomic without BEGIN and COMMIT — one round trip on the feed's path instead of four.
  if (db.getExecutor().adapter instanceof PostgresAdapter && !snapshotOf?.length && rows.length <= CHUNK) {
    await db
      .with('up', () => upsert(db, rows).returning(['rang_at', 'queue']))
      .insertInto('call_hours_dirty')
      .columns(['hour'])
      .expression((eb) =>
        eb
          .selectFrom('up')
          .select(sql<number>`rang_at / ${sql.lit(HOUR_MS)}`.as('hour'))
          .union(
            eb
              .selectFrom('up')
              .select(sql<number>`rang_at / ${sql.lit(HOUR_MS)} - 1`.as('hour'))
              .where('queue', '=', 1),
          ),
      )
      .onConflict((oc) => oc.column('hour').doNothing())
      .execute()
    return
  }
  const closed: string[] = []
  await db.transaction().execute(async (tx) => {
    // A new log's state (a restart, of the server or the PBX): a call on its extensions still open here but
    // not in the state ended while nobody was listening — it ends now, as the snapshot diff would end it.
    if (snapshotOf?.length) {
      const live = new Set(rows.map((r) => `${r.unique_call_id}|${r.extension}`))
      const open = await tx
        .selectFrom('call_records')
        .select(['unique_call_id', 'extension', 'answered_at', 'direction'])
        .where('ended_at', 'is', null)
        .where('extension', 'in', [...snapshotOf])
        .execute()
      for (const r of open.filter((r) => !live.has(`${r.unique_call_id}|${r.extension}`))) {
        closed.push(r.unique_call_id)
        await tx
          .updateTable('call_records')
          .set({ ended_at: at, outcome: r.answered_at !== null ? 'answered' : endOutcome('Hungup', r.direction) })
          .where('unique_call_id', '=', r.unique_call_id)
          .where('extension', '=', r.extension)
          .where('ended_at', 'is', null)
          .execute()
      }
    }
    for (let i = 0; i < rows.length; i += CHUNK) await upsert(tx, rows.slice(i, i + CHUNK)).execute()
    await markDirty(tx, [...new Set([...rows.map((r) => r.unique_call_id), ...closed])])
  })
}

/** Insert the rows; a row already there keeps its times and outcome once set (see recordEvents). */
function upsert(db: Kysely<Schema>, rows: CallRecordRow[]) {
  return db
    .insertInto('call_records')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['unique_call_id', 'extension']).doUpdateSet({
        answered_at: sql`case when call_records.ended_at is null then coalesce(call_records.answered_at, excluded.answered_at) else call_records.answered_at end`,
        ended_at: sql`coalesce(call_records.ended_at, excluded.ended_at)`,
        outcome: sql`case
          when call_records.ended_at is not null then call_records.outcome
          when excluded.ended_at is null then 'ongoing'
          when coalesce(call_records.answered_at, excluded.answered_at) is not null then 'answered'
          else excluded.outcome end`,
      }),
    )
}

/** The answer route's success: who answered this leg through Switchboard (first answer kept). */
export async function recordAnsweredBy(
  db: Kysely<Schema>,
  uniqueCallId: string,
  extension: string,
  user: string,
): Promise<void> {
  await db
    .updateTable('call_records')
    .set({ answered_by: user })
    .where('unique_call_id', '=', uniqueCallId)
    .where('extension', '=', extension)
    .where('answered_by', 'is', null)
    .execute()
}
