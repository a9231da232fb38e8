// The fault suite of issue 5: every fault the simulator can produce, in real Chromium. After each one
// the panel must equal the PBX's truth, the retries must respect the backoff policy, and the status
// must have told the truth. Run as `npm run docs`, each test adds a row to docs/reliability.md.
import { readFileSync, writeFileSync } from 'node:fs'
import { expect, test, type Page, type TestInfo } from './fixtures.ts'
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
// The policy under test (src/features/calls/call-queries.ts, src/lib/backoff.ts).
const FLOOR_MS = 1000
const CAP_MS = 30_000
const AUTH_RETRY_MS = 60_000
/** The server's held PBX poll (server/feed/upstream.ts UPSTREAM_HOLD_S). */
const UPSTREAM_HOLD_MS = 25_000
/** Timer and network slop allowed under the 1 s floor between two retries (a timer never fires early). */
const SLOP_MS = 100

/** The longest full-jitter wait before retry n (0-based): min(cap, base·2^n), never under the floor. */
const maxDelay = (n: number) => Math.max(FLOOR_MS, Math.min(CAP_MS, FLOOR_MS * 2 ** n))

type Req = { method: string; params: Record<string, string>; at: number }

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

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

test.afterEach(async ({ page, request }, info) => {
  const row = rows.get(info.title) ?? { fault: info.title, showed: '—', requests: '—', recovered: '—', result: '' }
  const ok = info.status === info.expectedStatus
  if (!ok) {
    // What the status said and what the PBX was asked: the first things to read on a failure.
    const log = await statusLog(page).catch(() => [])
    const subs = (await simControl(request).requests()).filter((r) => r.method === 'subscribe')
    await info.attach('status-log.json', { body: JSON.stringify(log, null, 1), contentType: 'application/json' })
    await info.attach('subscribes.json', { body: JSON.stringify(subs, null, 1), contentType: 'application/json' })
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

/** The client's next poll is at the PBX: a fault queued now hits the poll after it, not this one. */
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
  return { ringing, talking, mark: (await sim.requests()).length, logMark: (await statusLog(page)).length }
}

const subscribesSince = async (sim: Sim, mark: number): Promise<Req[]> =>
  (await sim.requests()).slice(mark).filter((r) => r.method === 'subscribe')

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

const gapsOf = (reqs: Req[]) => reqs.slice(1).map((r, i) => r.at - reqs[i].at)
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/**
 * A burst of `faults` in real time: the poll after a new ringing call meets them; meanwhile a call
 * hangs up and another rings. Checks spacing (≥ the floor, ≤ the jitter ceiling), the catch-up poll
 * (timeOut=0), the status text and the final truth.
 */
async function burst(
  page: Page,
  sim: Sim,
  info: TestInfo,
  name: string,
  faults: Record<string, unknown>[],
  status: RegExp,
  { refused = false } = {},
) {
  const start = await openPanel(page, sim)
  await sim.fault(...faults)
  const t0 = Date.now()
  await sim.ring('420', { callerId: '0291110003' })
  await expect(page.getByRole('status')).toHaveText(status)
  // The world moves on while the PBX misbehaves; the catch-up must bring all of it.
  await sim.status(start.ringing, 'Hungup')
  await sim.ring('410', { callerId: '0291110004' })
  await expect(page.getByRole('status')).toHaveText('Live', { timeout: 40_000 })
  await expectPanelMatchesSim(page, sim, EXTS)
  const recovered = Date.now() - t0

  const k = faults.length
  // Refused twice in a row, the cursor is given up: the catch-up itself asks for the current state.
  // Otherwise the catch-up keeps the cursor, and a snapshot then checks the PBX did not restart.
  const n = refused ? k + 1 : k + 2
  // "Live" shows on the catch-up's reply; the check goes out after it.
  await expect.poll(async () => (await subscribesSince(sim, start.mark)).length).toBeGreaterThanOrEqual(n)
  const subs = await subscribesSince(sim, start.mark)
  const during = subs.slice(0, n)
  expect(during.length, 'the failed polls, the catch-up and the check').toBe(n)
  expect(during[k].params.timeOut, 'the first poll after a failure asks timeOut=0').toBe('0')
  if (refused)
    expect(during[k].params.lastSequenceNumber, 'refused twice: the catch-up asks for the current state').toBe('0')
  else {
    expect(during[k].params.lastSequenceNumber, '… with the cursor, so what happened meanwhile is kept').toBe(
      during[0].params.lastSequenceNumber,
    )
    expect(during[k].params.lastSequenceNumber).not.toBe('0')
    expect(
      [during[k + 1].params.lastSequenceNumber, during[k + 1].params.timeOut],
      'then the current state, in case the PBX restarted',
    ).toEqual(['0', '0'])
  }
  const gaps = gapsOf(during.slice(0, k + 1))
  gaps.forEach((g, i) =>
    expect(g, `retry ${i + 1} waited at least the floor`).toBeGreaterThanOrEqual(FLOOR_MS - SLOP_MS),
  )
  // The waits the panel chose (and showed), not how long a loaded machine took to honour them.
  const waits = (await statusLog(page))
    .slice(start.logMark)
    .flatMap((e) => /next try in (\d+) s/.exec(e.text)?.[1] ?? [])
    .map(Number)
  expect(Math.max(0, ...waits), 'no wait beyond the jitter ceiling').toBeLessThanOrEqual(maxDelay(k - 1) / 1000)
  // At recovery: the k failed polls, the catch-up, the check, and at most the next held poll.
  expect(subs.length).toBeLessThanOrEqual(n + 1)
  const showed = await statusSince(page, start.logMark)
  note(info, {
    fault: name,
    showed: showed.join(' → ') + ' → Live',
    requests: `${during.length} ≤ ${n} (k failed + ${refused ? '1 snapshot catch-up, the cursor refused twice' : '1 catch-up with the cursor and timeOut=0 + 1 snapshot to check for a restart'}); gaps ${gaps.map(secs).join(', ')}`,
    recovered: `${recovered} ms`,
  })
}

for (const code of [500, 502, 503]) {
  test(`HTTP ${code} burst`, async ({ page, request }, info) => {
    const faults = Array.from({ length: 3 }, () => ({ kind: 'http', status: code }))
    await burst(
      page,
      simControl(request),
      info,
      `HTTP ${code} × 3`,
      faults,
      /^Reconnecting: The PBX is having trouble — (next try in \d+ s|trying now)$/,
    )
  })
}

test('connection reset mid-response', async ({ page, request }, info) => {
  // Headers and half a body, then the socket dies: the panel must notice at once, not at its 35 s deadline.
  await burst(
    page,
    simControl(request),
    info,
    'Connection reset mid-response × 2',
    [{ kind: 'reset' }, { kind: 'reset' }],
    // The server reads the reset and says so (502, X-Switchboard-Proxy: ECONNRESET): the network's trouble either way.
    /^Reconnecting: (Cannot reach the PBX|The PBX sent a reply Switchboard cannot read) — (next try in \d+ s|trying now)$/,
  )
})

test('an HTML page instead of JSON', async ({ page, request }, info) => {
  await burst(
    page,
    simControl(request),
    info,
    'HTML page (HTTP 200) × 2',
    [{ kind: 'html' }, { kind: 'html' }],
    /^Reconnecting: The PBX sent a reply Switchboard cannot read — (next try in \d+ s|trying now)$/,
  )
})

test('truncated JSON', async ({ page, request }, info) => {
  await burst(
    page,
    simControl(request),
    info,
    'Truncated JSON × 2',
    [{ kind: 'truncated' }, { kind: 'truncated' }],
    /^Reconnecting: The PBX sent a reply Switchboard cannot read — (next try in \d+ s|trying now)$/,
  )
})

test('a wrong shape', async ({ page, request }, info) => {
  await burst(
    page,
    simControl(request),
    info,
    'Wrong shape (no seq, no Data) × 2',
    [{ kind: 'wrongShape' }, { kind: 'wrongShape' }],
    /^Reconnecting: The PBX sent a reply Switchboard cannot read — (next try in \d+ s|trying now)$/,
  )
})

test('a negative Code', async ({ page, request }, info) => {
  await burst(
    page,
    simControl(request),
    info,
    'Negative Code (-2, HTTP 200) × 2',
    [{ kind: 'negativeCode' }, { kind: 'negativeCode' }],
    /^Reconnecting: The PBX refused the request — (next try in \d+ s|trying now)$/,
    { refused: true },
  )
})

const status = (page: Page) => page.getByRole('status')
const pageNow = (page: Page) => page.evaluate(() => Date.now())

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
const region = (page: Page, ext: string) => page.getByRole('region', { name: `Extension ${ext}`, exact: true })

test('a reply that never comes (the server gives up at its deadline)', async ({ page, request }, info) => {
  // The server, not the browser, polls the PBX now: its deadline (the hold + SWITCHBOARD_UPSTREAM_SLACK_MS,
  // 3 s in playwright.config.ts) runs in real time, so this waits for the condition in real time.
  const sim = simControl(request)
  const start = await openPanel(page, sim)
  await sim.fault({ kind: 'hang' })
  const t0 = Date.now()
  await sim.ring('420', { callerId: '0291110003' })
  // The poll after that event is the one the PBX never answers.
  await expect.poll(async () => (await subscribesSince(sim, start.mark)).length).toBe(1)
  await sim.status(start.ringing, 'Hungup')
  await sim.ring('410', { callerId: '0291110004' })
  // Nothing to tell until the deadline; then the server mirrors it, and the panel says so.
  await expect(status(page)).toHaveText(/^Reconnecting: The PBX is not answering — (next try in \d+ s|trying now)$/, {
    timeout: UPSTREAM_HOLD_MS + 3000 + 20_000,
  })
  await expect(status(page)).toHaveText('Live', { timeout: 20_000 })
  await expectPanelMatchesSim(page, sim, EXTS)
  const recovered = Date.now() - t0
  await expect.poll(async () => (await subscribesSince(sim, start.mark)).length).toBeGreaterThanOrEqual(3)
  const subs = await subscribesSince(sim, start.mark)
  expect(subs[0].params.timeOut, 'the hung poll was a held one').toBe('25')
  expect(subs[1].params.timeOut, 'the retry catches up with timeOut=0').toBe('0')
  expect(subs[1].params.lastSequenceNumber).toBe(subs[0].params.lastSequenceNumber)
  expect([subs[2].params.lastSequenceNumber, subs[2].params.timeOut], 'then a snapshot checks for a restart').toEqual([
    '0',
    '0',
  ])
  expect(subs.length).toBeLessThanOrEqual(4)
  const showed = await statusSince(page, start.logMark)
  note(info, {
    fault: 'Reply never comes (hang)',
    showed: `Live (nothing to tell until the server's deadline) → ${showed.join(' → ')} → Live`,
    requests: `${Math.min(subs.length, 3)} ≤ 3 (the hung poll, given up by the server at the hold + its slack, + 1 catch-up + 1 snapshot to check for a restart)`,
    recovered: `${recovered} ms (the server's deadline, real time, + retry)`,
  })
})

const AUTH_TEXT = {
  code: /^The PBX rejected the API key: Authentication failed: invalid apiKey — next try in (60|59) s$/,
  http401: /^The PBX rejected the API key \(HTTP 401\) — next try in (60|59) s$/,
  html403: /^The PBX rejected the API key \(HTTP 403\) — next try in (60|59) s$/,
} as const

for (const style of ['code', 'http401', 'html403'] as const) {
  test(`a refused key (${style}), then the key accepted again`, async ({ page, request }, info) => {
    const sim = simControl(request)
    await page.clock.install()
    const start = await openPanel(page, sim)
    await sim.auth(true, style)
    const t0 = await pageNow(page)
    await sim.ring('420', { callerId: '0291110003' })
    await expect(status(page)).toHaveText(AUTH_TEXT[style])
    // Freeze page time: the control calls below take real time that must not count against the minute.
    await page.clock.pauseAt(new Date((await pageNow(page)) + 1000))
    await expect(status(page)).toHaveAttribute('data-phase', 'auth')
    await sim.status(start.ringing, 'Hungup')
    await sim.ring('410', { callerId: '0291110004' })
    await sim.auth(false)
    let how: string
    if (style === 'code') {
      // Slowly: the PBX will not change its mind every second.
      await page.clock.runFor(AUTH_RETRY_MS - 5000)
      // The server answers for the PBX: a browser poll just after the refusal may bring one try forward
      // (a second after the refused one, never sooner); then nothing more within the minute.
      expect((await subscribesSince(sim, start.mark)).length, 'no retry within the minute').toBeLessThanOrEqual(2)
      await expect(status(page)).toHaveText(/^The PBX rejected the API key: .* — next try in [1-5] s$/)
      await page.clock.resume()
      await page.clock.runFor(5000)
      how = 'the 60 s retry'
    } else {
      await page.clock.resume()
      await page.getByRole('button', { name: 'Retry now' }).click()
      how = 'Retry now'
    }
    await expect(status(page)).toHaveText('Live')
    await expectPanelMatchesSim(page, sim, EXTS)
    const recovered = (await pageNow(page)) - t0
    // The refused poll, one retry catching up (timeOut=0), the check for a restart; then only held polls.
    await expect.poll(async () => (await subscribesSince(sim, start.mark)).length).toBeGreaterThanOrEqual(3)
    const subs = await subscribesSince(sim, start.mark)
    // The server answers for the PBX: a browser's poll during the refusal may bring one more try forward
    // (at most once a second), so the catch-up with the cursor comes on the 1st or 2nd retry.
    const check = subs.findIndex((r, i) => i > 0 && r.params.lastSequenceNumber === '0')
    expect(check, 'a snapshot checks for a restart after the catch-up').toBeGreaterThanOrEqual(2)
    expect(check).toBeLessThanOrEqual(3)
    expect(
      subs.slice(1, check).map((r) => [r.params.lastSequenceNumber, r.params.timeOut]),
      'retries with the cursor and timeOut=0',
    ).toEqual(subs.slice(1, check).map(() => [subs[0].params.lastSequenceNumber, '0']))
    expect(subs[check].params.timeOut, 'then a snapshot checks').toBe('0')
    expect(
      subs.slice(check + 1).map((r) => r.params.timeOut),
      'then only held polls',
    ).toEqual(subs.slice(check + 1).map(() => '25'))
    const showed = await statusSince(page, start.logMark)
    note(info, {
      fault: `Refused key (${style === 'code' ? 'Code -1 "invalid apiKey"' : style === 'http401' ? 'HTTP 401' : 'HTTP 403 HTML'}), accepted again`,
      showed: `${showed.join(' → ')} → Live (via ${how})`,
      requests: `${Math.min(subs.length, 2)} ≤ 2 (1 refused + 1 retry ${how === 'Retry now' ? 'on Retry now' : 'after 60 s'})`,
      recovered: `${recovered} ms page time`,
    })
  })
}

const RESTARTS = [
  {
    name: 'a PBX restart (seq reset): a call ringing after it shows within 2 s',
    echoCursor: false,
    notice: "Resynchronised with the PBX (the PBX's sequence went back)",
    fault: 'PBX restart (seq back to 0, calls dropped, held poll cut)',
    second: 'the resync snapshot',
    requests: 'retry with the old cursor, timeOut=0 → lower seq → snapshot lastSequenceNumber=0&timeOut=0',
  },
  {
    // Held polls cut; then it answers a cursor it never issued with that cursor and no events.
    name: 'a PBX restart that echoes our old cursor back: the snapshot after the catch-up finds it',
    echoCursor: true,
    // The server finds the restart (its check snapshot after the catch-up) and starts a new log: the panel's
    // cursor falls outside it and the server answers seq 0 — to the panel, a sequence that went back.
    notice: "Resynchronised with the PBX (the PBX's sequence went back)",
    fault: 'PBX restart that answers the old cursor with itself (seq back to 0, calls dropped, held poll cut)',
    second: 'the check after the catch-up',
    requests: 'catch-up with the old cursor → the same cursor back, no events → snapshot check: a lower seq',
  },
] as const

for (const r of RESTARTS) {
  test(r.name, async ({ page, request }, info) => {
    const sim = simControl(request)
    await page.clock.install()
    const start = await openPanel(page, sim)
    const before = (await sim.state([...EXTS])).seq
    await page.clock.pauseAt(new Date((await pageNow(page)) + 1000))
    await sim.restart({ echoCursor: r.echoCursor })
    await sim.ring('410', { callerId: '0291119999' })
    const fresh = region(page, '410').getByRole('article', { name: /0291119999/ })
    const shownAfter = await pageTimeUntil(page, 2000, async () => (await fresh.count()) > 0)
    await page.clock.resume()
    await expect(fresh).toBeVisible()
    // The calls the restart dropped end; they do not ring forever.
    await expect(region(page, '410').getByRole('article', { name: /^Ended: 0291110001/ })).toBeVisible()
    // The echo case too: the server holds a browser's catch-up until its own check has found the restart, so the
    // panel's cursor meets the new log (seq 0) rather than a check snapshot from it (a higher seq, no notice).
    await expect(page.getByText(r.notice)).toBeVisible()
    await expect(status(page)).toHaveText('Live')
    await expectPanelMatchesSim(page, sim, EXTS)
    const subs = await subscribesSince(sim, start.mark)
    expect(subs[0].params).toMatchObject({ lastSequenceNumber: String(before), timeOut: '0' })
    expect(subs[1].params, r.second).toMatchObject({ lastSequenceNumber: '0', timeOut: '0' })
    expect(subs.length).toBeLessThanOrEqual(3)
    // "Within a second or two" of page time: the 1 s retry floor plus two round trips.
    expect(shownAfter, 'a call ringing after the restart is on screen within 2 s').toBeLessThanOrEqual(2000)
    const showed = await statusSince(page, start.logMark)
    note(info, {
      fault: r.fault,
      showed: `${[...showed, 'Live'].join(' → ')}; notice "${r.notice}"; dropped calls shown Ended`,
      requests: `2 ≤ 2 (${r.requests})`,
      recovered: `new call on screen within ${shownAfter} ms page time after the restart`,
    })
  })
}

test('duplicated replies', async ({ page, request }, info) => {
  const sim = simControl(request)
  const start = await openPanel(page, sim)
  await sim.fault({ kind: 'http', status: 503 }, { kind: 'http', status: 503 }, { kind: 'duplicate' })
  const t0 = Date.now()
  await sim.ring('420', { callerId: '0291110003' })
  await expect(status(page)).toHaveText(/^Reconnecting: The PBX is having trouble/)
  // Events for the duplicated reply to carry twice: an answer and a new ringing call.
  await sim.connect(start.ringing, '410')
  await sim.ring('410', { callerId: '0291110004' })
  await expect(status(page)).toHaveText('Live', { timeout: 20_000 })
  await expect.poll(async () => (await subscribesSince(sim, start.mark)).length).toBeGreaterThanOrEqual(6)
  await expectPanelMatchesSim(page, sim, EXTS)
  await expect(region(page, '410').getByRole('article', { name: /0291110004/ })).toHaveCount(1)
  const subs = await subscribesSince(sim, start.mark)
  const [, , dup, check, again, next] = subs.map((r) => Number(r.params.lastSequenceNumber))
  expect(check, 'after the catch-up, a snapshot checks for a restart').toBe(0)
  expect(again, 'the duplicated reply carried events').toBeGreaterThan(dup)
  expect(next, 'its copy carried the same seq').toBe(again)
  note(info, {
    fault: 'Duplicated reply (same events and seq twice, after 2 × 503)',
    showed: `${(await statusSince(page, start.logMark)).join(' → ')} → Live; one card per call`,
    requests: `${subs.length} ≤ 6 (2 failed, catch-up, snapshot check, the duplicate, next held poll)`,
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
    // Else the poll still to come after the hang-up takes the stale reply at once, before the
    // ring below, and the ring costs one poll more than the bound counts.
    await untilPollHeld(sim)
    const mark = (await sim.requests()).length
    const logMark = (await statusLog(page)).length
    // A plain ring adds exactly one event, so the cursor after it is now + 1.
    const seq = variant === 'older seq' ? old : (await sim.state([...EXTS])).seq + 1
    await sim.fault(staleReply(seq, start.ringing, start.talking))
    const t0 = Date.now()
    await sim.ring('420', { callerId: '0291110003' })
    await expect.poll(async () => (await subscribesSince(sim, mark)).length).toBeGreaterThanOrEqual(2)
    await expect(status(page)).toHaveText('Live')
    await expectPanelMatchesSim(page, sim, EXTS)
    await expect(region(page, '410').getByRole('article', { name: /^Connected: 0291110001/ })).toHaveCount(1)
    await expect(region(page, '400').getByRole('article', { name: /^(Ringing|Connected)/ })).toHaveCount(0)
    const subs = await subscribesSince(sim, mark)
    const notice = await page.getByText(/resynchronis/i).allTextContents()
    note(info, {
      fault: `Replayed stale reply (${variant}: seq ${seq}, an answered call as Ringing, a hung-up call as Connected)`,
      showed:
        [
          ...summariseStatus((await statusLog(page)).slice(logMark).map((e) => e.text)),
          ...notice.map((n) => `notice "${n}"`),
        ].join(' → ') || 'Live',
      requests: `${subs.length} ≤ 3 (the stale reply${variant === 'older seq' ? ', resync snapshot' : ''}, next held poll)`,
      recovered: `${Date.now() - t0} ms`,
    })
    expect(subs.length).toBeLessThanOrEqual(3)
  })
}

test('offline, then online again (page.clock)', async ({ page, context, request }, info) => {
  const sim = simControl(request)
  await page.clock.install()
  const start = await openPanel(page, sim)
  const fetchesBefore = (await subscribeFetches(page)).started
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
  // The server's one poll held on at the PBX while this browser was offline: the PBX saw nothing of it.
  const subs = await subscribesSince(sim, start.mark)
  expect(subs.length, 'no extra PBX request for a browser that went offline').toBeLessThanOrEqual(2)
  note(info, {
    fault: 'Offline 30 s (context.setOffline), then online',
    showed: `${(await statusSince(page, start.logMark)).join(' → ')} → Live`,
    requests: `${tried} poll attempts while offline ≤ 1; ${Math.min(subs.length, 1)} catch-up on online`,
    recovered: `within ${recovered} ms page time after online`,
  })
})

test('the PBX down for a minute (page.clock)', async ({ page, request }, info) => {
  const sim = simControl(request)
  await page.clock.install()
  const start = await openPanel(page, sim)
  const outage = Array.from({ length: 120 }, (_, i) => ({ kind: 'http', status: i % 2 ? 502 : 503 }))
  await sim.fault(...outage)
  await sim.ring('420', { callerId: '0291110003' })
  await expect(status(page)).toHaveText(/^Reconnecting: The PBX is having trouble/)
  // What is on screen shows it is as last heard (timers stopped, Answer off) until the feed is back.
  const staleNote = page.locator('article[data-stale]')
  await expect(staleNote.first()).toBeVisible()
  await sim.status(start.ringing, 'Hungup')
  await sim.ring('410', { callerId: '0291110004' })
  // A second at a time, each retry allowed to land before time moves on.
  for (let t = 0; t < 60_000; t += 1000) {
    await page.clock.runFor(1000)
    await settled(page)
  }
  const during = await subscribesSince(sim, start.mark)
  // Floor 1 s: at most 1 + 60. Ceilings 1+2+4+8+16 s: at least 6 tries by 31 s.
  expect(during.length).toBeLessThanOrEqual(61)
  expect(during.length).toBeGreaterThanOrEqual(6)
  const waits = (await statusLog(page))
    .slice(start.logMark)
    .flatMap((e) => /next try in (\d+) s/.exec(e.text)?.[1] ?? [])
    .map(Number)
  expect(Math.max(...waits), 'never waits more than the 30 s cap').toBeLessThanOrEqual(30)
  await sim.clearFaults()
  const back = await pageNow(page)
  // The PBX is back: the next scheduled try (at most the cap away) catches up.
  for (let t = 0; t <= CAP_MS + 1000; t += 1000) {
    if ((await status(page).textContent()) === 'Live') break
    await page.clock.runFor(1000)
    await expect
      .poll(
        async () =>
          (await status(page).textContent()) === 'Live' ||
          (await subscribeFetches(page)).started === (await subscribeFetches(page)).settled,
      )
      .toBe(true)
  }
  await expect(status(page)).toHaveText('Live')
  await expect(staleNote).toHaveCount(0)
  await expectPanelMatchesSim(page, sim, EXTS)
  const recovered = (await pageNow(page)) - back
  expect(recovered).toBeLessThanOrEqual(CAP_MS + 1000)
  note(info, {
    fault: 'PBX down for a minute (503/502 to every poll)',
    showed: `${(await statusSince(page, start.logMark)).slice(0, 2).join(' → ')} … (longest wait ${Math.max(...waits)} s) → Live`,
    requests: `${during.length} in 60 s (bound 6 … 61: cap 30 s, floor 1 s)`,
    recovered: `${recovered} ms page time after the PBX came back (≤ ${(CAP_MS + 1000) / 1000} s)`,
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
  const seen = ['The PBX answered HTTP 503', 'not valid JSON', 'Internal error in CallManagementAPI (Code -2)']
  const shown = async () => {
    let n = 0
    for (const text of seen) n += await diag.getByRole('row').filter({ hasText: text }).count()
    return n
  }
  await expect.poll(shown).toBeGreaterThanOrEqual(1)
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
  for (const f of faults) expect(f).toMatch(/HTTP 503|not valid JSON|Code -2/)
  expect(report.entries.filter((e) => e.type === 'request').length).toBeGreaterThanOrEqual(4)
  // The cursor is the server's (its log's seq starts at a Date.now() base), not the PBX's.
  expect(Number(report.feed.seq), "the cursor in the file is the server's").toBeGreaterThan(
    (await sim.state([...EXTS])).seq,
  )
  expect(JSON.stringify(report)).not.toMatch(/apiKey/i)
  note(info, {
    fault: 'Diagnostics after 503, truncated JSON, Code -2',
    showed: `panel lists the 3 faults; download ${download.suggestedFilename().replace(/\d+/, 'N')} holds ${report.entries.length} entries, the 3 faults in order, seq ${report.feed.seq}`,
    requests: `${(await subscribesSince(sim, start.mark)).length} (3 failed, catch-up, held poll)`,
    recovered: '—',
  })
})

function writeReport() {
  const file = new URL('../docs/reliability.md', import.meta.url)
  const header = [
    '# Reliability: faults tried and survived',
    '',
    'This file is written by the fault suite run as `npm run docs` (its `afterAll` hook), against the',
    'built-in PBX simulator in real Chromium. Each row is one fault: what the role=status element said while it lasted',
    '(countdown digits shown as N), the subscribe requests the panel sent during the fault against the bound the backoff',
    'policy allows (full jitter, base 1 s, floor 1 s, cap 30 s; 60 s for a refused key), how long until the panel again',
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
