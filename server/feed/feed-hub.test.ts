// @vitest-environment node
// The hub in one process against the simulator model: every PBX fault the panel survives today is
// survived here, and told to the browsers as the PBX told it.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PbxSimulator } from '../../sim/pbx-simulator.ts'
import { feedDownSchema, type FeedDown } from '../../src/features/pbx/feed-contract.ts'
import type { FeedReply } from '../types.ts'
import { createFeedHub, type FeedHubInternals } from './feed-hub.ts'
import { bodyOf, callsIn, quietLogger, TestBrowser } from './testing/helpers.ts'
import { simCallPbx } from './testing/sim-pbx.ts'

const EXTS = ['400', '410', '420']
let hub: FeedHubInternals | null = null
let browsers: TestBrowser[] = []

afterEach(async () => {
  for (const b of browsers) b.stop()
  browsers = []
  await hub?.close()
  hub = null
  vi.useRealTimers()
})

function setup(opts: { exts?: string[]; dynamic?: boolean; capacity?: number } = {}) {
  const sim = new PbxSimulator({ answerDelayMs: 10 })
  hub = createFeedHub({
    callPbx: simCallPbx(sim),
    extensions: opts.exts ?? EXTS,
    dynamic: opts.dynamic,
    logger: quietLogger(),
    capacity: opts.capacity,
  })
  const h = hub
  const poll = (exts: string[], cursor: number, timeoutSec = 25, signal = new AbortController().signal) =>
    h.poll({ exts, cursor, timeoutSec, signal })
  const browser = (exts: string[] = EXTS) => {
    const b = new TestBrowser((r) => h.poll(r), exts)
    browsers.push(b)
    return b
  }
  const subscribes = () => sim.requests.filter((r) => r.method === 'subscribe')
  const untilHeld = () => expect.poll(() => sim.heldPolls).toBe(1)
  const untilLive = () => expect.poll(() => h.ready()).toBe(true)
  return { sim, hub: h, poll, browser, subscribes, untilHeld, untilLive }
}

/** What the browsers show equals the PBX's truth. */
const matchesTruth = (sim: PbxSimulator, b: TestBrowser) => expect.poll(() => b.calls).toEqual(sim.truth(b.exts))

