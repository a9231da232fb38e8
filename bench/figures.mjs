// One function per figure of issue 4. Each returns plain numbers; run.mjs summarises and reports.
import { readdirSync, readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  heapAndCounters,
  median,
  OUT_DIR,
  openPage,
  quantile,
  resourceTimings,
  ROOT,
  untilPollHeld,
} from './harness.mjs'

const range = (n, from) => Array.from({ length: n }, (_, i) => String(from + i))
const pageUrl = (url, exts) => `${url}/?exten=${exts.join(',')}`
const domLog = (page) => page.evaluate(() => window.__bench.dom)
const pageNow = (page) => page.evaluate(() => performance.now())

/** The reply that brought a DOM change: the last subscribe reply to end before it. */
const replyBefore = (replies, t) =>
  replies.filter((r) => r.end <= t).reduce((a, r) => (!a || r.end > a.end ? r : a), null)

/** The PBX's minimum poll period, which the client deliberately waits out (call-queries.ts). */
const MIN_POLL_PERIOD_MS = 100

/**
 * Reply received → next subscribe sent, for every reply in the window. `paced: false` is the raw
 * gap; `paced: true` starts the clock when the client may poll again (100 ms after the reply), so
 * it measures our latency, not the contract's wait.
 */
function turnarounds(replies, from, paced) {
  const s = replies.filter((r) => r.start >= from).sort((a, b) => a.start - b.start)
  return s.slice(1).map((r, i) => r.start - s[i].end - (paced ? MIN_POLL_PERIOD_MS : 0))
}

/**
 * event → screen, one extension count: `runs` repeats of `perRun` single-event replies (a call
 * rings: a card appears; it hangs up: the card's status changes). Also yields poll turnaround.
 */
export async function eventToScreen({ browser, url, sim }, n, runs = 5, perRun = 50) {
  await sim('reset')
  const exts = range(n, 2000)
  const onScreen = exts.slice(0, 20)
  const p = await openPage(browser, pageUrl(url, exts))
  await untilPollHeld(sim)
  const out = []
  let k = 0
  for (let r = 0; r < runs; r++) {
    const from = await pageNow(p.page)
    for (let i = 0; i < perRun / 2; i++, k++) {
      // Spread over the extensions on screen (the first 20; with windowing, those off screen are
      // not rendered at all, so a ring there changes no DOM), the page watching all n.
      const ext = onScreen[(k * 7) % onScreen.length]
      const id = `e2s-${n}-${k}`
      await sim('ring', { ext, uniqueCallId: id })
      await p.page.evaluate((id) => window.__bench.waitFor('card', id), id)
      await sim('status', { uniqueCallId: id, status: 'Hungup' })
      await p.page.evaluate((id) => window.__bench.waitFor('status', id, 'Hungup'), id)
    }
    await sleep(50)
    const replies = await resourceTimings(p.page, 'subscribe')
    const changes = (await domLog(p.page)).filter(
      (d) => d.t > from && (d.kind === 'card' || (d.kind === 'status' && d.value === 'Hungup')),
    )
    const dom = []
    const painted = []
    for (const c of changes) {
      const reply = replyBefore(replies, c.t)
      dom.push(c.t - reply.end)
      if (c.paint.paintAt) painted.push(c.paint.paintAt - reply.end)
    }
    out.push({
      events: dom.length,
      p50: median(dom),
      p95: quantile(dom, 0.95),
      max: Math.max(...dom),
      paintP95: quantile(painted, 0.95),
      turnaround: median(turnarounds(replies, from, true)),
      turnaroundRaw: median(turnarounds(replies, from, false)),
      samples: dom,
    })
  }
  await p.close()
  return out
}

/**
 * The two views: what marks an extension on screen, and the probe's record of its call arriving
 * (agent view: a card added; grid: a tile turning "ringing").
 */
const VIEWS = {
  agent: { query: '', kind: 'card', value: null, region: 'section[data-ext]', shows: '[data-call-id]' },
  grid: { query: '&view=grid', kind: 'tile', value: 'ringing', region: 'li[data-ext]', shows: null },
}

