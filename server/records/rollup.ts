// Hourly figures per extension (call_hours), so a month's report reads ~100 × 720 rows, not 1.5 million
// calls. An hour is recomputed from call_records whenever a write touches one of its calls (call_hours_dirty,
// marked in the write's transaction), so the figures are always the calls' own, whatever was replayed.
// A queue call (rung on several extensions) counts once in the queue figures and the chart: on the extension
// that answered it, or, unanswered, the first it rang; it belongs to the hour it first rang.
import { sql, type Kysely } from 'kysely'
import type { CallHourRow, Schema } from '../db/schema.ts'

export const HOUR_MS = 3_600_000
// A literal in SQL: a bound JS number is a float to SQLite (and numeric to PostgreSQL), and / would not truncate.
const HOUR_LIT = sql.lit(HOUR_MS)
const MISSED = new Set(['missed', 'no-answer', 'busy'])

type Leg = {
  unique_call_id: string
  extension: string
  queue: number
  rang_at: number
  answered_at: number | null
  ended_at: number | null
  outcome: string
}
export type HourStats = Omit<CallHourRow, 'hour' | 'extension' | 'sl_s'>

const empty = (): HourStats => ({
  offered: 0,
  answered: 0,
  missed: 0,
  within: 0,
  ring_n: 0,
  ring_ms: 0,
  ring_max: null,
  talk_ms: 0,
  q_offered: 0,
  q_answered: 0,
  q_missed: 0,
  q_within: 0,
  q_ring_n: 0,
  q_ring_ms: 0,
  q_ring_max: null,
  q_talk_ms: 0,
  c_offered: 0,
  c_answered: 0,
  c_missed: 0,
})
const talkOf = (l: Leg) =>
  l.answered_at !== null && l.ended_at !== null && l.ended_at > l.answered_at ? l.ended_at - l.answered_at : 0
const num = (l: Leg): Leg => ({
  ...l,
  queue: Number(l.queue),
  rang_at: Number(l.rang_at),
  answered_at: l.answered_at === null ? null : Number(l.answered_at),
  ended_at: l.ended_at === null ? null : Number(l.ended_at),
})

/** The figures of the inbound calls that first rang in [fromMs, toMs), per extension, from their legs. */
export function statsOf(rawLegs: readonly Leg[], fromMs: number, toMs: number, slMs: number): Map<string, HourStats> {
  const legs = rawLegs.map(num)
  const out = new Map<string, HourStats>()
  const of = (ext: string) => out.get(ext) ?? (out.set(ext, empty()), out.get(ext)!)
  const inRange = (t: number) => t >= fromMs && t < toMs
  const queueCalls = new Map<string, Leg[]>()
  for (const l of legs) {
    if (l.queue) queueCalls.set(l.unique_call_id, [...(queueCalls.get(l.unique_call_id) ?? []), l])
    if (!inRange(l.rang_at)) continue
    const s = of(l.extension)
    const answered = l.answered_at !== null
    const missed = MISSED.has(l.outcome)
    const ringEnd = l.answered_at ?? l.ended_at
    s.offered++
    if (answered) s.answered++
    if (missed) s.missed++
    if (answered && l.answered_at! - l.rang_at <= slMs) s.within++
    if (ringEnd !== null) {
      s.ring_n++
      s.ring_ms += ringEnd - l.rang_at
      s.ring_max = Math.max(s.ring_max ?? 0, ringEnd - l.rang_at)
    }
    s.talk_ms += talkOf(l)
    if (!l.queue) {
      s.c_offered++
      if (answered) s.c_answered++
      if (missed) s.c_missed++
    }
  }
  for (const call of queueCalls.values()) {
    const first = call.reduce((a, b) => (b.rang_at < a.rang_at ? b : a))
    if (!inRange(first.rang_at)) continue
    const answeredLegs = call.filter((l) => l.answered_at !== null)
    const by = answeredLegs.length ? answeredLegs.reduce((a, b) => (b.answered_at! < a.answered_at! ? b : a)) : first
    const answeredAt = answeredLegs.length ? by.answered_at! : null
    const ongoing = call.some((l) => l.outcome === 'ongoing')
    const endedAt = call.reduce<number | null>((m, l) => (l.ended_at === null ? m : Math.max(m ?? 0, l.ended_at)), null)
    const ringEnd = answeredAt ?? (ongoing ? null : endedAt)
    const s = of(by.extension)
    s.q_offered++
    s.c_offered++
    if (answeredAt !== null) {
      s.q_answered++
      s.c_answered++
      if (answeredAt - first.rang_at <= slMs) s.q_within++
    } else if (!ongoing) {
      s.q_missed++
      s.c_missed++
    }
    if (ringEnd !== null) {
      s.q_ring_n++
      s.q_ring_ms += ringEnd - first.rang_at
      s.q_ring_max = Math.max(s.q_ring_max ?? 0, ringEnd - first.rang_at)
    }
    s.q_talk_ms += call.reduce((t, l) => t + talkOf(l), 0)
  }
  return out
}

