// `npm run bench:server` (its records part; alone: `node bench/records.mjs [--quick]`), issue 24: a 30-day
// report over 100 extensions and 1.5 million calls on SQLite and PostgreSQL (seeded here, in SQL), and what
// recording costs the live feed (one hub in this process against the simulator model, 1,000 events a second,
// one browser's held poll: ring → reply, with and without records). Writes bench/records-results.md.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { format } from 'prettier'
import { PbxSimulator } from '../sim/pbx-simulator.ts'
import { openDatabase, type Database } from '../server/db/database.ts'
import { startPostgres } from '../server/db/testing/postgres-server.ts'
import { createFeedHub } from '../server/feed/feed-hub.ts'
import { quietLogger } from '../server/feed/testing/helpers.ts'
import { simCallPbx } from '../server/feed/testing/sim-pbx.ts'
import { createRecords, type Records } from '../server/records/records.ts'

const quick = process.argv.includes('--quick')
const CALLS = quick ? 150_000 : 1_500_000
const EXTS = Array.from({ length: 100 }, (_, i) => String(2000 + i))
const FEED_S = quick ? 5 : 20
const DAY = 86_400_000
const TZ = 'UTC'
const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN
}
const r1 = (n: number) => Math.round(n * 10) / 10
const config = {
  dataDir: '',
  databaseUrl: null,
  retentionDays: 90,
  auditRetentionDays: 365,
  serviceLevelS: 20,
  timeZone: TZ,
}

// Days 2026-11-01 .. 2026-11-30 (UTC): call i rings at an even spread over them, on extension 2000 + i % 100;
// 30 % are queue calls (two legs share an id), 80 % answered (ring 0–39 s, talk 0–299 s), the rest missed.
const FROM = Date.UTC(2026, 10, 1)
const SPAN = 30 * DAY
async function seed(d: Database): Promise<number> {
  const t = performance.now()
  const body = (i: string) => `
    select case when ${i} % 10 < 3 then 'q' || (${i} / 2) else 'b' || ${i} end,
      cast(2000 + ${i} % 100 as text), 'in', '02' || ${i}, case when ${i} % 10 < 3 then 1 else 0 end, 0,
      ${FROM} + ${i} * ${Math.floor(SPAN / CALLS)},
      case when (${i} * 7) % 10 < 8 then ${FROM} + ${i} * ${Math.floor(SPAN / CALLS)} + ((${i} * 13) % 40) * 1000 end,
      ${FROM} + ${i} * ${Math.floor(SPAN / CALLS)} + case when (${i} * 7) % 10 < 8
        then ((${i} * 13) % 40) * 1000 + ((${i} * 17) % 300) * 1000 else ((${i} * 11) % 60) * 1000 end,
      case when (${i} * 7) % 10 < 8 then 'answered' else 'missed' end, null`
  const cols =
    'insert into call_records (unique_call_id, extension, direction, caller, queue, click_to_dial, rang_at, answered_at, ended_at, outcome, answered_by)'
  // In slices: one statement stays well inside the server's 30 s statement timeout on a busy machine.
  const SLICE = 100_000
  for (let a = 0; a < CALLS; a += SLICE) {
    const b = Math.min(CALLS, a + SLICE) - 1
    if (d.kind === 'postgres')
      await sql.raw(`${cols} ${body('i')} from generate_series(${a}::bigint, ${b}) as i`).execute(d.db)
    else
      await sql
        .raw(
          `${cols} with recursive s(i) as (select ${a} union all select i + 1 from s where i < ${b}) ${body('i')} from s`,
        )
        .execute(d.db)
  }
  await sql.raw(d.kind === 'postgres' ? 'vacuum analyze call_records' : 'analyze').execute(d.db)
  return performance.now() - t
}

/** Calls written in bulk (not through recordEvents): every hour figured from scratch, as a first report would. */
async function rollup(d: Database, records: Records): Promise<number> {
  const t = performance.now()
  await sql
    .raw(
      `insert into call_hours_dirty (hour) select distinct rang_at / 3600000 from call_records where true on conflict do nothing`,
    )
    .execute(d.db)
  await records.report([], '2026-11-01', '2026-11-01')
  return performance.now() - t
}

async function timed<T>(
  f: () => Promise<T>,
  runs = 5,
): Promise<{ median: number; min: number; max: number; cpu: number; value: T }> {
  let value = await f() // warm-up
  const ms: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    const c = process.cpuUsage()
    value = await f()
    const u = process.cpuUsage(c)
    ms.push(performance.now() - t)
    cpu.push((u.user + u.system) / 1000)
  }
  return { median: q(ms, 0.5), min: Math.min(...ms), max: Math.max(...ms), cpu: q(cpu, 0.5), value }
}