describe('feed hub: serving browsers from its own log', () => {
  it('a snapshot from the state, then events after the cursor, held until one comes; filtered per browser', async () => {
    const { sim, poll, untilHeld, untilLive } = setup()
    const early = sim.ring({ ext: '410', callerId: '0411' })
    await untilLive()
    await expect.poll(() => hub!.call(early)).toBeDefined()
    const snap = await poll(['410', '420'], 0)
    expect(callsIn(snap)).toEqual({ '410': { [early]: 'Ringing' } })
    const head = bodyOf(snap).seq
    expect(head).toBeGreaterThan(1_000_000_000_000) // a base of Date.now(), not the PBX's seq
    await untilHeld()
    const mine = poll(['420'], head)
    const other = poll(['400'], head, 1)
    const id = sim.ring({ ext: '420', callerId: '0422' })
    const r = await mine
    expect(callsIn(r)).toEqual({ '420': { [id]: 'Ringing' } })
    expect(bodyOf(r).seq).toBe(head + 1)
    // Nothing for 400: held to its timeOut, then Data {} and a cursor it can use.
    const o = await other
    expect(bodyOf(o)).toEqual({ Data: {}, seq: head + 1, Code: 0 })
    // A cursor the log never issued, or one older than it keeps: a lower seq (the panel resyncs).
    expect(bodyOf(await poll(['420'], head + 50))).toEqual({ Data: {}, seq: 0, Code: 0 })
    expect(bodyOf(await poll(['420'], hub!.log.base - 1))).toEqual({ Data: {}, seq: 0, Code: 0 })
    // Events waiting: at once.
    expect(callsIn(await poll(['420', '410'], head, 25))).toEqual({ '420': { [id]: 'Ringing' } })
  })

  it('five browsers, each on their own extensions, cost the PBX one held subscribe', async () => {
    const lists = [['400'], ['410'], ['420'], ['430', '431'], ['440']]
    const { sim, browser, subscribes, untilLive } = setup({ exts: lists.flat() })
    await untilLive()
    const bs = lists.map((l) => browser(l))
    bs.forEach((b) => b.run())
    await expect.poll(() => sim.heldPolls).toBe(1)
    for (const l of lists) sim.ring({ ext: l[0], callerId: `0${l[0]}` })
    for (const b of bs) await matchesTruth(sim, b)
    await expect.poll(() => sim.heldPolls).toBe(1)
    // One snapshot at start, then one poll per PBX reply: the browsers' own polls never reach the PBX.
    const subs = subscribes()
    expect(subs.every((s) => s.params.exten === lists.flat().sort().join(','))).toBe(true)
    expect(subs.filter((s) => s.params.lastSequenceNumber === '0' && s.params.timeOut === '0')).toHaveLength(1)
    expect(subs.length).toBeLessThanOrEqual(1 + 5 + 1)
  })

  it('rights: call() knows each call and its legs while it lasts', async () => {
    const { sim, hub, untilLive } = setup()
    await untilLive()
    const id = sim.ring({ ext: '410', fromExt: '400' })
    await expect.poll(() => hub.call(id)?.legs.get('410')).toBe('Ringing')
    expect(hub.call(id)?.legs.get('400')).toBe('Dialing Out')
    sim.setStatus(id, 'Hungup')
    await expect.poll(() => hub.call(id)).toBeUndefined()
    expect(hub.call('no-such-call')).toBeUndefined()
  })

  it('close() answers every held poll at once and refuses new ones', async () => {
    const { poll, untilLive } = setup()
    await untilLive()
    const head = bodyOf(await poll(EXTS, 0)).seq
    const held = poll(EXTS, head)
    await hub!.close()
    expect(bodyOf(await held).seq).toBe(head)
    expect((await poll(EXTS, head)).status).toBe(503)
    hub = null
  })

  it('dynamic (the local developer): a browser asking for a new extension re-lists it and sees its calls', async () => {
    const { sim, poll, subscribes, untilLive } = setup({ exts: ['400'], dynamic: true })
    await untilLive()
    const id = sim.ring({ ext: '777', callerId: '0777' })
    expect(callsIn(await poll(['400', '777'], 0))).toEqual({ '777': { [id]: 'Ringing' } })
    expect(subscribes().at(-1)?.params.exten).toBe('400,777')
  })

  it('1,000 held polls and one event: every one answered', async () => {
    const exts = Array.from({ length: 100 }, (_, i) => String(1000 + i))
    const { sim, poll, untilLive } = setup({ exts })
    await untilLive()
    const head = bodyOf(await poll(exts, 0)).seq
    const held = Array.from({ length: 1000 }, (_, i) => poll([exts[i % 100], '1000'], head))
    await expect.poll(() => hub!.heldPolls()).toBe(1000)
    const id = sim.ring({ ext: '1000' })
    const replies = await Promise.all(held)
    expect(replies.every((r) => callsIn(r)['1000']?.[id] === 'Ringing')).toBe(true)
  })
})

/** A failure as the browsers get it: 503, Retry-After, the server's own words (feed-contract.ts). */
const downOf = (r: FeedReply) => ({
  status: r.status,
  retryAfter: Number(r.headers?.['retry-after']),
  ...(feedDownSchema.parse(JSON.parse(r.body as string)) as FeedDown),
})