/** The inbound legs that may count in [fromMs, toMs): an hour either side, for queue calls' other legs. */
export function legsAround(db: Kysely<Schema>, fromMs: number, toMs: number): Promise<Leg[]> {
  return db
    .selectFrom('call_records')
    .select(['unique_call_id', 'extension', 'queue', 'rang_at', 'answered_at', 'ended_at', 'outcome'])
    .where('direction', '=', 'in')
    .where('rang_at', '>=', fromMs - HOUR_MS)
    .where('rang_at', '<', toMs + HOUR_MS)
    .execute()
}

/** In a write's transaction: the hours of these calls (and the hour before, for a queue call's first ring) need recomputing. */
export async function markDirty(db: Kysely<Schema>, callIds: readonly string[]): Promise<void> {
  for (let i = 0; i < callIds.length; i += 500) {
    const ids = callIds.slice(i, i + 500)
    await db
      .insertInto('call_hours_dirty')
      .columns(['hour'])
      .expression(
        db
          .selectFrom('call_records')
          .select(sql<number>`rang_at / ${HOUR_LIT}`.as('hour'))
          .where('unique_call_id', 'in', ids)
          .union(
            db
              .selectFrom('call_records')
              .select(sql<number>`rang_at / ${HOUR_LIT} - 1`.as('hour'))
              .where('unique_call_id', 'in', ids)
              .where('queue', '=', 1),
          ),
      )
      .onConflict((oc) => oc.column('hour').doNothing())
      .execute()
  }
}

/** Recomputes every dirty hour; concurrent callers share one run. */
export function refresher(db: Kysely<Schema>, serviceLevelS: number): () => Promise<void> {
  let chain: Promise<void> = Promise.resolve()
  let queued: Promise<void> | null = null
  const slMs = serviceLevelS * 1000
  let checked = false
  async function run() {
    // Hours figured with another service level (the setting changed since) are figured again; once a process.
    if (!checked)
      await db
        .insertInto('call_hours_dirty')
        .columns(['hour'])
        .expression(db.selectFrom('call_hours').select('hour').distinct().where('sl_s', '<>', serviceLevelS))
        .onConflict((oc) => oc.column('hour').doNothing())
        .execute()
    checked = true
    const dirty = await db.selectFrom('call_hours_dirty').select('hour').execute()
    for (const { hour } of dirty) {
      const h = Number(hour)
      await db.transaction().execute(async (tx) => {
        // The mark goes first: a write committed after this read marks the hour again.
        await tx.deleteFrom('call_hours_dirty').where('hour', '=', h).execute()
        const stats = statsOf(
          await legsAround(tx, h * HOUR_MS, (h + 1) * HOUR_MS),
          h * HOUR_MS,
          (h + 1) * HOUR_MS,
          slMs,
        )
        const rows = [...stats].map(([extension, s]) => ({ hour: h, extension, sl_s: serviceLevelS, ...s }))
        // Rows are never taken away by a write (an extension's calls in an hour only change), so upserts do.
        for (let i = 0; i < rows.length; i += 200)
          await tx
            .insertInto('call_hours')
            .values(rows.slice(i, i + 200))
            .onConflict((oc) =>
              oc.columns(['hour', 'extension']).doUpdateSet((eb) => {
                const set: Record<string, unknown> = { sl_s: eb.ref('excluded.sl_s') }
                for (const k of Object.keys(empty())) set[k] = eb.ref(`excluded.${k}` as 'excluded.offered')
                return set
              }),
            )
            .execute()
      })
    }
  }
  // A caller during a run waits for the next one (which reads the marks afresh); callers waiting share it.
  return () =>
    (queued ??= chain =
      chain
        .catch(() => {})
        .then(() => {
          queued = null
          return run()
        }))
}

