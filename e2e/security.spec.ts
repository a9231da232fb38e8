// The security suite (issue 14): every finding of the probe of the old proxy, replayed against the production
// server (`npm start`'s compiled dist-server/ serving dist/, built by `npm run build` before e2e) with users
// and a PBX that records every request it gets. Each attack must be refused and reach nothing at the PBX.
// Run as `npm run docs` (the Playwright project 'docs'), it writes docs/security.md; `npm test` never does.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startSimServer, type SimServer } from '../sim/sim-server.ts'

const KEY = `sec-${randomUUID()}`
const PBX_PORT = 8227
const SERVER_PORT = 8228
const EVIL_PORT = 8229
const SERVER = `http://127.0.0.1:${SERVER_PORT}`
/** Another site: another host name, so the browser's Sec-Fetch-Site says cross-site. */
const EVIL = `http://localhost:${EVIL_PORT}`
const API_PATH = '/servicemanager/rest/CallManagementAPI/'
const SIX = new Set(['subscribe', 'answer', 'hangup', 'dial', 'start', 'stop'])
const ACTIONS = ['answer', 'hangup', 'dial', 'start', 'stop']
const PASSWORD = 'correct horse battery staple'

interface Seen {
  method: string
  url: string
  headers: http.IncomingHttpHeaders
  bodyBytes: number
}
/** Every request that reached the PBX, whatever its path. */
const atPbx: Seen[] = []
let pbxMode: 'normal' | 'redirect' | 'echo' = 'normal'
let sim: SimServer
let pbxFront: http.Server
let evil: http.Server
let server: ChildProcess
let output = ''
let dir: string
const evilPages = new Map<string, string>()
const report: { finding: string; attack: string; expected: string; observed: string }[] = []

const actionsAtPbx = () => atPbx.filter((s) => ACTIONS.some((a) => s.url.startsWith(`${API_PATH}${a}?`)))
const methodOf = (url: string) => new URL(url, 'http://x').pathname.slice(API_PATH.length)

async function until(f: () => Promise<boolean>, ms = 30_000) {
  const t0 = Date.now()
  while (Date.now() - t0 < ms) {
    if (await f().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`timed out; server output:\n${output.slice(-3000)}`)
}

function run(cmd: string, args: string[], env: Record<string, string>, input?: string) {
  return new Promise<void>((resolve, reject) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    let err = ''
    p.stderr.on('data', (c) => (err += c))
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')}: ${err}`))))
    p.stdin.end(input ?? '')
  })
}

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  test.setTimeout(120_000)
  if (!existsSync('dist-server/server/main.js') || !existsSync('dist/index.html'))
    throw new Error('The security suite needs `npm run build` first (dist/ and dist-server/)')
  dir = await mkdtemp(path.join(tmpdir(), 'switchboard-security-'))
  const usersFile = path.join(dir, 'users.json')
  const user = (args: string[]) =>
    run(
      process.execPath,
      ['scripts/user.mjs', ...args, '--password-stdin'],
      { SWITCHBOARD_USERS_FILE: usersFile },
      PASSWORD,
    )
  await user(['add', 'alice', '--act', '400', '--watch', '400-410'])
  await user(['add', 'bob', '--act', '410'])

  sim = await startSimServer({ apiKey: KEY, demo: false })
  // The PBX as the server sees it: records every request, then answers as the simulator, as a redirecting
  // PBX (301 whose Location holds the key) or as one whose error page echoes the URL.
  pbxFront = http.createServer(async (req, res) => {
    let bodyBytes = 0
    for await (const c of req) bodyBytes += (c as Buffer).length
    atPbx.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes })
    if (pbxMode === 'redirect')
      return res.writeHead(301, { Location: `https://pbx.example.com${req.url}` }).end(`Moved to ${req.url}`)
    if (pbxMode === 'echo')
      return res.writeHead(500, { 'Content-Type': 'text/html' }).end(`<h1>Error</h1><p>${req.url}</p>`)
    const gone = new AbortController()
    res.on('close', () => res.writableEnded || gone.abort())
    try {
      const r = await fetch(`${sim.url}${req.url}`, { method: req.method, signal: gone.signal })
      res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'text/plain' }).end(await r.text())
    } catch {
      res.destroy()
    }
  })
  await new Promise<void>((r) => pbxFront.listen(PBX_PORT, '127.0.0.1', r))

  evil = http.createServer((req, res) => {
    const page = evilPages.get(new URL(req.url ?? '/', EVIL).pathname)
    if (!page) return res.writeHead(404).end()
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(page)
  })
  await new Promise<void>((r) => evil.listen(EVIL_PORT, '127.0.0.1', r))

  server = spawn(process.execPath, ['dist-server/server/main.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NOOJEE_URL: `http://127.0.0.1:${PBX_PORT}`,
      NOOJEE_API_KEY: KEY,
      SWITCHBOARD_USERS_FILE: usersFile,
      SESSION_SECRET: randomUUID() + randomUUID(),
      SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
      PORT: String(SERVER_PORT),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server.stdout!.on('data', (c) => (output += c))
  server.stderr!.on('data', (c) => (output += c))
  await until(async () => (await fetch(`${SERVER}/healthz`)).ok)
})

