// @vitest-environment node
// The feed hub (one process) against the simulator, recording into each database: calls as rung, a PBX
// restart, and a server restart while a call ended — one row per call and extension, the right outcome.
import { afterEach, describe, expect, it } from 'vitest'
import { PbxSimulator } from '../../sim/pbx-simulator.ts'
import { testConfig } from '../test-helpers.ts'
import type { Database } from '../db/database.ts'
import { KINDS, skipKind, testDatabases } from '../db/testing/databases.ts'
import { createFeedHub, type FeedHubInternals } from '../feed/feed-hub.ts'
import { quietLogger } from '../feed/testing/helpers.ts'
import { simCallPbx } from '../feed/testing/sim-pbx.ts'
import { createRecords } from './records.ts'

const EXTS = ['400', '410', '420']
let hubs: FeedHubInternals[] = []
afterEach(async () => {
  await Promise.all(hubs.map((h) => h.close()))
  hubs = []
})

function hubOn(sim: PbxSimulator, database: Database) {
  const records = createRecords(database, testConfig().records)
  const hub = createFeedHub({
    callPbx: simCallPbx(sim),
    extensions: EXTS,
    logger: quietLogger(),
    record: (events, snapshotOf) => records.recordEvents(events, snapshotOf),
  })
  hubs.push(hub)
  return { hub, records }
}
const outcomes = async (database: Database) =>
  Object.fromEntries(
    (await database.db.selectFrom('call_records').select(['unique_call_id', 'extension', 'outcome']).execute()).map(
      (r) => [`${r.unique_call_id}@${r.extension}`, r.outcome],
    ),
  )

describe.each(KINDS)('the feed records calls on %s', (kind) => {
  const dbs = testDatabases()
  describe.skipIf(skipKind(kind))('', () => {
    it('as rung: answered, missed, a queue call on two extensions, an internal call', { timeout: 20_000 }, async () => {
      const sim = new PbxSimulator({ answerDelayMs: 10 })
      const database = await dbs.open(kind)
      const { hub } = hubOn(sim, database)
      await expect.poll(() => hub.ready()).toBe(true)
      const a = sim.ring({ ext: '410', callerId: '0291' })
      const m = sim.ring({ ext: '410', callerId: '0292' })
      const q = sim.ring({ ext: '410', queue: true })
      sim.ring({ ext: '420', uniqueCallId: q, queue: true })
      const i = sim.ring({ ext: '420', fromExt: '400' })
      await expect.poll(() => hub.call(i)).toBeDefined()
      sim.connect(a, '410')
      sim.setStatus(q, 'Hungup', '410') // the queue moves on to 420, which answers
      sim.connect(q, '420')
      await expect.poll(() => hub.call(a)?.legs.get('410')).toBe('Connected')
      for (const id of [a, m, q, i]) sim.setStatus(id, 'Hungup')
      await expect
        .poll(() => outcomes(database))
        .toEqual({
          [`${a}@410`]: 'answered',
          [`${m}@410`]: 'missed',
          [`${q}@410`]: 'missed',
          [`${q}@420`]: 'answered',
          [`${i}@420`]: 'missed',
          [`${i}@400`]: 'no-answer',
        })
    })

    it(
      'a PBX restart: the calls it forgot end; a server restart: a call that ended meanwhile ends',
      { timeout: 20_000 },
      async () => {
        const sim = new PbxSimulator({ answerDelayMs: 10 })
        const database = await dbs.open(kind)
        const first = hubOn(sim, database)
        await expect.poll(() => first.hub.ready()).toBe(true)
        const lost = sim.ring({ ext: '400' })
        await expect.poll(() => outcomes(database)).toEqual({ [`${lost}@400`]: 'ongoing' })
        sim.restart()
        await expect.poll(() => outcomes(database)).toEqual({ [`${lost}@400`]: 'missed' })

        const during = sim.ring({ ext: '410' })
        const stays = sim.ring({ ext: '420' })
        await expect.poll(async () => (await outcomes(database))[`${stays}@420`]).toBe('ongoing')
        await first.hub.close()
        sim.setStatus(during, 'Hungup') // while no server listens
        const second = hubOn(sim, database)
        await expect.poll(() => second.hub.ready()).toBe(true)
        await expect
          .poll(() => outcomes(database))
          .toEqual({
            [`${lost}@400`]: 'missed',
            [`${during}@410`]: 'missed',
            [`${stays}@420`]: 'ongoing',
          })
      },
    )
  })
})