/** Extensions on screen, whether each shows its call, how many call elements the DOM holds. Runs in the page. */
const screenState = ({ region, shows }) => {
  const regions = [...document.querySelectorAll(region)]
  const onScreen = regions.filter((s) => {
    const r = s.getBoundingClientRect()
    return r.bottom > 0 && r.top < innerHeight
  })
  const has = (s) => (shows ? !!s.querySelector(shows) : s.getAttribute('data-state') !== 'idle')
  // What the probe logs them by: a card by its call, a tile by its extension.
  const ids = onScreen.flatMap((s) =>
    shows ? [...s.querySelectorAll(shows)].map((c) => c.getAttribute('data-call-id')) : [s.getAttribute('data-ext')],
  )
  return {
    onScreen: onScreen.length,
    filled: onScreen.every(has),
    ids,
    rendered: shows ? document.querySelectorAll(shows).length : regions.length,
  }
}

/** After `sim('burst')` at page time `from`: settle, tasks and frames, once nothing more arrives. */
async function measureBurst(p, v, view, from) {
  const arrived = (d) => d.kind === v.kind && (v.value === null || d.value === v.value) && d.t > from
  const count = () =>
    p.page.evaluate(
      ([kind, value, from]) =>
        window.__bench.dom.filter((d) => d.kind === kind && (value === null || d.value === value) && d.t > from).length,
      [v.kind, v.value, from],
    )
  for (let seen = -1, now = 0; seen !== now || now === 0;) {
    seen = now
    await sleep(500)
    now = await count()
  }
  const shown = await p.page.evaluate(screenState, v)
  if (!shown.filled)
    throw new Error(`burst (${view}): ${shown.onScreen} extensions on screen, not all showing their call`)
  const calls = (await domLog(p.page)).filter(arrived)
  const replies = await resourceTimings(p.page, 'subscribe')
  const firstReply = replyBefore(replies, Math.min(...calls.map((c) => c.t)))
  const latest = (list) => list.reduce((a, c) => (c.t > a.t ? c : a))
  const ids = new Set(shown.ids)
  const last = latest(calls.filter((c) => ids.has(c.id)))
  const lastRendered = latest(calls)
  const { longTasks, lafs } = await p.page.evaluate(() => ({
    longTasks: window.__bench.longTasks,
    lafs: window.__bench.lafs,
  }))
  // Tasks and frames until the whole burst is rendered, rows next to the screen too.
  const inWindow = (e) => e.start + e.duration >= from && e.start <= lastRendered.paint.paintAt
  return {
    replies: new Set(calls.map((c) => replyBefore(replies, c.t).start)).size,
    rendered: shown.rendered,
    onScreen: shown.onScreen,
    settledDom: last.t - firstReply.end,
    settledPaint: last.paint.paintAt - firstReply.end,
    allRendered: lastRendered.t - firstReply.end,
    longestTask: Math.max(0, ...longTasks.filter(inWindow).map((t) => t.duration)),
    longestFrame: Math.max(0, ...lafs.filter(inWindow).map((t) => t.duration)),
  }
}

/**
 * One reply carrying 1,000 Ringing events, one per extension, in the agent view or the grid.
 * Only what is on or near the screen is rendered (windowing), so "settled" is: the last extension
 * on screen shows its call (every one does), nothing more arriving for 500 ms (waiting on the
 * probe's log, so no layout is forced while measuring). Then it scrolls to the last extension, to
 * prove the rest is there, timing scroll → its call in the DOM. `cold`: the first burst of a fresh
 * page (no call shown yet, only the view's idle-time rehearsal of a card or tile per state);
 * `warm`: a second one in the same page once the first has ended and lingered out — any burst
 * later in a shift (skipped with `{ warm: false }`).
 */
