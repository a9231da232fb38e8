// Switchboard remembers (issue 24), through the production server (`npm run build`, then
// dist-server/server/main.js) with its own users file, data folder and SESSION_SECRET, its own simulated PBX:
// an agent's call in another browser's history, a supervisor's report and CSV exactly as rung, and both still
// there (and the supervisor still signed in) after the server restarts on the same data folder.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { createServer } from 'node:net'
import path from 'node:path'
import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import { seriousViolations } from './axe.ts'
import { ownPbx } from './own-pbx.ts'
import { simControl } from './sim.ts'

// A free port, found when the suite starts: no fixed port another run could hold.
let PORT = 0
let BASE = ''
const root = path.resolve(import.meta.dirname, '..')
const built =
  existsSync(path.join(root, 'dist-server/server/main.js')) && existsSync(path.join(root, 'dist/index.html'))

let dir: string
let server: ChildProcess | undefined
// Kept across the server's restart, as a PBX is.
let pbx: Awaited<ReturnType<typeof ownPbx>> | undefined

function run(args: string[], env: Record<string, string>, stdin = '') {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env } })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: ${out}`))))
    child.stdin.end(stdin)
  })
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })

async function startServer() {
  server = spawn(process.execPath, ['dist-server/server/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(PORT),
      SWITCHBOARD_USERS_FILE: path.join(dir, 'users.json'),
      SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
      ...pbx?.env,
      REDIS_URL: '',
      DATABASE_URL: '',
      SESSION_SECRET: 'e2e-records-session-secret-long-enough-to-use',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  await expect
    .poll(
      () =>
        fetch(`${BASE}/readyz`).then(
          (r) => r.ok,
          () => false,
        ),
      { timeout: 30_000 },
    )
    .toBe(true)
}

async function stopServer() {
  const s = server
  if (!s || s.exitCode !== null) return
  const exited = new Promise((resolve) => s.once('exit', resolve))
  s.kill('SIGTERM')
  await exited
}

test.describe.configure({ mode: 'serial' })
test.skip(!built, 'needs `npm run build` (the production server and dist/)')
// Read when each test starts, after beforeAll has chosen the port.
// eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
test.use({ baseURL: async ({}, provide) => provide(BASE) })

test.beforeAll(async () => {
  test.setTimeout(60_000)
  PORT = await freePort()
  BASE = `http://127.0.0.1:${PORT}`
  dir = await mkdtemp(path.join(tmpdir(), 'switchboard-e2e-records-'))
  const users = { SWITCHBOARD_USERS_FILE: path.join(dir, 'users.json') }
  const add = ['scripts/user.mjs', 'add']
  await run(
    [...add, 'alice', '--display', 'Alice Agent', '--act', '400', '--watch', '400-402', '--password-stdin'],
    users,
    'alice-password\n',
  )
  await run(
    [
      ...add,
      'sam',
      '--display',
      'Sam Supervisor',
      '--act',
      '410',
      '--watch',
      '400-402',
      '--supervisor',
      '--password-stdin',
    ],
    users,
    'sam-password\n',
  )
  pbx = await ownPbx()
  await startServer()
})