const SUMS = Object.keys(empty()).filter((k) => k !== 'ring_max' && k !== 'q_ring_max') as (keyof HourStats)[]

export function addStats(a: HourStats, b: HourStats): HourStats {
  const out = { ...a }
  for (const k of SUMS) (out[k] as number) = Number(a[k]) + Number(b[k])
  for (const k of ['ring_max', 'q_ring_max'] as const)
    out[k] =
      a[k] === null
        ? b[k] === null
          ? null
          : Number(b[k])
        : b[k] === null
          ? Number(a[k])
          : Math.max(Number(a[k]), Number(b[k]))
  return out
}

export interface Figured {
  byExt: Map<string, HourStats>
  byHour: Map<number, { offered: number; answered: number; missed: number }>
}

/** The figures of [fromMs, toMs) per extension and per hour: whole hours from call_hours, part hours from the calls. */
export async function figured(
  db: Kysely<Schema>,
  o: { exts: readonly string[] | 'all'; fromMs: number; toMs: number; slMs: number },
): Promise<Figured> {
  const out: Figured = { byExt: new Map(), byHour: new Map() }
  const want = (e: string) => o.exts === 'all' || o.exts.includes(e)
  const addHour = (h: number, s: { c_offered: number; c_answered: number; c_missed: number }) => {
    const r = out.byHour.get(h) ?? { offered: 0, answered: 0, missed: 0 }
    r.offered += Number(s.c_offered)
    r.answered += Number(s.c_answered)
    r.missed += Number(s.c_missed)
    out.byHour.set(h, r)
  }
  const addExt = (e: string, s: HourStats) => out.byExt.set(e, addStats(out.byExt.get(e) ?? empty(), s))
  const hFrom = Math.ceil(o.fromMs / HOUR_MS)
  const hTo = Math.floor(o.toMs / HOUR_MS)
  const edges: [number, number][] = []
  if (hFrom >= hTo) edges.push([o.fromMs, o.toMs])
  else {
    if (o.fromMs < hFrom * HOUR_MS) edges.push([o.fromMs, hFrom * HOUR_MS])
    if (hTo * HOUR_MS < o.toMs) edges.push([hTo * HOUR_MS, o.toMs])
    let perExt = db
      .selectFrom('call_hours')
      .where('hour', '>=', hFrom)
      .where('hour', '<', hTo)
      .select('extension')
      .select((eb) => [
        ...SUMS.map((k) => eb.fn.sum<number>(k).as(k)),
        eb.fn.max<number | null>('ring_max').as('ring_max'),
        eb.fn.max<number | null>('q_ring_max').as('q_ring_max'),
      ])
      .groupBy('extension')
    let perHour = db
      .selectFrom('call_hours')
      .where('hour', '>=', hFrom)
      .where('hour', '<', hTo)
      .select((eb) => [
        'hour',
        eb.fn.sum<number>('c_offered').as('c_offered'),
        eb.fn.sum<number>('c_answered').as('c_answered'),
        eb.fn.sum<number>('c_missed').as('c_missed'),
      ])
      .groupBy('hour')
    if (o.exts !== 'all') {
      perExt = perExt.where('extension', 'in', [...o.exts])
      perHour = perHour.where('extension', 'in', [...o.exts])
    }
    const [exts, hours] =
      o.exts !== 'all' && !o.exts.length ? [[], []] : await Promise.all([perExt.execute(), perHour.execute()])
    for (const r of exts) addExt(r.extension, r as unknown as HourStats)
    for (const r of hours) addHour(Number(r.hour), r)
  }
  for (const [a, b] of edges) {
    const stats = statsOf(await legsAround(db, a, b), a, b, o.slMs)
    for (const [e, s] of stats)
      if (want(e)) {
        addExt(e, s)
        addHour(Math.floor(a / HOUR_MS), s)
      }
  }
  return out
}