async function indexes(d: Database): Promise<string[]> {
  if (d.kind === 'postgres') {
    const { rows } = await sql<{
      indexdef: string
    }>`select indexdef from pg_indexes where tablename = 'call_records' order by indexname`.execute(d.db)
    return rows.map((r) => r.indexdef)
  }
  const { rows } = await sql<{
    sql: string | null
    name: string
  }>`select name, sql from sqlite_master where type = 'index' and tbl_name = 'call_records' order by name`.execute(d.db)
  return rows.map((r) => r.sql ?? `${r.name} (the primary key)`)
}

async function reportBench(d: Database) {
  const seeded = await seed(d)
  const records = createRecords(d, config, { now: () => FROM + SPAN - 3600_000 })
  const rolled = await rollup(d, records)
  const report = await timed(() => records.report(EXTS, '2026-11-01', '2026-11-30'))
  const day = await timed(() => records.report(EXTS, '2026-11-30', '2026-11-30'))
  const figures = await timed(() => records.figuresToday(EXTS))
  const history = await timed(() => records.history(EXTS.slice(0, 1), 50))
  const total = report.value.rows.reduce((s, r) => s + r.offered, 0)
  return {
    seeded,
    rolled,
    report,
    day,
    figures,
    history,
    total,
    queue: report.value.queue.offered,
    idx: await indexes(d),
  }
}

/** One hub, the simulator model as its PBX, 1,000 events a second; one browser's held poll times ring → reply. */
async function feedBench(record?: Records) {
  const sim = new PbxSimulator({ answerDelayMs: 10 })
  const writes: number[] = []
  const lag: number[] = []
  const rangAt = new Map<string, number>()
  const hub = createFeedHub({
    callPbx: simCallPbx(sim),
    extensions: EXTS,
    logger: quietLogger(),
    ...(record
      ? {
          record: async (events, snapshotOf) => {
            const t = performance.now()
            await record.recordEvents(events, snapshotOf)
            const done = performance.now()
            writes.push(done - t)
            for (const e of events) {
              const at = e.ev.CallData.status === 'Ringing' ? rangAt.get(e.ev.CallData.uniqueCallId) : undefined
              if (at !== undefined) lag.push(done - at)
            }
          },
        }
      : {}),
  })
  while (!hub.ready()) await new Promise((r) => setTimeout(r, 20))
  const seen: number[] = []
  let stop = false
  const browser = (async () => {
    let cursor = 0
    while (!stop) {
      const r = await hub.poll({ exts: EXTS, cursor, timeoutSec: cursor ? 5 : 0, signal: new AbortController().signal })
      const now = performance.now()
      const body = JSON.parse(r.body as string) as {
        Data: Record<string, { CallData: { uniqueCallId: string; status: string } }[]>
        seq: number
      }
      cursor = body.seq
      for (const evs of Object.values(body.Data))
        for (const e of evs) {
          const at = e.CallData.status === 'Ringing' ? rangAt.get(e.CallData.uniqueCallId) : undefined
          if (at !== undefined) seen.push(now - at)
        }
    }
  })()
  // 1,000 events a second: every 10 ms, 5 calls ring and the 5 rung 50 ms earlier hang up.
  const start = performance.now()
  let n = 0
  const live: string[][] = []
  while (performance.now() - start < FEED_S * 1000) {
    const tick: string[] = []
    for (let i = 0; i < 5; i++) {
      const id = sim.ring({ ext: EXTS[n++ % EXTS.length] })
      rangAt.set(id, performance.now())
      tick.push(id)
    }
    live.push(tick)
    if (live.length > 5) for (const id of live.shift()!) sim.setStatus(id, 'Hungup')
    await new Promise((r) => setTimeout(r, 10))
  }
  for (const tick of live) for (const id of tick) sim.setStatus(id, 'Hungup')
  await new Promise((r) => setTimeout(r, 500))
  stop = true
  await hub.close()
  await browser
  const events = n * 2
  return { events, perS: events / FEED_S, p50: q(seen, 0.5), p95: q(seen, 0.95), writes, lag }
}

