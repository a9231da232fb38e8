// The fault suite of issue 5: every fault the simulator can produce, in real Chromium, through the server (which
// alone speaks to the PBX: the panel sees its 503 feed-down and seq 0). After each one the panel must equal the
// PBX's truth, its retries must respect the backoff policy, and the status must have said what the server said.
// Run as `npm run docs`, each test adds a row to docs/reliability.md.
import { readFileSync, writeFileSync } from 'node:fs'
import { expect, test, type Page, type Request, type TestInfo } from './fixtures.ts'
import { simControl } from './sim.ts'
import {
  expectPanelMatchesSim,
  instrument,
  settled,
  statusLog,
  subscribeFetches,
  summariseStatus,
  type Sim,
} from './truth.ts'

const EXTS = ['400', '410', '420'] as const
// The panel's policy under test (src/features/calls/call-queries.ts, src/lib/backoff.ts): full jitter from 1 s,
// capped at 30 s; a feed the server says is down until its next try (`retryAt`) is asked again 1 s after it.
const FLOOR_MS = 1000
const CAP_MS = 30_000
/** The server retries a refused key once a minute (server/feed/upstream.ts KEY_RETRY_MS). */
const KEY_RETRY_S = 60
/** The server's held PBX poll (server/feed/upstream.ts UPSTREAM_HOLD_S). */
const UPSTREAM_HOLD_MS = 25_000
/** Timer and network slop allowed under the 1 s floor between two retries (a timer never fires early). */
const SLOP_MS = 100

/** The longest full-jitter wait before retry n (0-based): min(cap, base·2^n), never under the floor. */
const maxDelay = (n: number) => Math.max(FLOOR_MS, Math.min(CAP_MS, FLOOR_MS * 2 ** n))

interface Row {
  /** The test title: a stable key, so a partial run updates its own rows. */
  fault: string
  showed: string
  requests: string
  recovered: string
  result: string
}
const rows = new Map<string, Row>()
const note = (info: TestInfo, row: Omit<Row, 'result'>) =>
  rows.set(info.title, { ...row, fault: `${info.title}: ${row.fault}`, result: '' })

// Fake-clock tests step through minutes of page time; a loaded machine needs room for that.
test.describe.configure({ timeout: 180_000 })

/** One of the panel's subscribe requests to the server, and what the server answered. */
interface Poll {
  seq: string
  timeOut: string
  at: number
  status?: number
  /** The server's `message` when it refused the poll (503 feed-down, or any `{ error, message }`). */
  said?: string
}

/** Start before `goto`: every subscribe the page sends, with the server's answer as it comes. */
function logPolls(page: Page): Poll[] {
  const polls: Poll[] = []
  const byRequest = new Map<Request, Poll>()
  page.on('request', (r) => {
    const url = new URL(r.url())
    if (url.pathname !== '/api/pbx/subscribe') return
    const poll: Poll = {
      seq: url.searchParams.get('lastSequenceNumber') ?? '',
      timeOut: url.searchParams.get('timeOut') ?? '',
      at: Date.now(),
    }
    polls.push(poll)
    byRequest.set(r, poll)
  })
  page.on('response', async (res) => {
    const poll = byRequest.get(res.request())
    if (!poll) return
    poll.status = res.status()
    if (res.status() >= 400)
      poll.said = await res.json().then(
        (b: { message?: unknown }) => (typeof b.message === 'string' ? b.message : undefined),
        () => undefined,
      )
  })
  return polls
}

let polls: Poll[] = []

test.beforeEach(async ({ page, request }) => {
  await simControl(request).reset()
  polls = logPolls(page)
})

test.afterEach(async ({ page, request }, info) => {
  const row = rows.get(info.title) ?? { fault: info.title, showed: '—', requests: '—', recovered: '—', result: '' }
  const ok = info.status === info.expectedStatus
  if (!ok) {
    // What the status said, what the panel asked and the server answered: the first things to read on a failure.
    const log = await statusLog(page).catch(() => [])
    await info.attach('status-log.json', { body: JSON.stringify(log, null, 1), contentType: 'application/json' })
    await info.attach('polls.json', { body: JSON.stringify(polls, null, 1), contentType: 'application/json' })
    const subs = (await simControl(request).requests()).filter((r) => r.method === 'subscribe')
    await info.attach('pbx-subscribes.json', { body: JSON.stringify(subs, null, 1), contentType: 'application/json' })
  }
  const why =
    (info.error?.message ?? '')
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .find((l) => l.trim()) ?? ''
  rows.set(info.title, { ...row, result: ok ? 'survived' : `FAILED: ${why.slice(0, 200)}` })
})

