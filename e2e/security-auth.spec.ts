// Security round two (issue 23), sign-in and sessions, against the production server (`npm run build`, then
// dist-server/server/main.js as `npm start` runs it) with real sockets, full-strength password hashing and a PBX
// that records every request. Clients on 127.0.0.1, 127.0.0.2, … are different addresses to the server.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import http from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { startSimServer, type SimServer } from '../sim/sim-server.ts'

const KEY = `sec-auth-${randomUUID()}`
const PASSWORD = 'correct horse battery staple'
let sim: SimServer
let pbxFront: http.Server
let server: ChildProcess
let origin = ''
let output = ''
let dir = ''
let usersFile = ''
/** Every request that reached the PBX but the server's own subscribes. */
const actionsAtPbx: string[] = []

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })

/** The users CLI as an administrator runs it; the password on stdin. */
function user(args: string[], stdin = PASSWORD) {
  return new Promise<number | null>((resolve) => {
    const p = spawn(process.execPath, ['scripts/user.mjs', ...args], {
      env: { ...process.env, SWITCHBOARD_USERS_FILE: usersFile },
      stdio: ['pipe', 'ignore', 'ignore'],
    })
    p.on('exit', resolve)
    p.stdin.end(stdin)
  })
}

interface Answer {
  status: number
  body: { message?: string; user?: { name: string } }
  cookie?: string
}

/** One request from `from` (a loopback address), as the panel sends it (matching Origin, X-Switchboard). */
function ask(
  method: string,
  url: string,
  opts: { from?: string; body?: unknown; cookie?: string; headers?: Record<string, string> } = {},
) {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body)
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      `${origin}${url}`,
      {
        method,
        localAddress: opts.from ?? '127.0.0.1',
        agent: false,
        headers: {
          origin,
          'x-switchboard': '1',
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(opts.cookie ? { cookie: opts.cookie } : {}),
          ...opts.headers,
        },
      },
      async (res) => {
        let text = ''
        for await (const c of res) text += c
        const set = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {}, cookie: set?.split(';')[0] })
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

const login = (username: string, password: string, from = at(1)) =>
  ask('POST', '/api/login', { from, body: { username, password } })

const count = (as: Answer[], status: number) => as.filter((a) => a.status === status).length

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist-server/server/main.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NOOJEE_URL: `http://127.0.0.1:${(pbxFront.address() as AddressInfo).port}`,
      NOOJEE_API_KEY: KEY,
      SWITCHBOARD_USERS_FILE: usersFile,
      SESSION_SECRET: randomUUID() + randomUUID(),
      SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (c) => (out += c))
  child.stderr!.on('data', (c) => (out += c))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { child, output: () => out, exited }
}

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  test.setTimeout(120_000)
  if (!existsSync('dist-server/server/main.js') || !existsSync('dist/index.html'))
    throw new Error('This suite needs `npm run build` first (dist/ and dist-server/)')
  dir = await mkdtemp(path.join(tmpdir(), 'switchboard-sec-auth-'))
  usersFile = path.join(dir, 'users.json')
  for (const [name, act] of [
    ['alice', '400'],
    ['bob', '410'],
    ['carol', '420'],
  ])
    expect(await user(['add', name, '--act', act, '--password-stdin'])).toBe(0)

  sim = await startSimServer({ apiKey: KEY, demo: false })
  pbxFront = http.createServer(async (req, res) => {
    if (!req.url?.includes('/subscribe?')) actionsAtPbx.push(req.url ?? '')
    const r = await fetch(`${sim.url}${req.url}`, { method: req.method }).catch(() => null)
    if (!r) return res.destroy()
    res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'text/plain' }).end(await r.text())
  })
  await new Promise<void>((r) => pbxFront.listen(0, '127.0.0.1', r))

  const port = await freePort()
  origin = `http://127.0.0.1:${port}`
  const s = startServer({ PORT: String(port) })
  server = s.child
  server.stdout!.on('data', (c) => (output += c))
  await expect
    .poll(async () => (await fetch(`${origin}/healthz`).catch(() => null))?.ok, { timeout: 30_000 })
    .toBe(true)
})