const pg = await startPostgres()
// A failure still stops the cluster (it would outlive this process).
process.on('uncaughtException', (e) => void pg.stop().finally(() => (console.error(e), process.exit(1))))
process.on('unhandledRejection', (e) => void pg.stop().finally(() => (console.error(e), process.exit(1))))
const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-records-bench-'))
const rss0 = process.memoryUsage().rss
const lite = await openDatabase({ dataDir: dir, databaseUrl: null })
const post = await openDatabase({ dataDir: '', databaseUrl: await pg.freshDatabase() })
const rows: string[] = []
const idx: string[] = []
// --feed: only the live feed's part (the report part seeds 1.5 million calls twice: minutes).
const feedOnly = process.argv.includes('--feed')
for (const d of feedOnly ? [] : [lite, post]) {
  process.stdout.write(`records bench: seeding ${CALLS} calls on ${d.kind}…\n`)
  const b = await reportBench(d)
  const f = (t: { median: number; min: number; max: number; cpu: number }) =>
    `${r1(t.median)} (${r1(t.min)}–${r1(t.max)}; cpu ${r1(t.cpu)})`
  rows.push(
    `| ${d.kind} | ${CALLS.toLocaleString('en')} (${b.total.toLocaleString('en')} in range, ${b.queue.toLocaleString('en')} queue calls) | ${r1(b.seeded / 1000)} s | ${r1(b.rolled / 1000)} s | ${f(b.report)} | ${f(b.day)} | ${f(b.figures)} | ${f(b.history)} |`,
  )
  idx.push(`- ${d.kind}: ${b.idx.map((s) => `\`${s.replace(/\s+/g, ' ')}\``).join('; ')}`)
}
const rssSqlite = process.memoryUsage().rss - rss0

process.stdout.write('records bench: the live feed without records, with SQLite, with PostgreSQL…\n')
const feedRows: string[] = []
const fresh = async (kind: 'sqlite' | 'postgres') =>
  kind === 'sqlite'
    ? openDatabase({ dataDir: mkdtempSync(path.join(dir, 'feed-')), databaseUrl: null })
    : openDatabase({ dataDir: '', databaseUrl: await pg.freshDatabase() })
const base: number[] = []
for (const mode of ['none', 'sqlite', 'none', 'postgres', 'none', 'sqlite', 'postgres'] as const) {
  const d = mode === 'none' ? null : await fresh(mode)
  const rec = d ? createRecords(d, config) : undefined
  const r = await feedBench(rec)
  await rec?.close()
  if (mode === 'none') base.push(r.p95)
  const ratio = mode === 'none' ? '' : `${r1((r.p95 / q(base, 0.5)) * 100) / 100}×`
  feedRows.push(
    `| ${mode} | ${Math.round(r.perS)} | ${r1(r.p50)} | ${r1(r.p95)} | ${ratio} | ${r.writes.length ? `${r1(q(r.writes, 0.5))} / ${r1(q(r.writes, 0.95))}` : ''} | ${r.lag.length ? r1(q(r.lag, 0.95)) : ''} |`,
  )
}
await lite.close()
await post.close()
await pg.stop()
rmSync(dir, { recursive: true, force: true })

const md = `# Records benchmark (issue 24)

\`node bench/records.mjs${quick ? ' --quick' : ''}\` (also run by \`npm run bench:server\`), ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${os.cpus().length} cores, load ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(' ')} (a shared machine: medians, and ratios between runs side by side).

## Reports

A 30-day report over 100 extensions (\`GET /api/reports?from=2026-11-01&to=2026-11-30\`: per extension, the queue row, calls per hour), one day's, today's figures, an agent's last 50 calls; ms wall, median of 5 after a warm-up (min–max; and this process's CPU ms, median — for SQLite the whole query, for PostgreSQL only the client's share, the rest is in the server process). Seeded in SQL: 30 % queue legs (two share a call id), 80 % answered; then every hour figured from the calls (call_hours: what the writes keep up to date as they go, done here in one pass — "hours figured").

| database | calls | seed | hours figured | 30-day report | 1-day report | today's figures | history (50) |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Indexes (server/db/migrations.ts):

${idx.join('\n')}

This process grew ${Math.round(rssSqlite / 1e6)} MB while seeding and reporting on both (SQLite's pages are in this process).

## What recording costs the live feed

One hub in this process, the simulator model as its PBX (100 extensions, a reply at most every 100 ms), 1,000 events a second for ${FEED_S} s (5 calls ring and 5 hang up every 10 ms); one browser's held poll: ring → the reply holding it, ms. Records are written before each reply's events are appended (a killed leader's successor polls them again), so their write time is on this path. "Write" is one reply's batch in one transaction (p50 / p95 ms); "in the database" is ring → its row committed (p95 ms). Runs interleaved: none, SQLite, none, PostgreSQL, none, SQLite, PostgreSQL; the ratio is to the median of the runs without records.

| records | events/s | ring → browser p50 | p95 | p95 ratio | write p50 / p95 | in the database p95 |
| --- | --- | --- | --- | --- | --- | --- |
${feedRows.join('\n')}
`
writeFileSync(
  new URL(quick ? './out/records-results.md' : './records-results.md', import.meta.url),
  await format(md, { parser: 'markdown', printWidth: 120, singleQuote: true, semi: false }),
)
process.stdout.write(md)
process.exit(0)
