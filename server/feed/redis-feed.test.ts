// @vitest-environment node
// Two hubs sharing one PBX through a real redis-server (no mocks): one leader polls the PBX, both serve
// browsers, a cursor works on either, a leader that stops (frozen or gone) is replaced with no event
// lost or doubled, and a Redis restart ends in a clean resync.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { PbxSimulator } from '../../sim/pbx-simulator.ts'
import { createFeedHub, type FeedHubInternals } from './feed-hub.ts'
import { bodyOf, callsIn, quietLogger, readStream, TestBrowser } from './testing/helpers.ts'
import { startRedis, type TestRedis } from './testing/redis-server.ts'
import { simCallPbx } from './testing/sim-pbx.ts'

const EXTS = ['400', '410', '420']
let redis: TestRedis
let hubs: FeedHubInternals[] = []
let browsers: TestBrowser[] = []
let prefixN = 0

beforeAll(async () => {
  redis = await startRedis()
}, 20_000)
afterAll(() => redis?.stop())
afterEach(async () => {
  for (const b of browsers) b.stop()
  browsers = []
  await Promise.all(hubs.map((h) => h.close()))
  hubs = []
})

function setup(opts: { dynamic?: boolean } = {}) {
  const sim = new PbxSimulator({ answerDelayMs: 10 })
  const prefix = `t${++prefixN}:`
  const start = () => {
    const h = createFeedHub({
      callPbx: simCallPbx(sim),
      extensions: EXTS,
      dynamic: opts.dynamic,
      redis: redis.url,
      redisPrefix: prefix,
      logger: quietLogger(),
      lockTtlMs: 1000,
    })
    hubs.push(h)
    return h
  }
  const browser = (h: FeedHubInternals, exts = EXTS) => {
    const b = new TestBrowser((r) => h.poll(r), exts)
    browsers.push(b)
    return b
  }
  /** The extensions of the leader's latest subscribe at the PBX. */
  const upstreamList = () => sim.requests.filter((r) => r.method === 'subscribe').at(-1)?.params.exten ?? ''
  return { sim, prefix, start, browser, upstreamList }
}

const streamEvents = (prefix: string) => readStream(redis.url, `${prefix}stream`)