test.afterAll(async () => {
  await stopServer()
  await pbx?.pbx.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function signIn(page: Page, username: string, password: string) {
  await page.goto('/')
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
}

/** The server's report row for one extension (signed in as `request`'s user): what the panel will show. */
async function reportRow(request: APIRequestContext, ext: string) {
  const res = await request.get('/api/reports')
  if (!res.ok()) return null
  const body = (await res.json()) as {
    rows: { extension: string; offered: number; answered: number; missed: number }[]
  }
  const r = body.rows.find((x) => x.extension === ext)
  return r && { offered: r.offered, answered: r.answered, missed: r.missed }
}

test('an agent answers a call in one browser and finds it under "Call history" in another', async ({
  page,
  browser,
}) => {
  await signIn(page, 'alice', 'alice-password')
  const sim = simControl(page.request, pbx?.pbx.url)
  const id = await sim.ring('400', { callerId: '0298765432' })
  await page.getByRole('button', { name: 'Answer' }).click()
  await expect(page.getByRole('article').filter({ hasText: '0298765432' })).toContainText('Connected')
  await sim.status(id, 'Hungup')
  const history = page.getByRole('region', { name: 'Call history' })
  await expect(history.getByRole('button', { name: 'Call back 0298765432' })).toBeVisible()

  // Another browser: nothing of the first one's storage, only the server's record.
  const other = await browser.newContext({ baseURL: BASE })
  const second = await other.newPage()
  await signIn(second, 'alice', 'alice-password')
  const there = second.getByRole('region', { name: 'Call history' })
  await expect(there.getByRole('listitem').filter({ hasText: '0298765432' })).toContainText('Answered')
  await expect(there.getByRole('button', { name: 'Call back 0298765432' })).toBeVisible()
  await other.close()
})

test('a supervisor’s report and CSV hold the calls exactly as rung, and survive a restart', async ({ page }) => {
  test.setTimeout(90_000)
  await signIn(page, 'sam', 'sam-password')
  const sim = simControl(page.request, pbx?.pbx.url)
  const ids: string[] = []
  for (const [i, answered] of [true, false, true].entries()) {
    const id = await sim.ring('401', { callerId: `+6129876543${i}` })
    ids.push(id)
    if (answered) await sim.connect(id, '401')
    await sim.status(id, answered ? 'Hungup' : 'No Answer')
  }
  // The records reach the database just after the calls end: wait for them there, then look.
  await expect
    .poll(() => reportRow(page.request, '401'), { timeout: 15_000 })
    .toEqual({ offered: 3, answered: 2, missed: 1 })

  await page.getByRole('button', { name: 'Reports' }).click()
  await expect(page).toHaveURL(/view=reports/)
  const row = page.getByRole('row', { name: /^401\b/ })
  const expected = ['401', '3', '2', '1', '67%']
  await expect(row.getByRole('rowheader')).toHaveText(expected[0])
  await expect(row.getByRole('cell')).toHaveText([...expected.slice(1), /%$/, /:/, /:/, /:/])
  expect(await seriousViolations(page)).toEqual([])
  await page.emulateMedia({ colorScheme: 'dark' })
  expect(await seriousViolations(page)).toEqual([])
  await page.emulateMedia({ colorScheme: 'light' })

  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Download CSV' }).click()
  const csv = await readFile(await (await download).path(), 'utf8')
  const lines = csv.trim().split('\r\n')
  expect(lines[0]).toContain('"uniqueCallId","extension"')
  const on401 = lines.filter((l) => l.includes('"401"'))
  expect(on401).toHaveLength(3)
  for (const id of ids) expect(on401.some((l) => l.startsWith(`"${id}",`))).toBe(true)
  // A caller ID starting with + is quoted safely (no formula).
  expect(on401.every((l) => l.includes(`"'+612987654`))).toBe(true)

  // Stopped and started again on the same data folder and SESSION_SECRET: still signed in, the same report.
  await stopServer()
  await startServer()
  await page.reload()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Reports' })).toBeVisible()
  await expect(
    page
      .getByRole('row', { name: /^401\b/ })
      .getByRole('cell')
      .first(),
  ).toHaveText('3')
  await expect(row.getByRole('cell')).toHaveText([...expected.slice(1), /%$/, /:/, /:/, /:/])
})

test('an agent has no Reports button and is refused at /?view=reports', async ({ page }) => {
  await signIn(page, 'alice', 'alice-password')
  await expect(page.getByRole('button', { name: 'Reports' })).toHaveCount(0)
  await page.goto('/?view=reports')
  await expect(page.getByRole('heading', { name: 'Reports' })).toBeVisible()
  await expect(page.getByRole('alert')).toHaveText('Reports are for supervisors')
  await expect(page.getByRole('table')).toHaveCount(0)
})
