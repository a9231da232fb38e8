// @vitest-environment node
// Two server processes on one Redis and one PBX (the simulator over HTTP): the leader is killed with
// SIGKILL while calls come and go; the other takes over within seconds, every event in the log once, the
// seq continuous, and a browser moved to the survivor keeps its cursor.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startSimServer, type SimServer } from '../../sim/sim-server.ts'
import { readStream } from './testing/helpers.ts'
import { startRedis, type TestRedis } from './testing/redis-server.ts'
import { spawnHub, type HubProcess } from './testing/spawn-hub.ts'

const EXTS = ['400', '410', '420']
let redis: TestRedis
let pbx: SimServer
const hubs: HubProcess[] = []

beforeAll(async () => {
  redis = await startRedis()
  pbx = await startSimServer({ apiKey: 'processes-test-key', demo: false })
}, 30_000)
afterAll(async () => {
  await Promise.all(hubs.map((h) => h.stop()))
  await pbx?.close()
  await redis?.stop()
})

async function poll(h: HubProcess, cursor: number, timeOut = 25) {
  const res = await fetch(`${h.pollUrl}?exten=${EXTS.join(',')}&lastSequenceNumber=${cursor}&timeOut=${timeOut}`, {
    method: 'POST',
  })
  return { status: res.status, body: (await res.json()) as { Data: Record<string, unknown[]>; seq: number } }
}

it('kill -9 of the leader: the other process takes over; no event lost or doubled; cursors carry over', async () => {
  const env = {
    PBX_URL: pbx.url,
    PBX_KEY: 'processes-test-key',
    EXTS: EXTS.join(','),
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'proc:',
    LOCK_TTL_MS: '1000',
  }
  hubs.push(await spawnHub(env), await spawnHub(env))
  await expect
    .poll(async () => (await Promise.all(hubs.map((h) => h.state()))).every((s) => s.ready), { timeout: 20_000 })
    .toBe(true)
  await expect.poll(async () => (await Promise.all(hubs.map((h) => h.state()))).filter((s) => s.leader).length).toBe(1)
  const states = await Promise.all(hubs.map((h) => h.state()))
  const leader = hubs[states.findIndex((s) => s.leader)]
  const other = hubs[states.findIndex((s) => !s.leader)]

  // A browser on the leader, with its cursor.
  let cursor = (await poll(leader, 0)).body.seq
  const sim = pbx.sim
  let n = 0
  const traffic = setInterval(() => {
    const id = sim.ring({ ext: EXTS[n % 3], callerId: `p${n++}` })
    setTimeout(() => sim.setStatus(id, 'Hungup'), 120)
  }, 40)
  await expect.poll(() => n).toBeGreaterThan(10)
  cursor = (await poll(leader, cursor, 0)).body.seq
  await leader.kill9()
  await expect.poll(async () => (await other.state()).leader, { timeout: 8_000 }).toBe(true)
  const rung = n
  await expect.poll(() => n).toBeGreaterThan(rung + 10)
  clearInterval(traffic)
  await expect.poll(() => sim.activeLegs().length).toBe(0)
  // The browser moves to the survivor with the cursor the dead one gave it: events, not a resync.
  const moved = await poll(other, cursor, 0)
  expect(moved.body.seq).toBeGreaterThan(cursor)

  const { events, gaps } = await readStream(redis.url, 'proc:stream')
  const rings = new Map<string, number>()
  for (const e of events) if (e.status === 'Ringing') rings.set(e.callerId!, (rings.get(e.callerId!) ?? 0) + 1)
  expect(gaps, 'seq continuous').toEqual([])
  const wrong = Array.from({ length: n }, (_, i) => `p${i}`).filter((id) => rings.get(id) !== 1)
  expect(wrong, 'calls not rung exactly once in the log').toEqual([])
}, 90_000)