export async function burst({ browser, url, sim }, n = 1000, runs = 5, view = 'agent', { warm: again = true } = {}) {
  const v = VIEWS[view]
  const exts = range(n, 4000)
  const out = []
  for (let r = 0; r < runs; r++) {
    await sim('reset')
    const p = await openPage(browser, pageUrl(url, exts) + v.query)
    await untilPollHeld(sim)
    await sleep(300)
    const from = await pageNow(p.page)
    await sim('burst', { exts })
    const cold = await measureBurst(p, v, view, from)
    // The rest of the burst is there: jump to the last extension, its call follows.
    const lastExt = exts.at(-1)
    const scrolledAt = await p.page.evaluate(() => {
      scrollTo(0, document.documentElement.scrollHeight)
      return performance.now()
    })
    const lastAt = await p.page.evaluate(
      ([kind, value, ext]) => {
        const el = document.querySelector(
          kind === 'card' ? `article[data-ext="${ext}"]` : `li[data-ext="${ext}"][data-state="${value}"]`,
        )
        const seen =
          el &&
          window.__bench.dom.find(
            (d) => d.kind === kind && d.id === (kind === 'card' ? el.getAttribute('data-call-id') : ext),
          )
        if (seen) return seen.t
        return new Promise((resolve) => {
          const check = () => {
            const hit = window.__bench.dom.find(
              (d) =>
                d.kind === kind &&
                (kind === 'card'
                  ? d.value === 'Ringing' &&
                    document.querySelector(`article[data-ext="${ext}"][data-call-id="${d.id}"]`)
                  : d.id === ext && d.value === value),
            )
            if (hit) resolve(hit.t)
            else requestAnimationFrame(check)
          }
          check()
        })
      },
      [v.kind, v.value, lastExt],
    )
    if (!again) {
      out.push({ ...cold, scrollToLast: lastAt - scrolledAt })
      await p.close()
      continue
    }
    // Back to the top, every call ended and lingered out (8 s), then the same burst again.
    await p.page.evaluate(() => scrollTo(0, 0))
    await sim('endAll')
    await sleep(10_000)
    await untilPollHeld(sim)
    const from2 = await pageNow(p.page)
    await sim('burst', { exts })
    const warm = await measureBurst(p, v, view, from2)
    out.push({ ...cold, scrollToLast: lastAt - scrolledAt, warm })
    await p.close()
  }
  return out
}

/** Click Answer on a ringing card: click → answer request sent, click → "Answering…" painted. */
export async function answer({ browser, url, sim }, runs = 7) {
  await sim('reset')
  const p = await openPage(browser, pageUrl(url, ['400', '410', '420']))
  await untilPollHeld(sim)
  const out = []
  for (let r = 0; r < runs + 1; r++) {
    const id = `answer-${r}`
    await sim('ring', { ext: '410', uniqueCallId: id })
    await p.page.evaluate((id) => window.__bench.waitFor('card', id), id)
    await sleep(200)
    const since = await pageNow(p.page)
    await p.page.locator(`[data-call-id="${id}"]`).getByRole('button', { name: 'Answer' }).click()
    await p.page.evaluate((since) => window.__bench.waitFor('text', null, 'Answering…', since), since)
    await p.page.evaluate((id) => window.__bench.waitFor('status', id, 'Connected'), id)
    const b = await p.page.evaluate(() => ({ clicks: window.__bench.clicks, dom: window.__bench.dom }))
    const { input: click, handled } = b.clicks.filter((c) => c.input > since)[0]
    const shown = b.dom.find((d) => d.kind === 'text' && d.t > since)
    const sent = (await resourceTimings(p.page, 'answer')).find((e) => e.start >= click)
    // The first click warms up code paths a real agent would have warmed long before.
    if (r > 0)
      out.push({
        toHandler: handled - click,
        toRequest: sent.start - click,
        toDom: shown.t - click,
        toPaint: shown.paint.paintAt - click,
      })
    await sim('endAll')
    await p.page.evaluate((id) => window.__bench.waitFor('status', id, 'Hungup'), id)
  }
  await p.close()
  return out
}

/** Pages watching quiet extensions for `seconds`: main-thread time and subscribe requests, per page. */
export async function idle({ browser, url, sim }, seconds = 60, pages = 5) {
  await sim('reset')
  const ps = await Promise.all(range(pages, 300).map((ext) => openPage(browser, pageUrl(url, [ext]))))
  // The pages poll the server, which holds one poll at the PBX for all: their own polls are counted in
  // each page (DevTools' network events: a request counts when it is sent, its reply still held).
  const sent = ps.map(() => [])
  await Promise.all(
    ps.map(async (p, i) => {
      p.cdp.on('Network.requestWillBeSent', (e) => {
        if (e.request.url.includes('/api/pbx/subscribe')) sent[i].push({ at: Date.now(), url: e.request.url })
      })
      await p.cdp.send('Network.enable')
    }),
  )
  await untilPollHeld(sim)
  const t0 = Date.now()
  while (!sent.every((s) => s.some((r) => r.url.includes('timeOut=25'))) && Date.now() - t0 < 20_000) await sleep(50)
  await sleep(1000)
  const metrics = async (p) => {
    const { metrics } = await p.cdp.send('Performance.getMetrics')
    return Object.fromEntries(metrics.map((m) => [m.name, m.value]))
  }
  await Promise.all(ps.map((p) => p.cdp.send('Performance.enable')))
  const before = await Promise.all(ps.map(metrics))
  const from = Date.now()
  await sleep(seconds * 1000)
  const to = Date.now()
  const out = []
  for (const [i, p] of ps.entries()) {
    const m = await metrics(p)
    out.push({
      cpuMs: (m.TaskDuration - before[i].TaskDuration) * 1000,
      scriptMs: (m.ScriptDuration - before[i].ScriptDuration) * 1000,
      requests: sent[i].filter((r) => r.at >= from && r.at < to).length,
    })
  }
  await Promise.all(ps.map((p) => p.close()))
  return out
}