test.afterAll(() => {
  if (test.info().project.name === 'docs') writeReport()
})

/** The server's one poll is held at the PBX: a fault queued now hits the poll after it, not this one. */
const untilPollHeld = (sim: Sim) => expect.poll(async () => (await sim.state([...EXTS])).heldPolls).toBe(1)

/** Open the panel with two calls in progress (one ringing, one talking) and a poll held at the PBX. */
async function openPanel(page: Page, sim: Sim) {
  await instrument(page)
  await page.goto(`/?exten=${EXTS.join(',')}`)
  await expect(page.getByRole('status')).toHaveText('Live')
  const ringing = await sim.ring('410', { callerId: '0291110001' })
  const talking = await sim.ring('400', { callerId: '0291110002' })
  await sim.connect(talking, '400')
  await expectPanelMatchesSim(page, sim, EXTS)
  await untilPollHeld(sim)
  return { ringing, talking, mark: polls.length, logMark: (await statusLog(page)).length }
}

/** What the status said since `logMark`, and a check that it never claimed Live mid-fault. */
async function statusSince(page: Page, logMark: number) {
  const texts = (await statusLog(page)).slice(logMark).map((e) => e.text)
  const firstBad = texts.findIndex((t) => t !== 'Live')
  const after = firstBad < 0 ? [] : texts.slice(firstBad)
  const liveAgain = after.indexOf('Live')
  // Once the fault showed, "Live" comes back only at the end, for good.
  expect(liveAgain < 0 ? [] : after.slice(liveAgain).filter((t) => t !== 'Live'), 'status said Live mid-fault').toEqual(
    [],
  )
  return summariseStatus(texts.filter((t) => t !== 'Live'))
}

const status = (page: Page) => page.getByRole('status')
const pageNow = (page: Page) => page.evaluate(() => Date.now())
const COUNTDOWN = / — (?:next try in \d+ s|trying now)$/

/**
 * The status line says what the server said, word for word: `prefix` then one of the messages the server
 * answered the panel's polls with since `mark`, then the countdown.
 */