describe("feed hub: PBX faults, survived and told in the server's words", () => {
  async function opened(s: ReturnType<typeof setup>) {
    await s.untilLive()
    const b = s.browser()
    const ringing = s.sim.ring({ ext: '410', callerId: '0291110001' })
    const talking = s.sim.ring({ ext: '400', callerId: '0291110002' })
    s.sim.connect(talking, '400')
    b.run()
    await matchesTruth(s.sim, b)
    await s.untilHeld()
    return { b, ringing, talking, mark: s.subscribes().length }
  }

  for (const status of [500, 502, 503]) {
    it(`HTTP ${status} × 3: 503 feed-down (pbx-error) to the browsers; then a check snapshot and a catch-up from the cursor`, async () => {
      const s = setup()
      const { b, ringing, mark } = await opened(s)
      s.sim.failNextSubscribe(...Array.from({ length: 3 }, () => ({ kind: 'http' as const, status })))
      s.sim.ring({ ext: '420', callerId: '0291110003' })
      await expect.poll(() => b.failures.length).toBeGreaterThan(0)
      expect(downOf(b.failures[0])).toMatchObject({ status: 503, error: 'feed-down', reason: 'pbx-error' })
      expect(downOf(b.failures[0]).message).toContain(`HTTP ${status}`)
      expect(downOf(b.failures[0]).retryAfter).toBeLessThanOrEqual(5)
      expect(s.hub.ready()).toBe(false)
      s.sim.setStatus(ringing, 'Hungup')
      s.sim.ring({ ext: '410', callerId: '0291110004' })
      await expect.poll(() => s.hub.ready(), { timeout: 20_000 }).toBe(true)
      await matchesTruth(s.sim, b)
      await expect.poll(() => s.subscribes().length - mark).toBeGreaterThanOrEqual(5)
      const subs = s.subscribes().slice(mark)
      expect([subs[3].params.lastSequenceNumber, subs[3].params.timeOut], 'a check snapshot first').toEqual(['0', '0'])
      expect([subs[4].params.lastSequenceNumber, subs[4].params.timeOut], '… then a catch-up from the cursor').toEqual([
        subs[0].params.lastSequenceNumber,
        '0',
      ])
      expect(b.resyncs, 'no restart: the browser only catches up').toBe(0)
    }, 30_000)
  }

  it('a negative Code twice: pbx-error with the Code; the cursor given up for a snapshot', async () => {
    const s = setup()
    const { b, mark } = await opened(s)
    s.sim.failNextSubscribe({ kind: 'negativeCode' }, { kind: 'negativeCode' })
    s.sim.ring({ ext: '420' })
    await expect.poll(() => b.failures.length).toBeGreaterThan(0)
    expect(downOf(b.failures[0])).toMatchObject({ reason: 'pbx-error', message: 'The PBX answered with error Code -2' })
    await expect.poll(() => s.hub.ready(), { timeout: 20_000 }).toBe(true)
    await matchesTruth(s.sim, b)
    expect(s.subscribes().slice(mark)[2].params).toMatchObject({ lastSequenceNumber: '0', timeOut: '0' })
  }, 30_000)

  it('a connection reset: unreachable, with the reason', async () => {
    const s = setup()
    const { b } = await opened(s)
    s.sim.failNextSubscribe({ kind: 'reset' }, { kind: 'reset' })
    s.sim.ring({ ext: '420' })
    await expect.poll(() => b.failures.length).toBeGreaterThan(0)
    expect(downOf(b.failures[0])).toMatchObject({
      reason: 'unreachable',
      message: 'Cannot reach the PBX: socket hang up',
    })
    await expect.poll(() => s.hub.ready(), { timeout: 20_000 }).toBe(true)
    await matchesTruth(s.sim, b)
  }, 30_000)

  it("an HTML page, truncated JSON, a wrong shape: pbx-error each, never the PBX's page forged", async () => {
    const s = setup()
    const { b } = await opened(s)
    s.sim.failNextSubscribe({ kind: 'html' }, { kind: 'truncated' }, { kind: 'wrongShape' })
    s.sim.ring({ ext: '420' })
    const messages = () => new Set(b.failures.map((f) => downOf(f).message))
    await expect.poll(() => messages().size, { timeout: 10_000 }).toBe(3)
    expect(b.failures.every((f) => downOf(f).reason === 'pbx-error' && !/<html/i.test(f.body as string))).toBe(true)
    await expect.poll(() => s.hub.ready(), { timeout: 20_000 }).toBe(true)
    await matchesTruth(s.sim, b)
  }, 30_000)

  it('a duplicated reply: no event twice in the log', async () => {
    const s = setup()
    const { b, ringing } = await opened(s)
    s.sim.failNextSubscribe({ kind: 'duplicate' })
    s.sim.ring({ ext: '420' })
    await expect.poll(() => s.hub.log.head).toBeGreaterThan(0)
    s.sim.connect(ringing, '410')
    await matchesTruth(s.sim, b)
    const snapshot = callsIn(await s.poll(EXTS, 0))
    expect(snapshot).toEqual(
      Object.fromEntries(Object.entries(s.sim.truth(EXTS)).filter(([, v]) => Object.keys(v).length)),
    )
  })

  it('a refused key: 503 key-refused (never the key); the PBX retried once a minute, not every second', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const s = setup()
    await vi.advanceTimersByTimeAsync(500)
    expect(s.hub.ready()).toBe(true)
    const head = bodyOf(await s.poll(EXTS, 0)).seq
    s.sim.apiKey = 'rotated'
    s.sim.restart() // cuts the held poll: the next one meets the refusal
    await vi.advanceTimersByTimeAsync(2_000)
    const r = await s.poll(EXTS, head)
    expect(downOf(r)).toMatchObject({ status: 503, reason: 'key-refused', message: 'The PBX refused the API key' })
    expect(downOf(r).retryAfter, 'browsers ask again within seconds, from the server, never the PBX').toBe(5)
    expect(r.body as string).not.toContain('sim-key')
    const refused = s.subscribes().length
    await vi.advanceTimersByTimeAsync(50_000)
    expect(s.subscribes().length, 'no retry within the minute').toBe(refused)
    s.sim.apiKey = 'sim-key'
    await vi.advanceTimersByTimeAsync(15_000)
    expect(s.hub.ready()).toBe(true)
  })

  it("a refused key taken again: a browser obeying Retry-After shows the call within 5 s of the server's next good poll", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const s = setup()
    await vi.advanceTimersByTimeAsync(500)
    let cursor = bodyOf(await s.poll(EXTS, 0)).seq
    s.sim.apiKey = 'rotated'
    s.sim.restart()
    await vi.advanceTimersByTimeAsync(2_000)
    s.sim.apiKey = 'sim-key' // taken again at once; the server learns it at its next try, a minute on
    const id = s.sim.ring({ ext: '410' })
    const accepted = Date.now()
    let shown: number | null = null
    // The panel: a 503 waits its Retry-After; a reply is applied and the next poll follows.
    for (let t = 0; t < 120 && shown === null; t++) {
      const r = s.poll(EXTS, cursor, 0)
      await vi.advanceTimersByTimeAsync(10)
      const reply = await r
      if (reply.status === 503) {
        await vi.advanceTimersByTimeAsync(Number(reply.headers?.['retry-after']) * 1000)
        continue
      }
      const b = bodyOf(reply)
      if (b.seq === 0) cursor = 0
      else if (callsIn(reply)['410']?.[id] === 'Ringing') shown = Date.now()
      else cursor = b.seq
      await vi.advanceTimersByTimeAsync(100)
    }
    // The server's next try: the first subscribe the PBX took after the key was accepted.
    const good = s.sim.requests.find((r) => r.method === 'subscribe' && r.at >= accepted)!.at
    expect(good - accepted, 'the server retries a refused key a minute on').toBeGreaterThan(50_000)
    expect(shown! - good).toBeLessThanOrEqual(5_000)
  })

  it('Retry now (hub.retry) after a refused key: the upstream tries at once, not a minute later; once a second at most', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const s = setup()
    await vi.advanceTimersByTimeAsync(500)
    const head = bodyOf(await s.poll(EXTS, 0)).seq
    s.sim.apiKey = 'rotated'
    s.sim.restart()
    await vi.advanceTimersByTimeAsync(2_000)
    expect(downOf(await s.poll(EXTS, head, 0)).reason).toBe('key-refused')
    const tries = s.subscribes().length
    for (let i = 0; i < 5; i++) s.hub.retry()
    await vi.advanceTimersByTimeAsync(300)
    expect(s.subscribes().length, 'one try for five clicks').toBe(tries + 1)
    s.sim.apiKey = 'sim-key'
    const id = s.sim.ring({ ext: '410' })
    s.hub.retry()
    await vi.advanceTimersByTimeAsync(1_500)
    expect(s.hub.ready()).toBe(true)
    expect(callsIn(await s.poll(EXTS, head, 0))).toEqual({ '410': { [id]: 'Ringing' } })
  })

  it('a refused key as HTTP 401: key-refused', async () => {
    const s = setup()
    const { b } = await opened(s)
    s.sim.authStyle = 'http401'
    s.sim.apiKey = 'rotated'
    s.sim.ring({ ext: '420' })
    await expect.poll(() => b.failures.length).toBeGreaterThan(0)
    expect(downOf(b.failures.at(-1)!).reason).toBe('key-refused')
  })

  it('a reply that never comes: given up at the client deadline (unreachable), then a check and a catch-up', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const s = setup()
    await vi.advanceTimersByTimeAsync(500)
    const head = bodyOf(await s.poll(EXTS, 0)).seq
    s.sim.failNextSubscribe({ kind: 'hang' })
    s.sim.ring({ ext: '420' })
    await vi.advanceTimersByTimeAsync(200)
    const id = s.sim.ring({ ext: '410' })
    // A browser held meanwhile: answered with the failure when the server gives up on the PBX.
    await vi.advanceTimersByTimeAsync(20_000)
    const held = s.poll(['400'], head)
    await vi.advanceTimersByTimeAsync(15_000)
    expect(s.hub.ready()).toBe(false)
    expect(downOf(await held)).toMatchObject({ status: 503, reason: 'unreachable' })
    await vi.advanceTimersByTimeAsync(31_000)
    expect(s.hub.ready()).toBe(true)
    expect(callsIn(await s.poll(EXTS, head, 0))['410']).toEqual({ [id]: 'Ringing' })
  })
})