test.afterAll(async () => {
  server?.kill('SIGTERM')
  await new Promise((r) => (server?.exitCode !== null ? r(null) : server.once('exit', r)))
  await Promise.all([sim?.close(), new Promise((r) => pbxFront?.close(r)), new Promise((r) => evil?.close(r))])
  if (dir) await rm(dir, { recursive: true, force: true })
  // `npm run docs` (the Playwright project 'docs') writes the report; `npm test` never does.
  if (test.info().project.name === 'docs') await writeFile('docs/security.md', markdown())
})

/** docs/security.md below this line is written by hand (what an attacker can and cannot do) and kept as is. */
const BY_HAND = '<!-- Written by hand below this line; `npm run docs` keeps it. -->'

function markdown() {
  const old = existsSync('docs/security.md') ? readFileSync('docs/security.md', 'utf8') : ''
  const kept = old.includes(BY_HAND) ? old.slice(old.indexOf(BY_HAND)) : `${BY_HAND}\n`
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  return [
    '# Switchboard security suite: what was tried and what happened',
    '',
    'Written by `npm run docs` from `e2e/security.spec.ts`, run against the production server',
    '(`npm run build`, `node dist-server/server/main.js`) with two users (alice: act 400, watch 400-410;',
    'bob: act 410), a PBX that records every request it receives, and real Chromium for the browser attacks.',
    `Generated ${new Date().toISOString().slice(0, 10)}; ${report.length} checks.`,
    '',
    '| finding | attack | expected | observed |',
    '|---|---|---|---|',
    ...report.map((r) => `| ${esc(r.finding)} | ${esc(r.attack)} | ${esc(r.expected)} | ${esc(r.observed)} |`),
    '',
    kept,
  ].join('\n')
}

/** fetch from inside the page (same origin as the page: the panel's own requests). */
async function api(
  page: Page,
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) {
  return page.evaluate(
    async ({ url, init }) => {
      const r = await fetch(url, {
        method: init.method ?? 'POST',
        headers: { 'X-Switchboard': '1', 'Content-Type': 'application/x-www-form-urlencoded', ...init.headers },
        body: init.body,
      })
      return { status: r.status, body: await r.text(), headers: Object.fromEntries(r.headers) }
    },
    { url, init },
  )
}

async function signIn(page: Page, username: string) {
  await page.goto(`${SERVER}/healthz`)
  const r = await api(page, '/api/login', {
    body: JSON.stringify({ username, password: PASSWORD }),
    headers: { 'Content-Type': 'application/json' },
  })
  expect(r.status, r.body).toBe(200)
}