/**
 * Accelerated soak: 200 extensions, a warm-up, then 20,000 calls in checkpoints. At each
 * checkpoint, once every card has lingered out: forced GC, then JS heap, DOM nodes, listeners.
 */
export async function soak(
  { browser, url, sim },
  { exts = 200, warmup = 4000, calls = 20_000, checkpoints = 5, perTick = 10, tickMs = 50 } = {},
) {
  await sim('reset')
  const list = range(exts, 5000)
  // No probe here: its own records would grow with the traffic and be measured as ours.
  const p = await openPage(browser, pageUrl(url, list), { withProbe: false })
  await untilPollHeld(sim)
  const run = async (n) => {
    const t0 = Date.now()
    await sim('soak', { exts: list, calls: n, perTick, tickMs })
    while ((await sim('soakState')).running) await sleep(200)
    const trafficS = (Date.now() - t0) / 1000
    // Calls linger 8 s after they end, in the model whether rendered or not (windowing): wait
    // that out, then until no card is left and the poll is held again.
    await sleep(9_500)
    await p.page.waitForFunction(() => document.querySelectorAll('[data-call-id]').length === 0, null, {
      polling: 250,
      timeout: 180_000,
    })
    await untilPollHeld(sim)
    // The browser's own Resource Timing buffer (one entry per poll, up to 250) is not ours.
    await p.page.evaluate(() => performance.clearResourceTimings())
    return { trafficS, ...(await heapAndCounters(p.cdp)) }
  }
  const out = []
  try {
    return await soakCheckpoints(run, warmup, calls, checkpoints, out)
  } finally {
    await p.close()
  }
}

async function soakCheckpoints(run, warmup, calls, checkpoints, out) {
  const base = await run(warmup)
  for (let i = 0; i < checkpoints; i++) {
    const c = await run(calls / checkpoints)
    out.push({
      calls: (calls / checkpoints) * (i + 1),
      trafficS: c.trafficS,
      heapBytes: c.heapBytes,
      nodes: c.nodes,
      listeners: c.listeners,
      heapRatio: c.heapBytes / base.heapBytes,
      nodesRatio: c.nodes / base.nodes,
      listenersRatio: c.listeners / base.listeners,
    })
  }
  return { base, checkpoints: out }
}

/** JS gzip size of the build, and LCP / TBT of a cold load of the panel. */
export async function load({ browser, url, sim }, runs = 5) {
  const dir = `${ROOT}${OUT_DIR}/assets`
  const js = readdirSync(dir).filter((f) => f.endsWith('.js'))
  // The budget is the first load's (what index.html asks for), as scripts/check-size.mjs counts it; lazy panels apart.
  const html = readFileSync(`${ROOT}${OUT_DIR}/index.html`, 'utf8')
  const first = new Set([...html.matchAll(/(?:src|href)="[^"]*\/assets\/([^"]+\.js)"/g)].map((m) => m[1]))
  const gz = (files) => files.reduce((n, f) => n + gzipSync(readFileSync(`${dir}/${f}`), { level: 9 }).length, 0)
  const jsGzipBytes = gz(js.filter((f) => first.has(f)))
  const lazyGzipBytes = gz(js.filter((f) => !first.has(f)))
  const out = []
  for (let r = 0; r < runs; r++) {
    await sim('reset')
    const p = await openPage(browser, pageUrl(url, ['400', '410', '420']))
    await p.page.waitForLoadState('load')
    await untilPollHeld(sim)
    await sleep(1500)
    const m = await p.page.evaluate(() => {
      const lcp = window.__bench.lcp
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0
      const tasks = window.__bench.longTasks.filter((t) => t.start >= fcp)
      return {
        fcp,
        lcp: lcp.length ? lcp[lcp.length - 1].start : NaN,
        tbt: tasks.reduce((s, t) => s + Math.max(0, t.duration - 50), 0),
      }
    })
    out.push(m)
    await p.close()
  }
  return { jsFiles: first.size, lazyFiles: js.length - first.size, jsGzipBytes, lazyGzipBytes, runs: out }
}
