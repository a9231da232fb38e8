// Single sign-on in real Chromium: a real OpenID provider (oidc-provider with its dev login form) and the
// production server (`npm start`, from `npm run build`) configured for it, each on a free loopback port.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { CLIENT, startTestIdp, type People } from '../sim/oidc-idp.ts'
import { expect, test, type Page } from '@playwright/test'

const root = path.resolve(import.meta.dirname, '..')
const built =
  existsSync(path.join(root, 'dist-server/server/main.js')) && existsSync(path.join(root, 'dist/index.html'))

/** Who the provider knows (by subject); eve is not in the users file. */
const PEOPLE: People = {
  'sub-alice': { email: 'alice@example.com', preferred_username: 'alice' },
  'sub-eve': { email: 'eve@example.com', preferred_username: 'eve' },
}

let dir: string
let idp: Awaited<ReturnType<typeof startTestIdp>> | undefined
let base: string
let server: ChildProcess | undefined

const listening = (s: Server) =>
  new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)))

/** A port no one listens on now (the server takes it a moment later). */
async function freePort(): Promise<number> {
  const s = createServer()
  const port = await listening(s)
  await new Promise((r) => s.close(r))
  return port
}

function user(args: string[], usersFile: string) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/user.mjs', ...args], {
      cwd: root,
      env: { ...process.env, SWITCHBOARD_USERS_FILE: usersFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`user ${args.join(' ')}: ${err}`))))
  })
}

test.describe.configure({ mode: 'serial' })
test.skip(!built, 'needs `npm run build` (the production server and dist/)')

test.beforeAll(async () => {
  test.setTimeout(60_000)
  dir = await mkdtemp(path.join(tmpdir(), 'switchboard-e2e-oidc-'))
  const usersFile = path.join(dir, 'users.json')
  // Alice has no password: she signs in through the provider, matched by her email.
  await user(
    ['add', 'alice', '--display', 'Alice Agent', '--email', 'alice@example.com', '--act', '400', '--watch', '400-401'],
    usersFile,
  )

  const port = await freePort()
  base = `http://127.0.0.1:${port}`
  idp = await startTestIdp(`${base}/auth/oidc/callback`, PEOPLE)

  server = spawn(process.execPath, ['dist-server/server/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: base,
      SWITCHBOARD_USERS_FILE: usersFile,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT.id,
      OIDC_CLIENT_SECRET: CLIENT.secret,
      SWITCHBOARD_SIM_DEMO: '0',
      NOOJEE_URL: '',
      NOOJEE_API_KEY: '',
      SESSION_SECRET: 'e2e-session-secret-that-is-long-enough-to-use',
      SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = new Promise<never>((_, reject) =>
    server!.once('exit', (code) => reject(new Error(`the server exited (${code}) before it was up`))),
  )
  exited.catch(() => {})
  await expect
    .poll(
      () =>
        Promise.race([
          fetch(`${base}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
          exited,
        ]),
      { timeout: 30_000 },
    )
    .toBe(true)
})

test.afterAll(async () => {
  server?.kill('SIGTERM')
  await idp?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** From the sign-in page through the provider's own login and consent forms. */
async function signInAtProvider(page: Page, subject: string) {
  await page.goto(base)
  await page.getByRole('link', { name: `Sign in with ${new URL(idp!.issuer).host}` }).click()
  await expect(page).toHaveURL((u) => u.origin === idp!.issuer)
  await page.getByPlaceholder('Enter any login').fill(subject)
  await page.getByPlaceholder('and password').fill('any')
  await page.getByRole('button', { name: 'Sign-in' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
}

test('signs in through the identity provider onto her own extensions, and signs out', async ({ page }) => {
  await signInAtProvider(page, 'sub-alice')
  await expect(page).toHaveURL(`${base}/`)
  await expect(page.getByRole('banner')).toContainText('Signed in as Alice Agent')
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible()
  const session = await page.request.get(`${base}/api/session`)
  expect(session.status()).toBe(200)
  expect((await session.json()).user).toMatchObject({ name: 'alice', mode: 'oidc', act: ['400'] })

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByText('You signed out.')).toBeVisible()
  await expect(page.getByRole('link', { name: /^Sign in with / })).toBeVisible()
  expect((await (await page.request.get(`${base}/api/session`)).json()).user).toBeNull()
})

test('another tab on the sign-in page follows a single sign-on into the panel, and its sign-out', async ({ page }) => {
  const other = await page.context().newPage()
  await other.goto(base)
  await expect(other.getByRole('link', { name: /^Sign in with / })).toBeVisible()
  await signInAtProvider(page, 'sub-alice')
  await expect(page.getByRole('banner')).toContainText('Signed in as Alice Agent')
  await expect(other.getByRole('banner')).toContainText('Signed in as Alice Agent')

  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(other.getByText('You signed out in another tab.')).toBeVisible()
  await other.close()
})

test('someone the provider knows but the users file does not is refused, saying why', async ({ page }) => {
  await signInAtProvider(page, 'sub-eve')
  await expect(
    page.getByText('eve@example.com is not a Switchboard user. Ask your administrator to add you to the users file.'),
  ).toBeVisible()
  expect((await (await page.request.get(`${base}/api/session`)).json()).user).toBeNull()
})