/** Rings a call and waits until the server's feed has seen it (as the panel would, by subscribing). */
async function ringSeen(page: Page, ext: string) {
  const res = await fetch(`${sim.url}/__sim/ring`, { method: 'POST', body: JSON.stringify({ ext }) })
  const { uniqueCallId } = (await res.json()) as { uniqueCallId: string }
  await until(async () => {
    const r = await api(page, '/api/pbx/subscribe?exten=400,410&lastSequenceNumber=0&timeOut=0')
    return r.body.includes(uniqueCallId)
  })
  return uniqueCallId
}

test('1. no authentication: a stranger gets 401 on every PBX route and nothing reaches the PBX', async ({ page }) => {
  await page.goto(`${SERVER}/healthz`)
  const before = atPbx.length
  const statuses: string[] = []
  for (const m of ['subscribe', ...ACTIONS]) {
    const q = 'number=0900123456&extenOrUniqueId=SIP/400&exten=400&uniqueId=1&lastSequenceNumber=0&agentLoginName=x'
    const r = await api(page, `/api/pbx/${m}?${q}`)
    statuses.push(`${m} ${r.status}`)
    expect(r.status).toBe(401)
  }
  // The probe's curl, verbatim: the PBX's own path on this server.
  const curl = await fetch(`${SERVER}${API_PATH}dial?number=0900123456&extenOrUniqueId=SIP/400`, { method: 'POST' })
  expect(curl.status).toBe(404)
  const reached = atPbx.slice(before).filter((s) => !s.url.startsWith(`${API_PATH}subscribe?`))
  expect(reached).toEqual([])
  report.push({
    finding: '1. No authentication',
    attack: 'POST each /api/pbx/<method> with no session; the probe’s curl to /servicemanager/…/dial',
    expected: '401 for each, 404 for the old path, nothing at the PBX',
    observed: `${statuses.join(', ')}; old path ${curl.status}; PBX requests from these: ${reached.length}`,
  })
})

test('2. cross-site requests from another site in Chromium: refused, nothing reaches the PBX', async ({ page }) => {
  await signIn(page, 'alice')
  // One distinct URL per vector, so the server's log says which arrived and how it was answered.
  const vectors = {
    'text/plain form POST to dial': `${SERVER}/api/pbx/dial?number=0900000001&extenOrUniqueId=SIP/400`,
    'text/plain form POST to the old PBX path': `${SERVER}${API_PATH}dial?number=0900000002&extenOrUniqueId=SIP/400`,
    'fetch no-cors to dial': `${SERVER}/api/pbx/dial?number=0900000003&extenOrUniqueId=SIP/400`,
    'fetch no-cors to hangup': `${SERVER}/api/pbx/hangup?extenOrUniqueId=400.4`,
    'sendBeacon to answer': `${SERVER}/api/pbx/answer?uniqueId=5.5&exten=400&answerString=Call-info:answer-after=0`,
  }
  const v = Object.values(vectors)
  evilPages.set(
    '/attack.html',
    `<!doctype html><body>
      <iframe name="sink1" style="display:none"></iframe><iframe name="sink2" style="display:none"></iframe>
      <form id="f" method="POST" enctype="text/plain" action="${v[0]}" target="sink1"><input name="a" value="b"></form>
      <form id="g" method="POST" enctype="text/plain" action="${v[1]}" target="sink2"><input name="a" value="b"></form>
      <script>
        document.getElementById('f').submit();
        document.getElementById('g').submit();
        fetch(${JSON.stringify(v[2])}, { method: 'POST', mode: 'no-cors', credentials: 'include' });
        fetch(${JSON.stringify(v[3])}, { method: 'POST', mode: 'no-cors', credentials: 'include' });
        navigator.sendBeacon(${JSON.stringify(v[4])}, 'x');
        fetch(${JSON.stringify(`${SERVER}/api/session`)}, { credentials: 'include' })
          .then((r) => r.text()).then((t) => (document.title = 'READ ' + t)).catch(() => (document.title = 'BLOCKED'));
      </script></body>`,
  )
  const before = actionsAtPbx().length
  const start = output.length
  await page.goto(`${EVIL}/attack.html`)
  await expect(page).toHaveTitle('BLOCKED')
  /** How the server answered a vector's request (from its log), or null while it has not arrived. */
  const answered = (url: string) => {
    const path = url.slice(SERVER.length)
    const lines = output.slice(start).split('\n')
    const inc = lines.find((l) => l.includes('"incoming request"') && l.includes(JSON.stringify(path).slice(1, -1)))
    if (!inc) return null
    const reqId = /"reqId":"([^"]+)"/.exec(inc)?.[1]
    const done = lines.find((l) => l.includes(`"reqId":"${reqId}"`) && l.includes('"request completed"'))
    const status = done ? /"statusCode":(\d+)/.exec(done)?.[1] : undefined
    return status
      ? `${status}${lines.some((l) => l.includes(`"reqId":"${reqId}"`) && l.includes('cross-site request refused')) ? ' cross-site' : ''}`
      : null
  }
  await until(async () => v.every((u) => answered(u) !== null), 15_000)
  const seen = Object.entries(vectors).map(([what, url]) => `${what}: ${answered(url)}`)
  expect(seen).toEqual([
    'text/plain form POST to dial: 403 cross-site',
    'text/plain form POST to the old PBX path: 404',
    'fetch no-cors to dial: 403 cross-site',
    'fetch no-cors to hangup: 403 cross-site',
    'sendBeacon to answer: 403 cross-site',
  ])
  expect(actionsAtPbx().length - before).toBe(0)
  report.push({
    finding: '2. Cross-site request forgery',
    attack:
      'From http://localhost (another site) in Chromium, signed in as alice: auto-submitting text/plain form POSTs, fetch no-cors, sendBeacon; a CORS read of /api/session',
    expected: 'each refused (403 cross-site; the old PBX path 404), none at the PBX, the session unreadable',
    observed: `${seen.join('; ')}; actions at the PBX: ${actionsAtPbx().length - before}; CORS read: ${await page.title()}`,
  })
})