async function expectServerWords(page: Page, mark: number, prefix: RegExp, timeout = 10_000) {
  await expect
    .poll(
      async () => {
        const text = (await status(page).textContent()) ?? ''
        const said = polls.slice(mark).flatMap((p) => p.said ?? [])
        return said.some(
          (m) => COUNTDOWN.test(text) && new RegExp(prefix.source + escape(m) + COUNTDOWN.source).test(text),
        )
      },
      { message: 'the status line shows the server’s message', timeout },
    )
    .toBe(true)
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The panel's own side of a fault: after each refused poll it waits at least the floor and asks from its cursor at once. */
function checkRetries(since: number) {
  const during = polls.slice(since)
  const firstFailed = during.findIndex((p) => (p.status ?? 0) >= 400)
  expect(firstFailed, 'the server refused a poll').toBeGreaterThanOrEqual(0)
  const gaps: number[] = []
  for (let i = firstFailed; i < during.length - 1 && (during[i].status ?? 0) >= 400; i++) {
    const [failed, retry] = [during[i], during[i + 1]]
    gaps.push(retry.at - failed.at)
    expect(retry.at - failed.at, `retry ${gaps.length} waited at least the floor`).toBeGreaterThanOrEqual(
      FLOOR_MS - SLOP_MS,
    )
    expect(retry.timeOut, 'a retry asks timeOut=0: the status line knows at once that the feed is back').toBe('0')
    if (failed.seq !== '0') expect(retry.seq, '… from the cursor it held: nothing is lost').toBe(failed.seq)
  }
  return { failed: gaps.length, gaps }
}

const gapsText = (gaps: number[]) => gaps.map((g) => `${(g / 1000).toFixed(1)} s`).join(', ')

/**
 * A burst of PBX `faults` in real time: the server's poll after a new ringing call meets them, and the panel is
 * told (503 feed-down); meanwhile a call hangs up and another rings. Checks the status line (the server's words),
 * the panel's retries (the floor, timeOut=0 from the cursor), the waits it showed, and the final truth.
 */
async function burst(page: Page, sim: Sim, info: TestInfo, name: string, faults: Record<string, unknown>[]) {
  const start = await openPanel(page, sim)
  await sim.fault(...faults)
  const t0 = Date.now()
  await sim.ring('420', { callerId: '0291110003' })
  await expectServerWords(page, start.mark, /^Reconnecting: /)
  // The world moves on while the PBX misbehaves; the server's log must bring all of it.
  await sim.status(start.ringing, 'Hungup')
  await sim.ring('410', { callerId: '0291110004' })
  await expect(status(page)).toHaveText('Live', { timeout: 40_000 })
  await expectPanelMatchesSim(page, sim, EXTS)
  const recovered = Date.now() - t0
  const { failed, gaps } = checkRetries(start.mark)
  // The waits the panel chose (and showed): the server's next try (its jitter for k faults) plus a second.
  const waits = (await statusLog(page))
    .slice(start.logMark)
    .flatMap((e) => /next try in (\d+) s/.exec(e.text)?.[1] ?? [])
    .map(Number)
  expect(Math.max(0, ...waits), 'no wait beyond the server’s next try and a second').toBeLessThanOrEqual(
    maxDelay(faults.length) / 1000 + 1,
  )
  const showed = await statusSince(page, start.logMark)
  note(info, {
    fault: name,
    showed: showed.join(' → ') + ' → Live',
    requests: `${failed} refused by the server (503 feed-down), each retried ≥ 1 s later with the cursor and timeOut=0; gaps ${gapsText(gaps)}`,
    recovered: `${recovered} ms`,
  })
}

for (const code of [500, 502, 503]) {
  test(`HTTP ${code} burst`, async ({ page, request }, info) => {
    const faults = Array.from({ length: 3 }, () => ({ kind: 'http', status: code }))
    await burst(page, simControl(request), info, `HTTP ${code} × 3 at the PBX`, faults)
  })
}

// What the panel once read from the PBX itself are the server's faults now: the panel shows the server's message.
const SERVER_SIDE = [
  ['connection reset mid-response', 'Connection reset mid-response × 2', 'reset'],
  ['an HTML page instead of JSON', 'HTML page (HTTP 200) × 2 at the PBX', 'html'],
  ['truncated JSON', 'Truncated JSON × 2 at the PBX', 'truncated'],
  ['a wrong shape', 'Wrong shape (no seq, no Data) × 2 at the PBX', 'wrongShape'],
  ['a negative Code', 'Negative Code (-2, HTTP 200) × 2 at the PBX', 'negativeCode'],
] as const

for (const [title, name, kind] of SERVER_SIDE) {
  test(title, async ({ page, request }, info) => {
    await burst(page, simControl(request), info, name, [{ kind }, { kind }])
  })
}

const region = (page: Page, ext: string) => page.getByRole('region', { name: `Extension ${ext}`, exact: true })

test('a reply that never comes (the server gives up at its deadline)', async ({ page, request }, info) => {
  // The server, not the browser, polls the PBX: its deadline (the hold + SWITCHBOARD_UPSTREAM_SLACK_MS, 3 s in
  // playwright.config.ts) runs in real time, so this waits for the condition in real time.
  const sim = simControl(request)
  const start = await openPanel(page, sim)
  await sim.fault({ kind: 'hang' })
  const t0 = Date.now()
  await sim.ring('420', { callerId: '0291110003' })
  await sim.status(start.ringing, 'Hungup')
  await sim.ring('410', { callerId: '0291110004' })
  // Nothing to tell until the deadline; then the server says so, and the panel shows its words.
  await expectServerWords(page, start.mark, /^Reconnecting: /, UPSTREAM_HOLD_MS + 3000 + 20_000)
  await expect(status(page)).toHaveText('Live', { timeout: 20_000 })
  await expectPanelMatchesSim(page, sim, EXTS)
  const recovered = Date.now() - t0
  expect(recovered, 'told once the server’s deadline passed').toBeLessThan(UPSTREAM_HOLD_MS + 3000 + 40_000)
  const { failed, gaps } = checkRetries(start.mark)
  const showed = await statusSince(page, start.logMark)
  note(info, {
    fault: 'Reply never comes (hang at the PBX)',
    showed: `Live (nothing to tell until the server's deadline) → ${showed.join(' → ')} → Live`,
    requests: `${failed} refused by the server, retried ≥ 1 s later with the cursor and timeOut=0; gaps ${gapsText(gaps)}`,
    recovered: `${recovered} ms (the server's deadline, real time, + its retry)`,
  })
})

for (const style of ['code', 'http401', 'html403'] as const) {
  test(`a refused key (${style}), then the key accepted again`, async ({ page, request }, info) => {
    const sim = simControl(request)
    const start = await openPanel(page, sim)
    await sim.auth(true, style)
    const t0 = Date.now()
    await sim.ring('420', { callerId: '0291110003' })
    await expectServerWords(page, start.mark, /^/)
    await expect(status(page)).toHaveAttribute('data-phase', 'auth')
    // The panel asks again a second after the server's own next try (a minute away), not before.
    const wait = Number(/next try in (\d+) s/.exec((await status(page).textContent()) ?? '')?.[1])
    expect(wait).toBeGreaterThanOrEqual(KEY_RETRY_S - 5)
    expect(wait).toBeLessThanOrEqual(KEY_RETRY_S + 1)
    const refusedAt = polls.length
    await sim.status(start.ringing, 'Hungup')
    await sim.ring('410', { callerId: '0291110004' })
    await sim.auth(false)
    expect(polls.length, 'no poll while it waits for the server’s try').toBe(refusedAt)
    // Retry now: the server tries the PBX at once, and the panel asks at once.
    const retried = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/feed/retry')
    await page.getByRole('button', { name: 'Retry now' }).click()
    expect((await (await retried).response())?.status()).toBe(204)
    await expect(status(page)).toHaveText('Live', { timeout: 15_000 })
    await expectPanelMatchesSim(page, sim, EXTS)
    const recovered = Date.now() - t0
    const after = polls.slice(refusedAt)
    const showed = await statusSince(page, start.logMark)
    note(info, {
      fault: `Refused key (${style === 'code' ? 'Code -1 "invalid apiKey"' : style === 'http401' ? 'HTTP 401' : 'HTTP 403 HTML'}), accepted again`,
      showed: `${showed.join(' → ')} → Live (via Retry now)`,
      requests: `1 refused (503 feed-down, key-refused; next try shown ${wait} s away), none while waiting; POST /api/feed/retry + ${after.length} poll(s) to Live`,
      recovered: `${recovered} ms`,
    })
  })
}

const RESTARTS = [
  {
    name: 'a PBX restart (seq reset): a call ringing after it shows, the dropped call ends',
    echoCursor: false,
    fault: 'PBX restart (seq back to 0, calls dropped, connections closed)',
  },
  {
    // Then it answers a cursor it never issued with that cursor and no events: the server's check finds it.
    name: 'a PBX restart that echoes our old cursor back: the server finds it, the panel resyncs',
    echoCursor: true,
    fault: 'PBX restart that answers the old cursor with itself (seq back to 0, calls dropped)',
  },
] as const

for (const r of RESTARTS) {
  test(r.name, async ({ page, request }, info) => {
    const sim = simControl(request)
    const start = await openPanel(page, sim)
    const t0 = Date.now()
    await sim.restart({ echoCursor: r.echoCursor })
    await sim.ring('410', { callerId: '0291119999' })
    const fresh = region(page, '410').getByRole('article', { name: /0291119999/ })
    await expect(fresh).toBeVisible({ timeout: 15_000 })
    const shownAfter = Date.now() - t0
    // The calls the restart dropped end (a Hungup the server writes, or gone from its snapshot): none rings on.
    await expect(region(page, '410').getByRole('article', { name: /^Ringing: 0291110001/ })).toHaveCount(0)
    await expect(status(page)).toHaveText('Live')
    await expectPanelMatchesSim(page, sim, EXTS)
    const notice = await page.getByText(/^Resynchronised with the PBX/).allTextContents()
    const snapshots = polls.slice(start.mark).filter((p, i) => i > 0 && p.seq === '0').length
    const showed = await statusSince(page, start.logMark)
    note(info, {
      fault: r.fault,
      showed: `${[...showed, 'Live'].join(' → ')}${notice.map((n) => `; notice "${n}"`).join('')}; dropped calls ended`,
      requests: `${polls.length - start.mark} polls, ${snapshots} snapshot(s) (after a seq 0 from the server)`,
      recovered: `new call on screen ${shownAfter} ms after the restart`,
    })
  })
}

test('duplicated replies', async ({ page, request }, info) => {
  const sim = simControl(request)
  const start = await openPanel(page, sim)
  await sim.fault({ kind: 'http', status: 503 }, { kind: 'http', status: 503 }, { kind: 'duplicate' })
  const t0 = Date.now()
  await sim.ring('420', { callerId: '0291110003' })
  await expectServerWords(page, start.mark, /^Reconnecting: /)
  // Events for the duplicated reply to carry twice: an answer and a new ringing call.
  await sim.connect(start.ringing, '410')
  await sim.ring('410', { callerId: '0291110004' })
  await expect(status(page)).toHaveText('Live', { timeout: 20_000 })
  await expectPanelMatchesSim(page, sim, EXTS)
  await expect(region(page, '410').getByRole('article', { name: /0291110004/ })).toHaveCount(1)
  await expect(region(page, '410').getByRole('article', { name: /^Connected: 0291110001/ })).toHaveCount(1)
  note(info, {
    fault: 'Duplicated PBX reply (same events and seq twice, after 2 × 503)',
    showed: `${(await statusSince(page, start.logMark)).join(' → ')} → Live; one card per call`,
    requests: `${polls.length - start.mark} polls (the server numbers events itself: the copy adds none)`,
    recovered: `${Date.now() - t0} ms`,
  })
})

/** A reply the PBX sent earlier, delivered again (a replaying proxy or cache) with the given seq. */
function staleReply(seq: number, ringing: string, talkingEnded: string) {
  const ev = (uniqueCallId: string, status: string, callerId: string) => ({
    CallData: {
      uniqueCallId,
      status,
      callerId,
      canAnswer: status === 'Ringing',
      inbound: true,
      isQueueCall: false,
      isClickToDialCall: false,
    },
    CallID: 1,
    Code: 0,
  })
  const body = {
    Data: { '410': [ev(ringing, 'Ringing', '0291110001')], '400': [ev(talkingEnded, 'Connected', '0291110002')] },
    seq,
    Code: 0,
  }
  return { kind: 'http', status: 200, contentType: 'application/json', body: JSON.stringify(body) }
}

for (const variant of ['older seq', 'current seq'] as const) {
  test(`a replayed stale reply (${variant}) neither rewinds nor resurrects a call`, async ({ page, request }, info) => {
    const sim = simControl(request)
    const start = await openPanel(page, sim)
    const old = (await sim.state([...EXTS])).seq
    // Since that reply: the ringing call was answered, the talking one hung up.
    await sim.connect(start.ringing, '410')
    await sim.status(start.talking, 'Hungup')
    await expectPanelMatchesSim(page, sim, EXTS)
    await untilPollHeld(sim)
    const mark = polls.length
    const logMark = (await statusLog(page)).length
    // A plain ring adds exactly one event, so the cursor after it is now + 1.
    const seq = variant === 'older seq' ? old : (await sim.state([...EXTS])).seq + 1
    await sim.fault(staleReply(seq, start.ringing, start.talking))
    const t0 = Date.now()
    await sim.ring('420', { callerId: '0291110003' })
    await expect(region(page, '420').getByRole('article', { name: /0291110003/ })).toBeVisible()
    await expect(status(page)).toHaveText('Live', { timeout: 15_000 })
    await expectPanelMatchesSim(page, sim, EXTS)
    await expect(region(page, '410').getByRole('article', { name: /^Connected: 0291110001/ })).toHaveCount(1)
    await expect(region(page, '400').getByRole('article', { name: /^(Ringing|Connected)/ })).toHaveCount(0)
    const notice = await page.getByText(/resynchronis/i).allTextContents()
    note(info, {
      fault: `Replayed stale PBX reply (${variant}: seq ${seq}, an answered call as Ringing, a hung-up call as Connected)`,
      showed:
        [
          ...summariseStatus((await statusLog(page)).slice(logMark).map((e) => e.text)),
          ...notice.map((n) => `notice "${n}"`),
        ].join(' → ') || 'Live',
      requests: `${polls.length - mark} polls`,
      recovered: `${Date.now() - t0} ms`,
    })
  })
}

test('offline, then online again (page.clock)', async ({ page, context, request }, info) => {
  const sim = simControl(request)
  await page.clock.install()
  const start = await openPanel(page, sim)
  const fetchesBefore = (await subscribeFetches(page)).started
  // The held poll fails when the network goes, before or after the browser's `offline` event: offline either way.
  await context.setOffline(true)
  await expect(status(page)).toHaveText('Offline — waiting for the network')
  await sim.status(start.ringing, 'Hungup')
  await sim.ring('410', { callerId: '0291110004' })
  // Half a minute offline: the status keeps saying so, and nothing hammers the dead network.
  for (let t = 0; t < 30_000; t += 5000) {
    await page.clock.runFor(5000)
    await expect(status(page)).toHaveText('Offline — waiting for the network')
  }
  const tried = (await subscribeFetches(page)).started - fetchesBefore
  expect(tried, 'polls attempted while offline').toBeLessThanOrEqual(1)
  // Page time stands still: what brings the feed back is the online event, not a timer.
  await page.clock.pauseAt(new Date((await pageNow(page)) + 1000))
  await context.setOffline(false)
  const recovered = await pageTimeUntil(page, 1000, async () => (await status(page).textContent()) === 'Live')
  expect(recovered, 'polls at once on online').toBeLessThanOrEqual(1000)
  await page.clock.resume()
  await expect(status(page)).toHaveText('Live')
  await expectPanelMatchesSim(page, sim, EXTS)
  const showed = await statusSince(page, start.logMark)
  expect(showed, 'never "Reconnecting" for a network that went away').toEqual(['Offline — waiting for the network'])
  note(info, {
    fault: 'Offline 30 s (context.setOffline), then online',
    showed: `${showed.join(' → ')} → Live`,
    requests: `${tried} poll attempts while offline ≤ 1; 1 poll on online`,
    recovered: `within ${recovered} ms page time after online`,
  })
})

/**
 * Page time (the clock paused) moved on in `step` ms, each step once no poll is on its way, until
 * `done`; returns the page time it took, or Infinity past `limit`. Load stretches no page time.
 */
async function pageTimeUntil(page: Page, limit: number, done: () => Promise<boolean>, step = 250) {
  for (let t = 0; ; t += step) {
    await expect
      .poll(async () => {
        const s = await subscribeFetches(page)
        return (await done()) || s.started === s.settled
      })
      .toBe(true)
    if (await done()) return t
    if (t >= limit) return Infinity
    await page.clock.runFor(step)
  }
}

test('the PBX down for a minute (page.clock)', async ({ page, request }, info) => {
  const sim = simControl(request)
  await page.clock.install()
  const start = await openPanel(page, sim)
  const outage = Array.from({ length: 120 }, (_, i) => ({ kind: 'http', status: i % 2 ? 502 : 503 }))
  await sim.fault(...outage)
  await sim.ring('420', { callerId: '0291110003' })
  await expectServerWords(page, start.mark, /^Reconnecting: /)
  // What is on screen shows it is as last heard (timers stopped, Answer off) until the feed is back.
  const staleNote = page.locator('article[data-stale]')
  await expect(staleNote.first()).toBeVisible()
  await sim.status(start.ringing, 'Hungup')
  await sim.ring('410', { callerId: '0291110004' })
  // A minute of page time, a second at a time, each retry allowed to land before time moves on.
  const from = polls.length
  for (let t = 0; t < 60_000; t += 1000) {
    await page.clock.runFor(1000)
    await settled(page)
  }
  const during = polls.length - from
  // Never sooner than a second apart (page time runs ahead of the server's, so its retryAt is soon passed).
  expect(during).toBeLessThanOrEqual(61)
  expect(during).toBeGreaterThanOrEqual(2)
  const waits = (await statusLog(page))
    .slice(start.logMark)
    .flatMap((e) => /next try in (\d+) s/.exec(e.text)?.[1] ?? [])
    .map(Number)
  expect(Math.max(...waits), 'never waits more than the cap and a second').toBeLessThanOrEqual(CAP_MS / 1000 + 1)
  await sim.clearFaults()
  // The PBX is back: the server's next try (real time, at most its cap away) ends the outage for the panel.
  const back = Date.now()
  await page.clock.resume()
  await expect(status(page)).toHaveText('Live', { timeout: CAP_MS + 15_000 })
  await expect(staleNote).toHaveCount(0)
  await expectPanelMatchesSim(page, sim, EXTS)
  const recovered = Date.now() - back
  note(info, {
    fault: 'PBX down for a minute (503/502 to every server poll)',
    showed: `${(await statusSince(page, start.logMark)).slice(0, 2).join(' → ')} … (longest wait ${Math.max(...waits)} s) → Live`,
    requests: `${during} panel polls in 60 s of page time (≤ 61: never under 1 s apart)`,
    recovered: `${recovered} ms after the PBX came back (the server's next try, ≤ ${CAP_MS / 1000} s, + the panel's)`,
  })
})

test('diagnostics show the faults and download as a JSON file', async ({ page, request }, info) => {
  const sim = simControl(request)
  const start = await openPanel(page, sim)
  await sim.fault({ kind: 'http', status: 503 }, { kind: 'truncated' }, { kind: 'negativeCode' })
  await sim.ring('420', { callerId: '0291110003' })
  await expect(status(page)).toHaveText(/^Reconnecting/)
  await expect(status(page)).toHaveText('Live', { timeout: 30_000 })
  await expectPanelMatchesSim(page, sim, EXTS)
  await page.getByRole('button', { name: 'Diagnostics', exact: true }).click()
  const diag = page.getByRole('dialog', { name: 'Diagnostics', exact: true })
  // The server meets all three; the panel is told of those that are current when it asks (at least one).
  const said = [...new Set(polls.slice(start.mark).flatMap((p) => p.said ?? []))]
  expect(said.length).toBeGreaterThanOrEqual(1)
  for (const text of said) await expect(diag.getByRole('row').filter({ hasText: text }).first()).toBeVisible()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    diag.getByRole('button', { name: 'Download diagnostics' }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(/^switchboard-diagnostics-\d+\.json$/)
  const report = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
    feed: { seq: string }
    entries: { type: string; text: string; at: string }[]
  }
  const faults = report.entries.filter((e) => e.type === 'fault').map((e) => e.text)
  expect(faults.length).toBeGreaterThanOrEqual(1)
  // The server says how its PBX poll failed (a reset socket after a broken reply is "unreachable").
  for (const f of faults) expect(f).toMatch(/^feed-down \((pbx-error|unreachable)\): /)
  expect(report.entries.filter((e) => e.type === 'request').length).toBeGreaterThanOrEqual(3)
  // The cursor is the server's (its log's seq starts at a Date.now() base), not the PBX's.
  expect(Number(report.feed.seq), "the cursor in the file is the server's").toBeGreaterThan(
    (await sim.state([...EXTS])).seq,
  )
  expect(JSON.stringify(report)).not.toMatch(/apiKey/i)
  note(info, {
    fault: 'Diagnostics after 503, truncated JSON, Code -2 at the PBX',
    showed: `panel lists the server's ${said.length} message(s); download ${download.suggestedFilename().replace(/\d+/, 'N')} holds ${report.entries.length} entries, seq ${report.feed.seq}`,
    requests: `${polls.length - start.mark} polls`,
    recovered: '—',
  })
})

function writeReport() {
  const file = new URL('../docs/reliability.md', import.meta.url)
  const header = [
    '# Reliability: faults tried and survived',
    '',
    'This file is written by the fault suite run as `npm run docs` (its `afterAll` hook), against the',
    'built-in PBX simulator in real Chromium, through the Switchboard server. Each row is one fault: what the role=status',
    "element said while it lasted (the server's message; countdown digits shown as N), the subscribe requests the panel",
    "sent the server during the fault (each retry at least 1 s after a refusal, at the server's next try + 1 s when it",
    'says when that is, full jitter otherwise: base 1 s, cap 30 s), how long until the panel again',
    "showed exactly the simulator's true state (every region's cards compared with the PBX's list of active calls, no",
    'duplicate), measured from the start of the fault (page-clock time where the test drives `page.clock`), and the result.',
    'A partial run updates only its own rows.',
    '',
    '| Fault | What the panel showed | Subscribe requests during the fault (bound) | Recovered in | Result |',
    '|---|---|---|---|---|',
  ]
  const existing = new Map<string, string>()
  try {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(header.length))
      if (line.startsWith('| ')) existing.set(line.split(' | ')[0].slice(2).split(': ')[0], line)
  } catch {
    // first run: no file yet
  }
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  for (const r of rows.values())
    existing.set(
      r.fault.split(': ')[0],
      `| ${[r.fault, r.showed, r.requests, r.recovered, r.result].map(cell).join(' | ')} |`,
    )
  writeFileSync(file, [...header, ...existing.values(), ''].join('\n'))
}
