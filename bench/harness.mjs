// The bench's instrument: the production build behind `vite preview` (built-in PBX), headless
// Chromium, the simulator's control surface, an in-page probe and small statistics helpers.
import { spawn, execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { chromium } from 'playwright-core'

export const ROOT = new URL('..', import.meta.url).pathname
export const OUT_DIR = 'bench/out/dist'

/** Build into bench/out so a bench never races another engineer's `dist/`. */
export function build() {
  execFileSync('npx', ['vite', 'build', '--outDir', OUT_DIR, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
}

/** `vite preview` with the built-in PBX and no demo traffic; resolves once it answers. */
export async function startServer(port, outDir = OUT_DIR) {
  const env = { ...process.env, SWITCHBOARD_SIM_DEMO: '0', NOOJEE_URL: '', NOOJEE_API_KEY: '' }
  const args = ['vite', 'preview', '--outDir', outDir, '--port', String(port), '--strictPort', '--host', '127.0.0.1']
  // Its own process group, so stopping it also stops the simulator it started.
  const child = spawn('npx', args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout.on('data', (d) => (log += d))
  child.stderr.on('data', (d) => (log += d))
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`vite preview exited:\n${log}`)
    try {
      if ((await fetch(`${url}/__sim/state`, { method: 'POST', body: '{}' })).ok) break
    } catch {
      // not up yet
    }
    await sleep(100)
  }
  return {
    url,
    stop: async () => {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {
        // already gone
      }
      await Promise.race([new Promise((r) => child.once('exit', r)), sleep(3000)])
    },
  }
}

/** The simulator's `/__sim/<action>` control endpoints. */
export function simControl(baseUrl) {
  return async (action, body = {}) => {
    // As JSON: the server forwards the simulator's controls, and a text/plain body would reach it as a string.
    const res = await fetch(`${baseUrl}/__sim/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`sim ${action}: HTTP ${res.status} ${await res.text()}`)
    return res.json()
  }
}

export async function launchBrowser() {
  const executablePath =
    process.env.CHROMIUM_PATH || (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined)
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--js-flags=--expose-gc'],
  })
}

/**
 * Runs in the page before the app. Records, on the page's own clock (performance.now):
 * cards added / status changes (MutationObserver), the frame painted after each DOM change,
 * clicks, long tasks and long animation frames. Resource Timing gives request start / reply end.
 */
function probe() {
  performance.setResourceTimingBufferSize(1_000_000)
  const b = (window.__bench = { dom: [], clicks: [], longTasks: [], lafs: [], lcp: [], waiters: [] })
  let paintPending = null
  const markPaint = () => {
    if (paintPending) return paintPending
    const rec = { paintAt: 0 }
    paintPending = rec
    // rAF runs just before the frame; a message posted from it lands just after the frame is out.
    requestAnimationFrame(() => {
      const ch = new MessageChannel()
      ch.port1.onmessage = () => {
        rec.paintAt = performance.now()
        paintPending = null
      }
      ch.port2.postMessage(0)
    })
    return rec
  }
  const note = (kind, id, value, t, paint) => {
    b.dom.push({ kind, id, value, t, paint })
    b.waiters = b.waiters.filter((w) => !(w.match(kind, id, value) && (w.resolve(t), true)))
  }
  new MutationObserver((records) => {
    const t = performance.now()
    const paint = markPaint()
    for (const r of records) {
      if (r.type === 'attributes') {
        if (r.attributeName === 'data-state')
          note('tile', r.target.getAttribute('data-ext'), r.target.getAttribute('data-state'), t, paint)
        else note('status', r.target.getAttribute('data-call-id'), r.target.getAttribute('data-status'), t, paint)
      } else if (r.type === 'characterData') {
        if (r.target.data === 'Answering…') note('text', null, 'Answering…', t, paint)
      } else {
        for (const n of r.addedNodes) {
          if (n.nodeType === 3 && n.data === 'Answering…') note('text', null, 'Answering…', t, paint)
          // A view's rehearsal (hidden sample cards and tiles, once, when the page is first idle) is not a call arriving.
          if (n.nodeType !== 1 || n.closest('[data-rehearsal]')) continue
          const cards = n.matches('[data-call-id]') ? [n] : n.querySelectorAll('[data-call-id]')
          for (const c of cards) note('card', c.getAttribute('data-call-id'), c.getAttribute('data-status'), t, paint)
          const tiles = n.matches('li[data-state]') ? [n] : n.querySelectorAll('li[data-state]')
          for (const c of tiles) note('tile', c.getAttribute('data-ext'), c.getAttribute('data-state'), t, paint)
          if (n.textContent === 'Answering…') note('text', null, 'Answering…', t, paint)
        }
      }
    }
  }).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['data-status', 'data-state'],
  })
  addEventListener('click', (e) => b.clicks.push({ input: e.timeStamp, handled: performance.now() }), true)
  const observe = (type, into) => {
    try {
      new PerformanceObserver((l) =>
        into.push(...l.getEntries().map((e) => ({ start: e.startTime, duration: e.duration }))),
      ).observe({
        type,
        buffered: true,
      })
    } catch {
      // not supported by this browser
    }
  }
  observe('longtask', b.longTasks)
  observe('long-animation-frame', b.lafs)
  observe('largest-contentful-paint', b.lcp)
  /** Resolves with the DOM time of the first matching change after `since` (page clock). */
  b.waitFor = (kind, id, value, since = 0) => {
    const match = (k, i, v) => k === kind && (id == null || i === id) && (value == null || v === value)
    const seen = b.dom.find((d) => d.t > since && match(d.kind, d.id, d.value))
    return seen ? Promise.resolve(seen.t) : new Promise((resolve) => b.waiters.push({ match, resolve }))
  }
  b.count = (kind) => b.dom.filter((d) => d.kind === kind).length
}

/** A fresh browser context (no cache, no shared tab lock) with the probe installed unless told not to. */
export async function openPage(browser, url, { withProbe = true } = {}) {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } })
  if (withProbe) await context.addInitScript(probe)
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await page.goto(url)
  return { context, page, cdp, close: () => context.close() }
}

/** Waits until the page holds a long poll at the simulator (it is live and idle). */
export async function untilPollHeld(sim, min = 1, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if ((await sim('state', { exts: [] })).heldPolls >= min) return
    await sleep(20)
  }
  throw new Error('the page never held a poll')
}

/** Subscribe replies and requests as the page saw them (Resource Timing, page clock). */
export const resourceTimings = (page, method) =>
  page.evaluate(
    (m) =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes(`/api/pbx/${m}?`))
        .map((e) => ({ start: e.startTime, end: e.responseEnd, name: e.name })),
    method,
  )

export async function heapAndCounters(cdp) {
  await cdp.send('HeapProfiler.collectGarbage')
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  const c = await cdp.send('Memory.getDOMCounters')
  return { heapBytes: usedSize, nodes: c.nodes, listeners: c.jsEventListeners }
}

// ---- statistics ---------------------------------------------------------------------------------

export const quantile = (xs, q) => {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const i = (s.length - 1) * q
  const lo = Math.floor(i)
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo)
}
export const median = (xs) => quantile(xs, 0.5)
export const round = (x, d = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null)

/** One figure across its repeats: median and min–max of the per-repeat values. */
export function summarise(values) {
  return {
    median: round(median(values), 2),
    min: round(Math.min(...values), 2),
    max: round(Math.max(...values), 2),
    runs: values.map((v) => round(v, 2)),
  }
}