test('6. a framed panel (clickjacking) does not load', async ({ page }) => {
  evilPages.set('/frame.html', `<!doctype html><iframe id="x" src="${SERVER}/" style="opacity:0.01"></iframe>`)
  await page.goto(`${EVIL}/frame.html`)
  const frame = page.frames().find((f) => f !== page.mainFrame())!
  await expect.poll(() => frame.url()).not.toBe('about:blank')
  await page.waitForTimeout(500)
  expect(frame.url()).not.toBe(`${SERVER}/`)
  const direct = await fetch(`${SERVER}/`, { headers: { accept: 'text/html' } })
  const csp = direct.headers.get('content-security-policy') ?? ''
  expect(csp).toContain("frame-ancestors 'none'")
  expect(direct.headers.get('x-frame-options')).toBe('DENY')
  report.push({
    finding: '6. No security headers (clickjacking)',
    attack: 'The panel in a 1 %-opacity iframe on another site',
    expected: 'the browser refuses to render it (CSP frame-ancestors none, X-Frame-Options DENY)',
    observed: `frame shows ${frame.url()}; headers: frame-ancestors ${csp.includes("frame-ancestors 'none'") ? "'none'" : 'missing'}, X-Frame-Options ${direct.headers.get('x-frame-options')}, nosniff ${direct.headers.get('x-content-type-options')}, Referrer-Policy ${direct.headers.get('referrer-policy')}`,
  })
})

