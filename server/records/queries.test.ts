// @vitest-environment node
// Reports, figures, history, CSV, audit rows, retention and database sessions — on SQLite and PostgreSQL.
import { describe, expect, it } from 'vitest'
import { dbSessionStore } from '../auth/db-sessions.ts'
import type { RecordsConfig } from '../config.ts'
import { openDatabase } from '../db/database.ts'
import { KINDS, skipKind, testDatabases } from '../db/testing/databases.ts'
import type { LogEvent } from '../feed/event-log.ts'
import { recordEvents } from './call-records.ts'
import { csvField } from './csv.ts'
import { dayStart } from './days.ts'
import { createRecords } from './records.ts'

const TZ = 'Australia/Sydney'
const DAY = '2026-12-07'
const ev = (ext: string, id: string, status: string, more: Record<string, unknown> = {}): LogEvent => ({
  ext,
  ev: { CallData: { uniqueCallId: id, status, callerId: '0299990000', inbound: true, ...more } },
})
const config = (over: Partial<RecordsConfig> = {}): RecordsConfig => ({
  dataDir: '',
  databaseUrl: null,
  retentionDays: 90,
  auditRetentionDays: 365,
  serviceLevelS: 20,
  timeZone: TZ,
  ...over,
})
const text = async (it: AsyncIterable<string>) => {
  let s = ''
  for await (const part of it) s += part
  return s
}

