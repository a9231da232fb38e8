// Sign-in with built-in accounts against the production server (`npm start`, from `npm run build`), with its
// own users file made by the CLI: sign in, rights on screen, sign out, a removed user sent back to sign-in.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startSimServer, type SimServer } from '../sim/sim-server.ts'
import { seriousViolations } from './axe.ts'
import { simControl } from './sim.ts'

const PORT = Number(process.env.E2E_ACCOUNTS_PORT ?? 5232)
const BASE = `http://127.0.0.1:${PORT}`
const root = path.resolve(import.meta.dirname, '..')
const built =
  existsSync(path.join(root, 'dist-server/server/main.js')) && existsSync(path.join(root, 'dist/index.html'))

let dir: string
let usersFile: string
let server: ChildProcess | undefined
// Its own PBX (the simulator, on its own port, as a PBX is): npm start serves no /__sim.
let pbx: SimServer | undefined
const PBX_KEY = 'sign-in-spec-pbx-key'

function user(args: string[], stdin = '') {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/user.mjs', ...args], {
      cwd: root,
      env: { ...process.env, SWITCHBOARD_USERS_FILE: usersFile },
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`user ${args.join(' ')}: ${out}`))))
    child.stdin.end(stdin)
  })
}

test.describe.configure({ mode: 'serial' })
test.skip(!built, 'needs `npm run build` (the production server and dist/)')
test.use({ baseURL: BASE })

