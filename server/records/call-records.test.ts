// @vitest-environment node
// Record-keeping against the fault suite's event sequences (restart, snapshot diff, replay, fail-over):
// one row per call and extension, the right outcome and times — on SQLite and on PostgreSQL.
import { describe, expect, it } from 'vitest'
import type { Database } from '../db/database.ts'
import { migrate } from '../db/database.ts'
import { KINDS, skipKind, testDatabases } from '../db/testing/databases.ts'
import type { LogEvent } from '../feed/event-log.ts'
import { diffSnapshot } from '../feed/upstream.ts'
import { recordEvents } from './call-records.ts'
import { history } from './queries.ts'

const T0 = Date.UTC(2026, 11, 7, 9, 0, 0)
const ev = (ext: string, id: string, status: string, more: Record<string, unknown> = {}): LogEvent => ({
  ext,
  ev: {
    CallData: { uniqueCallId: id, status, callerId: '0299990000', inbound: true, isQueueCall: false, ...more },
  },
})
const rows = (d: Database) =>
  d.db.selectFrom('call_records').selectAll().orderBy('unique_call_id').orderBy('extension').execute()

describe.each(KINDS)('call records on %s', (kind) => {
  const dbs = testDatabases()
  describe.skipIf(skipKind(kind))('', () => {
    it('migrations: the tables are there, and running them again changes nothing', async () => {
      const d = await dbs.open(kind)
      expect(await migrate(d.db)).toEqual([])
      const tables = (await d.db.introspection.getTables()).map((t) => t.name).sort()
      expect(tables).toEqual(expect.arrayContaining(['audit_log', 'call_records', 'sessions']))
    })

    it('answered, missed, busy, no answer, outbound: one row each with its outcome and times', async () => {
      const d = await dbs.open(kind)
      await recordEvents(d.db, [ev('410', 'a', 'Ringing'), ev('410', 'm', 'Ringing'), ev('410', 'b', 'Ringing')], T0)
      await recordEvents(d.db, [ev('410', 'a', 'Connected'), ev('410', 'b', 'Busy')], T0 + 4000)
      await recordEvents(d.db, [ev('410', 'm', 'Hungup'), ev('420', 'n', 'No Answer')], T0 + 9000)
      await recordEvents(
        d.db,
        [ev('400', 'o', 'Dialing Out', { inbound: false, isClickToDialCall: true, callerId: '=1+2' })],
        T0 + 9500,
      )
      await recordEvents(d.db, [ev('410', 'a', 'Hungup'), ev('400', 'o', 'Hungup', { inbound: false })], T0 + 64_000)
      const calls = await history(d.db, 'all', 50)
      const by = Object.fromEntries(calls.map((c) => [c.uniqueCallId, c]))
      expect(by.a).toMatchObject({
        extension: '410',
        direction: 'in',
        caller: '0299990000',
        outcome: 'answered',
        rangAt: new Date(T0).toISOString(),
        answeredAt: new Date(T0 + 4000).toISOString(),
        endedAt: new Date(T0 + 64_000).toISOString(),
        ringS: 4,
        talkS: 60,
        answeredBy: null,
        queue: false,
      })
      expect(by.m).toMatchObject({ outcome: 'missed', ringS: 9, talkS: null, answeredAt: null })
      expect(by.b).toMatchObject({ outcome: 'busy', ringS: 4 })
      expect(by.n).toMatchObject({ outcome: 'no-answer', extension: '420' })
      expect(by.o).toMatchObject({ direction: 'out', clickToDial: true, outcome: 'no-answer', caller: '=1+2' })
      // Newest first.
      expect(calls.map((c) => c.uniqueCallId)).toEqual(['o', 'n', 'm', 'b', 'a'])
    })

    it('a replay (the same batches again, later) changes nothing', async () => {
      const d = await dbs.open(kind)
      const batches: [LogEvent[], number][] = [
        [[ev('410', 'a', 'Ringing'), ev('420', 'a', 'Ringing', { isQueueCall: true })], T0],
        [[ev('410', 'a', 'Connected'), ev('420', 'a', 'Hungup', { isQueueCall: true })], T0 + 3000],
        [[ev('410', 'a', 'Hungup')], T0 + 30_000],
      ]
      for (const [b, at] of batches) await recordEvents(d.db, b, at)
      const once = await rows(d)
      for (const [b, at] of batches) await recordEvents(d.db, b, at + 3_600_000)
      // A whole reply's worth twice in one batch, as a duplicated PBX reply would be.
      await recordEvents(d.db, [...batches[1][0], ...batches[1][0]], T0 + 7_200_000)
      expect(await rows(d)).toEqual(once)
      expect(once.map((r) => [r.extension, r.outcome])).toEqual([
        ['410', 'answered'],
        ['420', 'missed'],
      ])
    })

    it('fail-over: a new leader writes the last batch again, later, then goes on — one row, first times kept', async () => {
      const d = await dbs.open(kind)
      await recordEvents(d.db, [ev('410', 'f', 'Ringing')], T0)
      await recordEvents(d.db, [ev('410', 'f', 'Connected')], T0 + 2000) // recorded; the leader dies before appending
      await recordEvents(d.db, [ev('410', 'f', 'Connected')], T0 + 5000) // the new leader polls it again
      await recordEvents(d.db, [ev('410', 'f', 'Hungup')], T0 + 12_000)
      const [r] = await history(d.db, 'all', 10)
      expect(r).toMatchObject({ outcome: 'answered', ringS: 2, talkS: 10 })
      expect(await rows(d)).toHaveLength(1)
    })

    it('snapshot diff: a call gone from the PBX snapshot ends with the Hungup the diff writes', async () => {
      const d = await dbs.open(kind)
      await recordEvents(d.db, [ev('410', 's', 'Ringing'), ev('410', 't', 'Ringing')], T0)
      const state = new Map<string, Map<string, { ev: LogEvent['ev'] }>>([
        [
          '410',
          new Map([
            ['s', { ev: ev('410', 's', 'Ringing').ev }],
            ['t', { ev: ev('410', 't', 'Ringing').ev }],
          ]),
        ],
      ])
      // The PBX's snapshot after an outage: `t` was answered meanwhile, `s` is gone.
      const diff = diffSnapshot(['410'], [ev('410', 't', 'Connected')], (e) => state.get(e))
      await recordEvents(d.db, diff, T0 + 8000)
      const by = Object.fromEntries((await history(d.db, 'all', 10)).map((c) => [c.uniqueCallId, c]))
      expect(by.s).toMatchObject({ outcome: 'missed', endedAt: new Date(T0 + 8000).toISOString() })
      expect(by.t).toMatchObject({ outcome: 'ongoing', answeredAt: new Date(T0 + 8000).toISOString() })
    })

    it('restart: a new log’s state ends the calls it no longer holds on its extensions, keeps the others', async () => {
      const d = await dbs.open(kind)
      await recordEvents(d.db, [ev('410', 'x', 'Ringing'), ev('420', 'y', 'Ringing'), ev('430', 'z', 'Ringing')], T0)
      await recordEvents(d.db, [ev('420', 'y', 'Connected')], T0 + 1000)
      // The server (or the PBX) restarted: the new log's state holds only `x`; 430 is not on the list.
      await recordEvents(d.db, [ev('410', 'x', 'Ringing')], T0 + 20_000, ['410', '420'])
      const by = Object.fromEntries((await history(d.db, 'all', 10)).map((c) => [c.uniqueCallId, c]))
      expect(by.x).toMatchObject({ outcome: 'ongoing', rangAt: new Date(T0).toISOString() })
      expect(by.y).toMatchObject({ outcome: 'answered', endedAt: new Date(T0 + 20_000).toISOString(), talkS: 19 })
      expect(by.z).toMatchObject({ outcome: 'ongoing' })
    })

    it('bad events (no call id, odd statuses, huge fields) are skipped or kept short, never a failure', async () => {
      const d = await dbs.open(kind)
      const bad = { ext: '410', ev: { CallData: { status: 'Ringing' } } } as unknown as LogEvent
      await recordEvents(
        d.db,
        [bad, ev('410', 'w', 'Parked', { callerId: 'x'.repeat(5000) }), ev('410', 'w', 'Unlinked')],
        T0,
      )
      const all = await rows(d)
      expect(all).toHaveLength(1)
      expect(all[0]).toMatchObject({ outcome: 'ongoing', ended_at: null })
      expect(all[0].caller.length).toBeLessThanOrEqual(80)
    })
  })
})