describe.each(KINDS)('records queries on %s', (kind) => {
  const dbs = testDatabases()
  describe.skipIf(skipKind(kind))('', () => {
    const T0 = dayStart(DAY, TZ) + 9 * 3600_000 // 09:00 in Sydney
    const setup = async (now = T0 + 3 * 3600_000) => {
      const database = await dbs.open(kind)
      const records = createRecords(database, config(), { now: () => now, listed: ['400'] })
      const at = (s: number) => T0 + s * 1000
      // 410: two answered (5 s and 30 s ring), one missed; 420: one answered by a queue call also rung on 410.
      await recordEvents(database.db, [ev('410', 'c1', 'Ringing'), ev('410', 'c2', 'Ringing')], at(0))
      await recordEvents(database.db, [ev('410', 'c1', 'Connected')], at(5))
      await recordEvents(database.db, [ev('410', 'c2', 'Connected'), ev('410', 'c3', 'Ringing')], at(30))
      await recordEvents(database.db, [ev('410', 'c1', 'Hungup'), ev('410', 'c2', 'Hungup')], at(90))
      await recordEvents(database.db, [ev('410', 'c3', 'Hungup')], at(42))
      const q = { isQueueCall: true }
      await recordEvents(database.db, [ev('410', 'q1', 'Ringing', q), ev('420', 'q1', 'Ringing', q)], at(3600))
      await recordEvents(database.db, [ev('420', 'q1', 'Connected', q), ev('410', 'q1', 'Hungup', q)], at(3610))
      await recordEvents(database.db, [ev('420', 'q1', 'Hungup', q)], at(3670))
      // Another day, and an outbound call: in no report of today's inbound figures.
      await recordEvents(database.db, [ev('410', 'old', 'Ringing')], T0 - 86_400_000)
      await recordEvents(database.db, [ev('400', 'out', 'Dialing Out', { inbound: false })], at(50))
      return { database, records }
    }

    it('a day’s report: per extension, the queue call once, service level, rings, talk, per hour', async () => {
      const { records } = await setup()
      const r = await records.report(['400', '410', '420'], DAY, DAY)
      expect(r).toMatchObject({ from: DAY, to: DAY, timeZone: TZ, serviceLevelS: 20 })
      const by = Object.fromEntries(r.rows.map((row) => [row.extension, row]))
      expect(by['410']).toEqual({
        extension: '410',
        offered: 4,
        answered: 2,
        missed: 2,
        answerRate: 0.5,
        serviceLevel: 0.25,
        avgRingS: 14.3, // (5 + 30 + 12 + 10) / 4, to a tenth of a second
        maxRingS: 30,
        talkS: 85 + 60,
      })
      expect(by['420']).toMatchObject({ offered: 1, answered: 1, missed: 0, serviceLevel: 1, talkS: 60 })
      expect(by['400']).toMatchObject({ offered: 0, answered: 0, answerRate: null, avgRingS: null, talkS: 0 })
      expect(r.queue).toMatchObject({ offered: 1, answered: 1, missed: 0, maxRingS: 10, talkS: 60 })
      expect(r.hourly).toEqual([
        { hour: new Date(T0).toISOString(), offered: 3, answered: 2, missed: 1 },
        { hour: new Date(T0 + 3600_000).toISOString(), offered: 1, answered: 1, missed: 0 },
      ])
      // Only the extensions asked for; the day before holds the one old call.
      expect((await records.report(['420'], DAY, DAY)).rows.map((x) => x.extension)).toEqual(['420'])
      expect((await records.report('all', '2026-12-06', '2026-12-06')).rows).toEqual([
        expect.objectContaining({ extension: '400', offered: 0 }),
        expect.objectContaining({ extension: '410', offered: 1, missed: 0 }),
      ])
    })

    it('figures follow later writes to an hour already figured; a half-hour zone’s day edges come from the calls', async () => {
      const { database, records } = await setup()
      expect((await records.report(['410'], DAY, DAY)).rows[0].offered).toBe(4)
      await recordEvents(database.db, [ev('410', 'c4', 'Ringing')], T0 + 100_000)
      await recordEvents(database.db, [ev('410', 'c4', 'Hungup'), ev('410', 'c1', 'Hungup')], T0 + 110_000)
      expect((await records.report(['410'], DAY, DAY)).rows[0]).toMatchObject({ offered: 5, answered: 2, missed: 3 })
      // Adelaide is UTC+10:30: its day starts and ends half-way through a UTC hour.
      const adelaide = createRecords(database, config({ timeZone: 'Australia/Adelaide' }))
      const r = await adelaide.report(['410', '420'], DAY, DAY)
      expect(r.rows.map((x) => [x.extension, x.offered, x.answered, x.missed])).toEqual([
        ['410', 5, 2, 3],
        ['420', 1, 1, 0],
      ])
      expect(r.queue).toMatchObject({ offered: 1, answered: 1 })
      expect(r.hourly.reduce((n, h) => n + h.offered, 0)).toBe(5)
      await adelaide.close()
    })

    it('today’s figures, in the server’s time zone', async () => {
      const { records } = await setup()
      expect(await records.figuresToday(['410', '420', '430'])).toEqual({
        date: DAY,
        figures: { '410': { answered: 2, missed: 2 }, '420': { answered: 1, missed: 0 } },
      })
      expect((await records.figuresToday([])).figures).toEqual({})
    })

    it('history: only the extensions asked for, newest first, at most `limit`', async () => {
      const { records } = await setup()
      const h = await records.history(['420'], 50)
      expect(h.map((c) => [c.uniqueCallId, c.extension, c.outcome])).toEqual([['q1', '420', 'answered']])
      expect((await records.history(['410', '420'], 2)).map((c) => c.uniqueCallId)).toEqual(['q1', 'q1'])
      expect(await records.history([], 50)).toEqual([])
    })

    it('CSV: a header line, one line per call, every page read, formulas neutralised', async () => {
      const { database, records } = await setup()
      await recordEvents(database.db, [ev('430', 'evil', 'Ringing', { callerId: '=HYPERLINK("http://x")' })], T0 + 1)
      const csv = await text(records.csv('all', DAY, DAY))
      const lines = csv.split('\r\n').filter(Boolean)
      expect(lines[0]).toBe(
        '"uniqueCallId","extension","direction","caller","queue","clickToDial","rangAt","answeredAt","endedAt","outcome","answeredBy","ringS","talkS"',
      )
      expect(lines).toHaveLength(1 + 7)
      expect(lines.find((l) => l.startsWith('"evil"'))).toContain(`"'=HYPERLINK(""http://x"")"`)
      expect(lines.find((l) => l.startsWith('"c1"'))).toContain('"410","in","0299990000","false","false"')
      // More calls than a page: each once, in order.
      const many = Array.from({ length: 45 }, (_, i) => ev('440', `p${String(i).padStart(2, '0')}`, 'Ringing'))
      await recordEvents(database.db, many, T0 + 7200_000)
      const { callsBetween } = await import('./queries.ts')
      const ids: string[] = []
      for await (const c of callsBetween(database.db, ['440'], T0, T0 + 86_400_000, 10)) ids.push(c.uniqueCallId)
      expect(ids).toEqual(many.map((e) => e.ev.CallData.uniqueCallId))
    })

    it('answered_by from a successful answer, and audit rows', async () => {
      const { database, records } = await setup()
      await records.audit({
        at: T0,
        user: 'bob',
        address: '10.0.0.9',
        action: 'answer',
        what: 'ext 420, call q1',
        outcome: 'ok',
        code: 0,
        uniqueCallId: 'q1',
        extension: '420',
      })
      await records.audit({
        at: T0,
        user: 'eve',
        address: '10.0.0.8',
        action: 'answer',
        what: 'ext 410, call c3',
        outcome: 'refused',
        uniqueCallId: 'c3',
        extension: '410',
      })
      expect((await records.history(['420'], 1))[0].answeredBy).toBe('bob')
      expect((await records.history(['410'], 50)).every((c) => c.answeredBy === null)).toBe(true)
      const audit = await database.db
        .selectFrom('audit_log')
        .select(['user_name', 'action', 'outcome', 'code', 'address'])
        .orderBy('user_name')
        .execute()
      expect(audit).toEqual([
        { user_name: 'bob', action: 'answer', outcome: 'ok', code: 0, address: '10.0.0.9' },
        { user_name: 'eve', action: 'answer', outcome: 'refused', code: null, address: '10.0.0.8' },
      ])
    })

    it('retention: calls past SWITCHBOARD_RETENTION_DAYS and audit rows past their own setting go', async () => {
      const database = await dbs.open(kind)
      const now = T0
      const records = createRecords(database, config({ retentionDays: 30, auditRetentionDays: 60 }), { now: () => now })
      const daysAgo = (d: number) => now - d * 86_400_000
      await recordEvents(database.db, [ev('410', 'new', 'Ringing')], daysAgo(29))
      await recordEvents(database.db, [ev('410', 'old', 'Ringing')], daysAgo(31))
      for (const [id, d] of [
        ['a29', 29],
        ['a59', 59],
        ['a61', 61],
      ] as const)
        await records.audit({ at: daysAgo(d), user: id, address: '::1', action: 'dial', what: '', outcome: 'ok' })
      expect(await records.purge()).toEqual({ calls: 1, audit: 1, sessions: 0 })
      expect((await records.history('all', 10)).map((c) => c.uniqueCallId)).toEqual(['new'])
      expect(
        (await database.db.selectFrom('audit_log').select('user_name').orderBy('user_name').execute()).map(
          (r) => r.user_name,
        ),
      ).toEqual(['a29', 'a59'])
    })

    it('sessions in the database outlive a restart; counters, take-once and expiry work', async () => {
      const opts = await dbs.options(kind)
      let now = T0
      const first = dbs.track(await openDatabase(opts))
      const store = dbSessionStore(first.db, () => now)
      await store.set('session:abc', { name: 'alice', mode: 'accounts' }, 60_000)
      expect(await store.hit('fail:ip:1', 1000)).toEqual({ count: 1, resetMs: 1000 })
      expect(await store.hit('fail:ip:1', 1000)).toEqual({ count: 2, resetMs: 1000 })
      await store.set('oidc:x', { state: 's' }, 60_000)
      expect(await store.take('oidc:x')).toEqual({ state: 's' })
      expect(await store.take('oidc:x')).toBeUndefined()
      await store.close()
      await first.close()
      // The server starts again on the same data.
      const second = dbs.track(await openDatabase(opts))
      const again = dbSessionStore(second.db, () => now)
      expect(await again.get('session:abc')).toEqual({ name: 'alice', mode: 'accounts' })
      expect(await again.peek('fail:ip:1')).toEqual({ count: 2, resetMs: 1000 })
      now += 1000
      expect(await again.peek('fail:ip:1')).toEqual({ count: 0, resetMs: 0 })
      expect(await again.hit('fail:ip:1', 1000)).toEqual({ count: 1, resetMs: 1000 })
      now += 60_000
      expect(await again.get('session:abc')).toBeUndefined()
      await again.delete('fail:ip:1')
      await again.close()
    })
  })
})

describe('CSV fields', () => {
  it.each([
    ['plain', '"plain"'],
    ['=1+1', `"'=1+1"`],
    ['+61299990000', `"'+61299990000"`],
    ['-2', `"'-2"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tx', `"'\tx"`],
    ['\rx', `"'\rx"`],
    ['say "hi", ok\r\nnext', '"say ""hi"", ok\r\nnext"'],
    [null, '""'],
    [12.5, '"12.5"'],
  ])('%j → %s', (v, out) => expect(csvField(v)).toBe(out))
})