test.beforeAll(async () => {
  test.setTimeout(60_000)
  dir = await mkdtemp(path.join(tmpdir(), 'switchboard-e2e-users-'))
  usersFile = path.join(dir, 'users.json')
  await user(
    ['add', 'alice', '--display', 'Alice Agent', '--act', '400', '--watch', '400-402', '--password-stdin'],
    'alice-password\n',
  )
  await user(['add', 'bob', '--act', '410', '--password-stdin'], 'bob-password\n')
  pbx = await startSimServer({ apiKey: PBX_KEY })
  server = spawn(process.execPath, ['dist-server/server/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(PORT),
      SWITCHBOARD_USERS_FILE: usersFile,
      // Its own call records: an earlier run's calls are not in this run's history.
      SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
      SWITCHBOARD_SIM_DEMO: '0',
      NOOJEE_URL: pbx.url,
      NOOJEE_API_KEY: PBX_KEY,
      SESSION_SECRET: 'e2e-session-secret-that-is-long-enough-to-use',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (let i = 0; ; i++) {
    const up = await fetch(`${BASE}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (up) break
    if (i > 200 || server.exitCode !== null) throw new Error('the server did not start')
    await new Promise((r) => setTimeout(r, 100))
  }
})

test.afterAll(async () => {
  server?.kill('SIGTERM')
  await pbx?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

test('asks who you are; a wrong password is refused; the right one opens the panel on her own extensions', async ({
  page,
}) => {
  // A link to an extension she watches, opened before signing in.
  await page.goto('/?exten=401')
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  await signIn(page, 'alice', 'wrong-password')
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password')
  expect(await seriousViolations(page)).toEqual([])

  await signIn(page, 'alice', 'alice-password')
  await expect(page.getByRole('banner')).toContainText('Signed in as Alice Agent')
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
  const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-switchboard')
  expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' })

  // A call on her extension can be answered; one on an extension she only watches cannot.
  const sim = simControl(page.request, pbx!.url)
  await sim.ring('400', { callerId: '0298765432' })
  await sim.ring('401', { callerId: '0411222333' })
  await expect(page.getByText('0298765432').first()).toBeVisible()
  await expect(page.getByText('0411222333').first()).toBeVisible()
  await expect(page.getByRole('button', { name: 'Answer' })).toHaveCount(1)
})

test('?exten= beyond what she may watch is ignored with a message', async ({ page }) => {
  await page.goto('/')
  await signIn(page, 'alice', 'alice-password')
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
  await page.goto('/?exten=401,499')
  await expect(page.getByRole('alert')).toContainText("The link's extensions not yours to watch are ignored: 499.")
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible()
})

test('Sign out ends the session: the sign-in page, also after a reload', async ({ page }) => {
  await page.goto('/')
  await signIn(page, 'bob', 'bob-password')
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByText('You signed out.')).toBeVisible()
  await page.reload()
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  expect((await (await page.request.get('/api/session')).json()).user).toBeNull()
})

test("the next person on this browser sees none of the previous one's history or settings", async ({ page }) => {
  const sim = simControl(page.request, pbx!.url)
  const history = page.getByRole('region', { name: 'Call history' })
  const calls = history.getByRole('listitem')
  const screenPop = page.getByLabel('CRM page for a caller (screen pop)')
  const CRM = 'https://crm.example.com/alice?phone={callerId}'
  const stored = () => page.evaluate(() => JSON.stringify({ ...localStorage }))
  const settingsSay = async (value: string) => {
    await page.getByRole('button', { name: 'Settings' }).click()
    await expect(screenPop).toHaveValue(value)
    await page.getByRole('button', { name: 'Close settings' }).click()
  }
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  }

  // Alice: a missed call on her extension, and her CRM page for screen pops.
  await page.goto('/')
  await signIn(page, 'alice', 'alice-password')
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible()
  const id = await sim.ring('400', { callerId: '0255550001' })
  await expect(page.getByRole('article', { name: 'Ringing: 0255550001' })).toBeVisible()
  await sim.status(id, 'Hungup')
  await expect(calls.filter({ hasText: '0255550001' })).toHaveCount(1)
  await page.getByRole('button', { name: 'Settings' }).click()
  await screenPop.fill(CRM)
  await page.getByRole('button', { name: 'Close settings' }).click()
  await expect.poll(stored).toContain('crm.example.com/alice')

  // Her session ends without a Sign out (it expired, the browser was left): Bob signs in on the same browser.
  await page.context().clearCookies()
  await page.reload()
  await signIn(page, 'bob', 'bob-password')
  await expect(page.getByRole('banner')).toContainText('Signed in as bob')
  await expect(history).toContainText('No calls on your extensions yet.')
  await expect(page.getByText('0255550001')).toHaveCount(0)
  await settingsSay('')
  await signOut()

  // Alice again: her history and settings are hers, and still here. (The first test's call on 400 may have
  // ended meanwhile and be in her history too: only this test's call is counted.)
  await signIn(page, 'alice', 'alice-password')
  await expect(calls.filter({ hasText: '0255550001' })).toHaveCount(1)
  await settingsSay(CRM)

  // Nothing of her call history is left in the browser after her Sign out; her settings wait for her.
  await signOut()
  expect(await stored()).not.toContain('0255550001')
  await signIn(page, 'bob', 'bob-password')
  await expect(history).toContainText('No calls on your extensions yet.')
  await settingsSay('')
  await signOut()
  // Her history is the server's record: back when she signs in again, never kept in the browser.
  await signIn(page, 'alice', 'alice-password')
  await expect(calls.filter({ hasText: '0255550001' })).toHaveCount(1)
  expect(await stored()).not.toContain('0255550001')
  await settingsSay(CRM)
})

test("the other tabs follow a sign-out and the next person's sign-in: no tab shows the previous person", async ({
  page,
}) => {
  const sim = simControl(page.request, pbx!.url)
  await page.goto('/')
  await signIn(page, 'alice', 'alice-password')
  await expect(page.getByRole('banner')).toContainText('Signed in as Alice Agent')
  // A second tab of the panel in the same browser: her session, her extensions, a call of hers in memory.
  const other = await page.context().newPage()
  await other.goto('/')
  await expect(other.getByRole('banner')).toContainText('Signed in as Alice Agent')
  await expect(other.getByRole('region', { name: 'Extension 400' })).toBeVisible()
  await sim.ring('400', { callerId: '0266660001' })
  await expect(other.getByRole('article', { name: 'Ringing: 0266660001' })).toBeVisible()

  // She signs out in the first tab: the other shows the sign-in page without anything done there.
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(other.getByRole('button', { name: 'Sign in' })).toBeVisible()
  await expect(other.getByText('You signed out in another tab.')).toBeVisible()
  await expect(other.getByRole('region', { name: /^Extension / })).toHaveCount(0)

  // Bob signs in in the first tab: the other follows into his panel, with nothing of hers.
  await signIn(page, 'bob', 'bob-password')
  await expect(page.getByRole('banner')).toContainText('Signed in as bob')
  await expect(other.getByRole('banner')).toContainText('Signed in as bob')
  await expect(other.getByRole('region', { name: 'Extension 410' })).toBeVisible()
  await expect(other.getByRole('region', { name: /^Extension 40/ })).toHaveCount(0)
  await expect(other.getByText('0266660001')).toHaveCount(0)

  // Now the other way round: Bob signs out in the other tab, Alice signs in there; the first follows both.
  await other.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByText('You signed out in another tab.')).toBeVisible()
  await signIn(other, 'alice', 'alice-password')
  await expect(page.getByRole('banner')).toContainText('Signed in as Alice Agent')
  await expect(page.getByRole('region', { name: 'Extension 410' })).toHaveCount(0)
  await other.close()
})

test('a user removed from the file is sent back to the sign-in page within seconds', async ({ page }) => {
  await page.goto('/')
  await signIn(page, 'bob', 'bob-password')
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
  await user(['remove', 'bob'])
  // The server refuses his session within seconds (it re-reads the file on change)…
  await expect
    .poll(async () => (await (await page.request.get('/api/session')).json()).user, { timeout: 5000 })
    .toBeNull()
  // …and his next action takes the panel back to the sign-in page.
  await page.getByLabel('Number to dial').fill('0298765432')
  await page.getByRole('button', { name: 'Dial' }).click()
  await expect(page.getByText('Your session has ended. Sign in again.')).toBeVisible()
  await signIn(page, 'bob', 'bob-password')
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password')
})