test.afterAll(async () => {
  server?.kill('SIGTERM')
  await new Promise((r) => (server?.exitCode !== null ? r(null) : server.once('exit', r)))
  await Promise.all([sim?.close(), new Promise((r) => pbxFront?.close(r))])
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** A client address of this run's own (--repeat-each runs each test again against the same server). */
const at = (n: number) => `127.0.${test.info().repeatEachIndex + 1}.${n}`

/** The audit lines (server/audit.ts, a level no LOG_LEVEL drops) of passwords checked and refused for `user` from `from`. */
const failedLines = (user: string, from: string) =>
  output.split('\n').filter((l) => {
    if (!l.includes('"audit"')) return false
    const { audit } = JSON.parse(l) as {
      audit?: { user?: string; address?: string; action?: string; outcome?: string }
    }
    return audit?.action === 'sign-in' && audit.outcome === 'refused' && audit.user === user && audit.address === from
  })

test('2. 41 simultaneous sign-ins for alice from one address: at most 5 passwords checked, the right one refused too', async () => {
  const before = failedLines('alice', at(11)).length
  const tries = [...Array.from({ length: 40 }, (_, i) => `wrong-${i}`), PASSWORD]
  const res = await Promise.all(tries.map((p) => login('alice', p, at(11))))
  // At most the limit's worth checked (fewer when the address's share of the hashing queue refused some first).
  const checked = count(res, 401)
  expect(checked).toBeGreaterThan(0)
  expect(checked).toBeLessThanOrEqual(5)
  expect(count(res, 429)).toBe(41 - checked)
  await expect.poll(() => failedLines('alice', at(11)).length - before).toBe(checked)
  // The limit's rest, one at a time; then the right password waits out the window.
  for (let i = checked; i < 5; i++) expect((await login('alice', `late-${i}`, at(11))).status).toBe(401)
  const late = await login('alice', PASSWORD, at(11))
  expect(late.status).toBe(429)
  expect(late.body.message).toBe(
    'Too many failed sign-ins for this username from your address. Try again in 15 minutes.',
  )
})

test('3. 151 wrong sign-ins at once from one address: another address’s sign-in and /api/session are served', async () => {
  const burst = Array.from({ length: 151 }, (_, i) => login(`guess${i}`, `burst-${i}`, at(12)))
  const [bob, session] = await Promise.all([
    login('bob', PASSWORD, at(13)),
    ask('GET', '/api/session', { from: at(14) }),
  ])
  const res = await Promise.all(burst)
  expect(bob.status).toBe(200)
  // Served, and signed out: since issue 22 a signed-out session is 200 { user: null }, not a 401.
  expect(session.status).toBe(200)
  expect(session.body.user).toBeNull()
  // The excess was refused at once, unchecked; what was checked stayed within the address's limit.
  const atOnce = res.filter(
    (r) => r.body.message === 'Too many sign-ins at once from your address. Try again in a few seconds.',
  )
  expect(atOnce.length).toBeGreaterThan(0)
  expect(count(res, 401)).toBeLessThanOrEqual(30)
  expect(count(res, 401) + count(res, 429)).toBe(151)
})

/** Who GET /api/session says a cookie signs in (null: signed out, which since issue 22 is 200 { user: null }). */
async function sessionUser(cookie: string) {
  const a = await ask('GET', '/api/session', { cookie })
  expect(a.status).toBe(200)
  return a.body.user?.name ?? null
}

test('4. a new password, or frank removed and added again, ends the old sessions', async () => {
  const [gina, frank] = ['gina', 'frank'].map((n) => `${n}${test.info().repeatEachIndex}`)
  for (const name of [gina, frank]) expect(await user(['add', name, '--act', '400', '--password-stdin'])).toBe(0)
  await expect.poll(async () => (await login(frank, PASSWORD, at(21))).status).toBe(200)
  const ginaCookie = (await login(gina, PASSWORD, at(21))).cookie!
  const frankCookie = (await login(frank, PASSWORD, at(21))).cookie!
  expect(await sessionUser(ginaCookie)).toBe(gina)
  expect(await user(['add', gina, '--password-stdin'], 'a brand new password')).toBe(0)
  expect(await user(['remove', frank])).toBe(0)
  expect(await user(['add', frank, '--act', '420', '--password-stdin'], 'frank new password')).toBe(0)
  await expect.poll(() => sessionUser(ginaCookie)).toBeNull()
  await expect.poll(async () => (await login(frank, 'frank new password', at(22))).status).toBe(200)
  expect(await sessionUser(frankCookie)).toBeNull()
  expect(actionsAtPbx).toEqual([])
})

test('5. after 50 failures for carol from one address, carol signs in from hers', async () => {
  const res: Answer[] = []
  for (let i = 0; i < 50; i++) res.push(await login('carol', `guess-${i}`, at(31)))
  expect(count(res, 401)).toBe(5)
  const own = await login('carol', PASSWORD, at(32))
  expect(own.status).toBe(200)
  expect(own.body.user?.name).toBe('carol')
})

test('10. forged X-Forwarded-Host/Proto with a matching Origin: refused, nothing at the PBX; TRUST_PROXY=true: no start', async () => {
  const bob = (await login('bob', PASSWORD, at(41))).cookie!
  const forged = {
    origin: 'https://evil.example',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.9',
  }
  const dial = await ask('POST', '/api/pbx/dial?number=0299998888&extenOrUniqueId=410', {
    from: at(41),
    cookie: bob,
    headers: forged,
  })
  expect(dial.status).toBe(403)
  expect(actionsAtPbx).toEqual([])

  const s = startServer({ PORT: String(await freePort()), TRUST_PROXY: 'true' })
  expect(await s.exited).toBe(1)
  expect(s.output().trim().split('\n')).toEqual([
    expect.stringMatching(/^switchboard: TRUST_PROXY=true would believe X-Forwarded-\* from any client/),
  ])
})