test('rights: an agent answering on a watch-only extension, or dialling from someone else’s, gets 403', async ({
  page,
}) => {
  await signIn(page, 'alice')
  const before = actionsAtPbx().length
  const onWatch = await ringSeen(page, '410')
  const answer = (id: string, ext: string) =>
    api(
      page,
      `/api/pbx/answer?uniqueId=${id}&exten=${ext}&answerString=${encodeURIComponent('Call-info:answer-after=0')}`,
    )
  const a1 = await answer(onWatch, '410')
  expect(a1.status).toBe(403)
  const d1 = await api(page, '/api/pbx/dial?number=0299998888&extenOrUniqueId=SIP/410')
  expect(d1.status).toBe(403)
  const h1 = await api(page, `/api/pbx/hangup?extenOrUniqueId=${onWatch}`)
  expect(h1.status).toBe(403)
  const s1 = await api(page, '/api/pbx/subscribe?exten=400,420&lastSequenceNumber=0&timeOut=0')
  expect(s1.status).toBe(403)
  expect(actionsAtPbx().length - before).toBe(0)
  // The same user on their own extension: allowed (the refusals above are about rights, not a broken route).
  const own = await ringSeen(page, '400')
  const a2 = await answer(own, '400')
  expect(a2.status).toBe(200)
  const d2 = await api(page, '/api/pbx/dial?number=0299998888&extenOrUniqueId=SIP/400')
  expect(d2.status).toBe(200)
  expect(
    actionsAtPbx()
      .map((s) => methodOf(s.url))
      .slice(before),
  ).toEqual(['answer', 'dial'])
  report.push({
    finding: 'Rights (act/watch)',
    attack:
      'alice (act 400, watch 400-410): answer and hang up a call ringing on 410, dial from SIP/410, subscribe to 420',
    expected: '403 each, nothing at the PBX; answer and dial on 400 go through',
    observed: `answer ${a1.status}, dial ${d1.status}, hangup ${h1.status}, subscribe ${s1.status}: ${JSON.parse(s1.body).message}; own extension: answer ${a2.status}, dial ${d2.status}`,
  })
})

function raw(method: string, rawPath: string, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: SERVER_PORT, method, path: rawPath, headers }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

test('3. path tricks: 404, and the key goes on no request but the six methods', async () => {
  const same = { 'Sec-Fetch-Site': 'same-origin', 'X-Switchboard': '1' }
  const tricks: [string, string][] = [
    ['POST', `${API_PATH}../../../admin/users`],
    ['POST', `${API_PATH}..;/..;/admin/users`],
    ['POST', '/api/pbx/../../admin/users'],
    ['POST', '/api/pbx/..;/..;/admin/users'],
    ['POST', '/api/pbx/%2e%2e/%2e%2e/admin/users'],
    ['POST', '/api/pbx/%2E%2E%2F%2E%2E%2Fadmin%2Fusers'],
    ['POST', '/api/pbx/dial%0d%0aX-Injected:%201'],
    ['POST', '/api/pbx/%61nswer'],
    ['POST', '/api/pbx/systemHealth'],
    ['POST', '/api/pbx/transfer'],
    ['PUT', '/api/pbx/dial'],
    ['DELETE', '/api/pbx/hangup'],
    ['PROPFIND', '/api/pbx/dial'],
    ['GET', '/api/pbx/dial?number=1'],
    ['GET', '/%2e%2e/%2e%2e/etc/passwd'],
  ]
  const before = atPbx.length
  const seen: string[] = []
  for (const [method, p] of tricks) {
    const status = await raw(method, p, same)
    seen.push(`${method} ${p} ${status}`)
    expect(`${method} ${p} ${status}`).toBe(`${method} ${p} 404`)
  }
  const mine = atPbx.slice(before).filter((s) => !s.url.startsWith(`${API_PATH}subscribe?`))
  expect(mine).toEqual([])
  // Over the whole suite so far: every request carrying the key is one of the six methods, on the API path.
  const withKey = atPbx.filter((s) => s.url.includes(encodeURIComponent(KEY)) || s.url.includes(KEY))
  expect(withKey.length).toBeGreaterThan(0)
  for (const s of withKey) {
    const u = new URL(s.url, 'http://pbx')
    expect(
      u.pathname.startsWith(API_PATH) && SIX.has(u.pathname.slice(API_PATH.length)),
      s.url.replace(KEY, 'KEY'),
    ).toBe(true)
    expect(s.method).toBe('POST')
  }
  expect(atPbx.every((s) => new URL(s.url, 'http://pbx').pathname.startsWith(API_PATH))).toBe(true)
  report.push({
    finding: '3. The key goes to other PBX paths',
    attack: tricks.map(([m, p]) => `${m} ${p}`).join('; '),
    expected: '404 for each, nothing at the PBX; the key on no PBX request but the six methods',
    observed: `all 404 (${seen.length}); PBX requests from these: ${mine.length}; of ${withKey.length} PBX requests with the key, all are POST to one of the six methods`,
  })
})

