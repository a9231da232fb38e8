// A PBX restart between two polls, through the production server (`npm run build`, then dist-server with a
// users file made by the CLI, on a free port; the spec's own simulator as its PBX, e2e/own-pbx.ts): every call rung after it
// reaches the panel, the call it dropped is not left ringing, and Answer works on a new call. Only the panel's
// success path is relied on (its failure handling is not under test here).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { ownPbx } from './own-pbx.ts'
import { simControl } from './sim.ts'

const root = path.resolve(import.meta.dirname, '..')
const built =
  existsSync(path.join(root, 'dist-server/server/main.js')) && existsSync(path.join(root, 'dist/index.html'))
const EXTS = ['400', '410', '420']

let dir: string
let server: ChildProcess | undefined
let pbx: Awaited<ReturnType<typeof ownPbx>> | undefined

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

// Chosen where the test runs (the worker), once: the page and the simulator's controls (page.request) go there.
const base = `http://127.0.0.1:${await freePort()}`
test.use({ baseURL: base })

function run(cmd: string, args: string[], env: Record<string, string>, stdin = '') {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env } })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')}: ${out}`))))
    child.stdin.end(stdin)
  })
}

test.skip(!built, 'needs `npm run build` (the production server and dist/)')

test.beforeAll(async () => {
  test.setTimeout(60_000)
  dir = await mkdtemp(path.join(tmpdir(), 'switchboard-e2e-restart-'))
  const usersFile = path.join(dir, 'users.json')
  await run(
    process.execPath,
    ['scripts/user.mjs', 'add', 'agent', '--act', EXTS.join(','), '--password-stdin'],
    { SWITCHBOARD_USERS_FILE: usersFile },
    'agent-password\n',
  )
  pbx = await ownPbx()
  server = spawn(process.execPath, ['dist-server/server/main.js'], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: new URL(base).port,
      SWITCHBOARD_USERS_FILE: usersFile,
      SWITCHBOARD_SIM_DEMO: '0',
      ...pbx.env,
      SESSION_SECRET: 'e2e-session-secret-that-is-long-enough-to-use',
      SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  await expect
    .poll(
      () =>
        fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        ),
      { timeout: 30_000 },
    )
    .toBe(true)
})

test.afterAll(async () => {
  server?.kill('SIGTERM')
  await pbx?.pbx.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

test('a PBX restart between two polls: 8 calls after it all shown, the dropped call not left ringing, Answer works', async ({
  page,
}) => {
  await page.goto('/')
  await page.getByLabel('Username').fill('agent')
  await page.getByLabel('Password').fill('agent-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible()
  const sim = simControl(page.request, pbx?.pbx.url)
  const card = (callerId: string) => page.getByRole('article').filter({ hasText: callerId })

  // Traffic before: the PBX's cursor well above where its new seq will start.
  for (let i = 0; i < 4; i++) await sim.primeSeq('420')
  await sim.ring('410', { callerId: '0290000999' })
  await expect(card('0290000999')).toContainText('Ringing')
  // The server caught up and holding its poll: the restart goes just after the reply carrying the next call —
  // no request in flight — and the restarted PBX echoes the old cursor back.
  await expect.poll(async () => (await sim.state(EXTS)).heldPolls).toBe(1)
  const oldCursor = (await sim.state(EXTS)).seq + 1
  await sim.restart({ betweenPolls: true, echoCursor: true })
  await sim.ring('400', { callerId: '0290000888' })
  await expect.poll(async () => (await sim.state(EXTS)).seq).toBe(0)

  // 8 calls, 4 answered (3 here, 1 from the panel): the PBX's new seq moves past the old cursor.
  const callers = Array.from({ length: 8 }, (_, i) => `029100000${i}`)
  const ids: string[] = []
  for (const [i, callerId] of callers.entries()) ids.push(await sim.ring(EXTS[i % 3], { callerId }))
  for (const i of [1, 3, 5]) await sim.connect(ids[i], EXTS[i % 3])
  expect((await sim.state(EXTS)).seq).toBeGreaterThan(oldCursor)

  for (const callerId of callers) await expect(card(callerId)).toBeVisible({ timeout: 10_000 })
  // The calls the restart dropped: not left ringing.
  for (const dropped of ['0290000999', '0290000888'])
    await expect(card(dropped).filter({ hasText: 'Ringing' })).toHaveCount(0, { timeout: 10_000 })
  // The fourth answered from the panel: the server saw it ring after the restart.
  const fresh = card(callers[6])
  await expect(fresh).toContainText('Ringing')
  await fresh.getByRole('button', { name: 'Answer' }).click()
  await expect(fresh).toContainText('Connected')
  await expect(page.getByRole('alert')).toHaveCount(0)
})