describe('feed hub over Redis: two instances, one PBX subscription', () => {
  it('one leader polls the PBX; both serve browsers; a cursor from one works on the other', async () => {
    const { sim, start } = setup()
    const a = start()
    const b = start()
    await expect.poll(() => a.ready() && b.ready()).toBe(true)
    await expect.poll(() => [a.isLeader(), b.isLeader()].filter(Boolean).length).toBe(1)
    await expect.poll(() => sim.heldPolls).toBe(1)
    const id = sim.ring({ ext: '410', callerId: '0411' })
    await expect.poll(() => b.call(id)?.legs.get('410')).toBe('Ringing')
    const snapA = await a.poll({ exts: EXTS, cursor: 0, timeoutSec: 0, signal: new AbortController().signal })
    const seq = bodyOf(snapA).seq
    expect(
      bodyOf(await b.poll({ exts: EXTS, cursor: 0, timeoutSec: 0, signal: new AbortController().signal })),
    ).toEqual(bodyOf(snapA))
    // Held on B with A's cursor; the event reaches it through the stream.
    const held = b.poll({ exts: ['420'], cursor: seq, timeoutSec: 25, signal: new AbortController().signal })
    const id2 = sim.ring({ ext: '420', callerId: '0422' })
    const r = await held
    expect(callsIn(r)).toEqual({ '420': { [id2]: 'Ringing' } })
    expect(bodyOf(r).seq).toBe(seq + 1)
    expect(sim.heldPolls).toBeLessThanOrEqual(1)
  }, 30_000)

  it('a frozen leader is replaced within seconds; its writes are refused (fence); no event lost or doubled', async () => {
    const { sim, prefix, start, browser } = setup()
    const a = start()
    await expect.poll(() => a.isLeader()).toBe(true)
    const b = start()
    await expect.poll(() => b.ready()).toBe(true)
    const watcher = browser(b)
    watcher.run()
    let n = 0
    const traffic = setInterval(() => {
      const id = sim.ring({ ext: EXTS[n % 3], callerId: `c${n++}` })
      setTimeout(() => sim.setStatus(id, 'Hungup'), 150)
    }, 50)
    await expect.poll(() => n).toBeGreaterThan(10)
    // A stops renewing its lock (frozen) but its upstream loop still runs and tries to write.
    a.pauseLeadership()
    await expect.poll(() => b.isLeader(), { timeout: 5_000 }).toBe(true)
    await expect.poll(() => a.isLeader(), { timeout: 5_000 }).toBe(false)
    const rung = n
    await expect.poll(() => n).toBeGreaterThan(rung + 10)
    clearInterval(traffic)
    await expect.poll(() => sim.activeLegs().length).toBe(0)
    await expect.poll(() => watcher.calls).toEqual(sim.truth(EXTS))
    const { events, gaps } = await streamEvents(prefix)
    if (process.env.FEED_DUMP) (await import('node:fs')).writeFileSync(process.env.FEED_DUMP, JSON.stringify(events))
    expect(gaps, 'seq continuous').toEqual([])
    for (let i = 0; i < n; i++) {
      const rings = events.filter((e) => e.callerId === `c${i}` && e.status === 'Ringing')
      expect(rings.length, `c${i} rang once in the log`).toBe(1)
    }
    expect(watcher.resyncs).toBe(0)
  }, 40_000)

  it('an append whose own entry reaches the reader after the timeout: retried, yet no event written twice', async () => {
    const { sim, prefix, start, browser } = setup()
    const a = start()
    await expect.poll(() => a.isLeader() && a.ready()).toBe(true)
    await expect.poll(() => sim.heldPolls).toBe(1)
    const watcher = browser(a)
    watcher.run()
    await expect.poll(() => watcher.seq).toBeGreaterThan(0)
    // The reader pauses (a slow event loop, a Redis hiccup): entries pile up unapplied past the append's timeout.
    const apply = a.log.apply.bind(a.log)
    let queued: Parameters<typeof apply>[0][] | null = []
    a.log.apply = (entry) => (queued ? void queued.push(entry) : apply(entry))
    const subscribes = () => sim.requests.filter((r) => r.method === 'subscribe').length
    const mark = subscribes()
    const id = sim.ring({ ext: '410', callerId: 'paused' })
    // The reply with the call, the append timed out and retried (a catch-up from the cursor), and the poll after.
    await expect.poll(() => subscribes() - mark, { timeout: 25_000 }).toBeGreaterThanOrEqual(3)
    const backlog = queued
    queued = null
    for (const e of backlog) {
      try {
        apply(e)
      } catch {
        break
      }
    }
    const { events, gaps } = await streamEvents(prefix)
    expect(gaps).toEqual([])
    expect(
      events.filter((e) => e.callerId === 'paused' && e.status === 'Ringing'),
      'rang once in the log',
    ).toHaveLength(1)
    await expect.poll(() => a.call(id)?.legs.get('410'), { timeout: 15_000 }).toBe('Ringing')
  }, 40_000)

  it('Redis restarting: not ready meanwhile, then a clean resync; calls right afterwards', async () => {
    const { sim, start, browser } = setup()
    const a = start()
    const b = start()
    await expect.poll(() => a.ready() && b.ready() && (a.isLeader() || b.isLeader())).toBe(true)
    const watcher = browser(a)
    watcher.run()
    sim.ring({ ext: '400', callerId: 'before' })
    await expect.poll(() => watcher.calls).toEqual(sim.truth(EXTS))
    await redis.kill()
    await expect.poll(() => a.ready() || b.ready()).toBe(false)
    const during = sim.ring({ ext: '410', callerId: 'during' })
    await redis.restart()
    await expect.poll(() => a.ready() && b.ready(), { timeout: 15_000 }).toBe(true)
    await expect.poll(() => b.call(during)?.legs.get('410'), { timeout: 15_000 }).toBe('Ringing')
    await expect.poll(() => watcher.calls, { timeout: 15_000 }).toEqual(sim.truth(EXTS))
    await expect.poll(() => [a.isLeader(), b.isLeader()].filter(Boolean).length).toBe(1)
  }, 60_000)

  // Under a loaded CI machine a re-list (a snapshot, its diff, a compare-and-set append) can take more than the
  // configured 5 s: every wait here is a condition with room, never a duration asserted.
  it('the users file widens then narrows the list: the leader re-lists; cursors on either instance stay valid', async () => {
    const { sim, start, browser, upstreamList } = setup()
    const a = start()
    await expect.poll(() => a.isLeader(), { timeout: 15_000 }).toBe(true)
    const b = start()
    await expect.poll(() => b.ready(), { timeout: 15_000 }).toBe(true)
    await expect.poll(() => upstreamList(), { timeout: 15_000 }).toBe(EXTS.join(','))
    const old = browser(b)
    old.run()
    const early = sim.ring({ ext: '600', callerId: 'early' })
    // Each instance re-reads its own users file: the follower first, the leader a moment later.
    b.setWatched([...EXTS, '600'])
    const fresh = browser(b, ['600'])
    const first = fresh.step()
    a.setWatched([...EXTS, '600'])
    await first
    await expect.poll(() => upstreamList(), { timeout: 15_000 }).toBe([...EXTS, '600'].join(','))
    await expect
      .poll(async () => (await fresh.step(0), fresh.calls), { timeout: 15_000 })
      .toEqual({ '600': { [early]: 'Ringing' } })
    fresh.run()
    const later = sim.ring({ ext: '600', callerId: 'later' })
    await expect.poll(() => fresh.calls, { timeout: 15_000 }).toEqual(sim.truth(['600']))
    expect(fresh.calls['600'][later]).toBe('Ringing')
    sim.ring({ ext: '410', callerId: 'other' })
    await expect.poll(() => old.calls, { timeout: 15_000 }).toEqual(sim.truth(EXTS))
    expect(old.resyncs).toBe(0)

    a.setWatched(EXTS)
    b.setWatched(EXTS)
    await expect.poll(() => upstreamList(), { timeout: 15_000 }).toBe(EXTS.join(','))
    await expect.poll(() => b.call(later), { timeout: 15_000 }).toBeUndefined()
    sim.ring({ ext: '420', callerId: 'after' })
    await expect.poll(() => old.calls, { timeout: 15_000 }).toEqual(sim.truth(EXTS))
    expect(old.resyncs).toBe(0)
  }, 40_000)

  it('dynamic (the local developer) over Redis: a browser on the follower asks for a new extension; the leader adds it', async () => {
    const { sim, start, browser, upstreamList } = setup({ dynamic: true })
    const a = start()
    await expect.poll(() => a.isLeader()).toBe(true)
    const b = start()
    await expect.poll(() => b.ready()).toBe(true)
    await expect.poll(() => upstreamList()).toBe(EXTS.join(','))
    const old = browser(a)
    old.run()
    const early = sim.ring({ ext: '700', callerId: 'early' })
    const fresh = browser(b, ['700'])
    await fresh.step()
    expect(fresh.calls).toEqual({ '700': { [early]: 'Ringing' } })
    expect(upstreamList()).toBe([...EXTS, '700'].join(','))
    fresh.run()
    sim.ring({ ext: '700', callerId: 'later' })
    await expect.poll(() => fresh.calls).toEqual(sim.truth(['700']))
    // The list only grows: a new leader carries 700 too.
    await a.close()
    await expect.poll(() => b.isLeader(), { timeout: 15_000 }).toBe(true)
    sim.ring({ ext: '700', callerId: 'after' })
    await expect.poll(() => fresh.calls, { timeout: 15_000 }).toEqual(sim.truth(['700']))
    expect(upstreamList()).toBe([...EXTS, '700'].join(','))
  }, 40_000)
})