test('7. headers and bodies of the browser never reach the PBX; limits on bodies, dials and held polls', async ({
  page,
}) => {
  await signIn(page, 'bob')
  const before = atPbx.length
  const r = await api(page, '/api/pbx/dial?number=0299990000&extenOrUniqueId=SIP/410&apiKey=stolen', {
    body: 'number=1900&x=y',
    headers: { 'X-Api-Key': 'attacker', 'X-Forwarded-For': '6.6.6.6', 'X-Forwarded-Host': 'evil' },
  })
  expect(r.status).toBe(200)
  const dials = atPbx.slice(before).filter((s) => s.url.startsWith(`${API_PATH}dial?`))
  expect(dials).toHaveLength(1)
  const sent = dials[0]
  const q = new URL(sent.url, 'http://pbx').searchParams
  expect([...q.keys()].sort()).toEqual(['apiKey', 'extenOrUniqueId', 'number'])
  expect(q.get('apiKey')).toBe(KEY)
  expect(sent.bodyBytes).toBe(0)
  for (const h of ['x-api-key', 'x-forwarded-for', 'x-forwarded-host', 'cookie', 'x-switchboard', 'origin'])
    expect(sent.headers[h], h).toBeUndefined()

  const big = await api(page, '/api/pbx/hangup?extenOrUniqueId=1', { body: 'x'.repeat(1024 * 1024) })
  expect(big.status).toBe(413)

  const dialsBefore = actionsAtPbx().length
  const burst: number[] = []
  for (let i = 0; i < 15; i++)
    burst.push((await api(page, '/api/pbx/dial?number=0299990000&extenOrUniqueId=SIP/410')).status)
  expect(burst.filter((s) => s === 429).length).toBeGreaterThan(0)
  const through = actionsAtPbx().length - dialsBefore
  expect(through).toBeLessThanOrEqual(10)

  // A browser opens 6 connections to a host at most: the session's cookie, sent from here, opens 30.
  const cookie = (await page.context().cookies(SERVER)).map((c) => `${c.name}=${c.value}`).join('; ')
  // A cursor at the head of the server's log: each poll is held (up to 3 s) for the next event.
  const head = (
    JSON.parse((await api(page, '/api/pbx/subscribe?exten=410&lastSequenceNumber=0&timeOut=0')).body) as { seq: number }
  ).seq
  const polls = await Promise.all(
    Array.from({ length: 30 }, () =>
      fetch(`${SERVER}/api/pbx/subscribe?exten=410&lastSequenceNumber=${head}&timeOut=3`, {
        method: 'POST',
        headers: { cookie, 'Sec-Fetch-Site': 'same-origin', 'X-Switchboard': '1' },
      }).then((r) => r.status),
    ),
  )
  expect(polls.filter((s) => s === 429).length).toBeGreaterThan(0)
  report.push({
    finding: '7. No limits; client headers and bodies passed through',
    attack:
      'bob dials with apiKey=stolen in the query, a body, X-Api-Key, X-Forwarded-*; a 1 MB body; 15 dials at once; 30 held polls in one session',
    expected:
      'the PBX gets only number, extenOrUniqueId and our key, no body, none of those headers; 413; dials limited per user; held polls limited',
    observed: `PBX got parameters ${[...q.keys()].sort().join(', ')}, body ${sent.bodyBytes} bytes, none of the headers; big body ${big.status}; dials ${burst.join(' ')} (${through} at the PBX); polls: ${polls.filter((s) => s === 429).length} of 30 refused 429`,
  })
})

test('4. a PBX that redirects or echoes the URL: the browser never sees the key', async ({ page }) => {
  await signIn(page, 'alice')
  const texts: string[] = []
  const reading: Promise<unknown>[] = []
  page.on('response', (res) =>
    reading.push(
      Promise.all([res.allHeaders(), res.text()])
        .then(([h, body]) => texts.push(`${res.url()} ${JSON.stringify(h)} ${body}`))
        .catch(() => undefined),
    ),
  )
  const observed: string[] = []
  for (const mode of ['redirect', 'echo'] as const) {
    pbxMode = mode
    const before = atPbx.length
    const d = await api(page, '/api/pbx/dial?number=0299998888&extenOrUniqueId=SIP/400')
    expect(d.status).toBe(502)
    expect(atPbx.length).toBeGreaterThan(before)
    expect(d.body + JSON.stringify(d.headers)).not.toContain(KEY)
    expect(d.headers.location).toBeUndefined()
    observed.push(`${mode}: dial answered ${d.status} ${JSON.parse(d.body).message}`)
  }
  // The panel itself, loaded while the PBX misbehaves (its feed polls see the failure).
  await page.goto(`${SERVER}/?exten=400`)
  await page.waitForTimeout(3000)
  pbxMode = 'normal'
  await Promise.all(reading)
  expect(texts.length).toBeGreaterThan(2)
  for (const t of texts) {
    expect(t.includes(KEY) || t.includes(encodeURIComponent(KEY)), t.slice(0, 200)).toBe(false)
  }
  report.push({
    finding: '4. The key reaches the browser',
    attack: 'The PBX answers 301 with Location holding the URL and key, then 500 with an error page echoing the URL',
    expected: 'our own 502 JSON, no Location, the key in no reply the browser sees',
    observed: `${observed.join('; ')}; ${texts.length} replies to the browser read, none holds the key`,
  })
})

test('5. the nginx example is gone; the server’s output holds no key', async () => {
  expect(existsSync('README.md')).toBe(true)
  const readme = await import('node:fs/promises').then((fs) => fs.readFile('README.md', 'utf8'))
  expect(readme).not.toMatch(/```nginx/)
  expect(output.length).toBeGreaterThan(1000)
  expect(output).toContain('"audit"')
  for (const form of [KEY, encodeURIComponent(KEY), KEY.slice(4, 24)]) expect(output.includes(form)).toBe(false)
  report.push({
    finding: '5. The nginx example; the key in logs',
    attack: 'README searched for an nginx example; every line the server wrote during the suite searched for the key',
    expected: 'no nginx example (the server replaces it); the key nowhere in the output',
    observed: `nginx example: ${/```nginx/.test(readme) ? 'present' : 'absent'}; ${output.split('\n').length} log lines, the key in none`,
  })
})

test('8. a remote PBX over plain http is refused at start', async () => {
  const child = spawn(process.execPath, ['dist-server/server/main.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      NOOJEE_URL: 'http://pbx.example.com',
      NOOJEE_API_KEY: KEY,
      SWITCHBOARD_USERS_FILE: path.join(dir, 'users.json'),
      PORT: String(SERVER_PORT + 1),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let said = ''
  child.stdout.on('data', (c) => (said += c))
  child.stderr.on('data', (c) => (said += c))
  const code = await new Promise((r) => child.on('exit', r))
  expect(code).toBe(1)
  expect(said.trim().split('\n')).toHaveLength(1)
  expect(said).toMatch(/NOOJEE_URL must use https/)
  expect(said).not.toContain(KEY)
  report.push({
    finding: '8. NOOJEE_URL=http://… accepted for a remote PBX',
    attack: 'npm start with NOOJEE_URL=http://pbx.example.com',
    expected: 'refused at start, one line, exit 1',
    observed: `exit ${code}: ${said.trim()}`,
  })
})
