// @vitest-environment node
// `npm start` as a process: start-up refusals (one line, exit 1) and SIGTERM (not ready, held polls answered
// at once, exit within 10 s). Node 20 cannot run TypeScript, so main.ts is bundled first (as the users CLI is).
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { build } from 'rolldown'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const bundle = path.join(root, 'node_modules/.tmp/switchboard-main-test.mjs')
const PORT = 8226
const dataDir = mkdtempSync(path.join(tmpdir(), 'switchboard-main-test-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

beforeAll(async () => {
  await build({
    input: path.join(root, 'server/main.ts'),
    platform: 'node',
    logLevel: 'silent',
    external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
    output: { file: bundle, format: 'esm' },
  })
}, 60_000)

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, [bundle], {
    cwd: root,
    // Records in a folder of the test's own, not the checkout's ./data.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SWITCHBOARD_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (c) => (out += c))
  child.stderr.on('data', (c) => (out += c))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => out, exited }
}

async function until(f: () => Promise<boolean>, ms = 20_000) {
  const t0 = Date.now()
  while (Date.now() - t0 < ms) {
    if (await f().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('timed out')
}

describe('npm start', () => {
  it.each([
    [{ NOOJEE_URL: 'https://pbx.example.com', NOOJEE_API_KEY: 'k-123' }, /^switchboard: No way to sign in/],
    [{ NOOJEE_URL: 'http://pbx.example.com', NOOJEE_API_KEY: 'k-123' }, /^switchboard: NOOJEE_URL must use https/],
    [{ NOOJEE_API_KEY: 'k-123' }, /^switchboard: NOOJEE_API_KEY is set but NOOJEE_URL is not/],
    [{ TRUST_PROXY: 'true' }, /^switchboard: TRUST_PROXY=true would believe X-Forwarded-\* from any client/],
    [
      { NOOJEE_URL: 'https://pbx.example.com/servicemanager', NOOJEE_API_KEY: 'k-123' },
      /^switchboard: NOOJEE_URL must be the PBX's base address with no path \(example: NOOJEE_URL=https:\/\/pbx.example.com\)/,
    ],
    [
      { NOOJEE_URL: 'https://pbx.example.com', NOOJEE_API_KEY: 'k-123', SWITCHBOARD_USERS_FILE: '/nonexistent/u.json' },
      /^switchboard: .*u\.json/,
    ],
  ])(
    'refuses to start with %o, in one line',
    async (env, why) => {
      const s = start({ ...env, PORT: String(PORT) })
      expect(await s.exited).toBe(1)
      const lines = s.output().trim().split('\n')
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(why)
      expect(s.output()).not.toContain('k-123')
    },
    20_000,
  )

  it('serves no /__sim (the simulator’s controls are the dev server’s): refused, and nothing reaches the PBX', async () => {
    const s = start({ PORT: String(PORT), SWITCHBOARD_SIM_DEMO: '0' })
    try {
      const base = `http://127.0.0.1:${PORT}`
      await until(async () => (await fetch(`${base}/readyz`)).ok)
      const headers = { 'Sec-Fetch-Site': 'same-origin', 'X-Switchboard': '1', 'Content-Type': 'application/json' }
      // The local developer is signed in on every request: still no control of the built-in PBX.
      expect((await fetch(`${base}/api/session`).then((r) => r.json())).user.name).toBe('developer')
      for (const action of ['ring', 'endAll', 'state']) {
        const res = await fetch(`${base}/__sim/${action}`, { method: 'POST', headers, body: '{"ext":"410"}' })
        expect(res.status, action).toBe(404)
      }
      const snap = await fetch(`${base}/api/pbx/subscribe?exten=410&lastSequenceNumber=0&timeOut=0`, {
        method: 'POST',
        headers: { 'Sec-Fetch-Site': 'same-origin', 'X-Switchboard': '1' },
      })
      const body = await snap.json()
      expect(body, JSON.stringify(body)).toMatchObject({ Code: 0 })
      expect(body.Data ?? {}).toEqual({})
    } finally {
      s.child.kill('SIGKILL')
      await s.exited
    }
  }, 40_000)

  it('on SIGTERM: answers a held poll at once and exits within 10 s', async () => {
    const s = start({ PORT: String(PORT), SWITCHBOARD_SIM_DEMO: '0' })
    let child: ChildProcess | undefined = s.child
    try {
      const base = `http://127.0.0.1:${PORT}`
      await until(async () => (await fetch(`${base}/readyz`)).ok)
      const headers = { 'Sec-Fetch-Site': 'same-origin', 'X-Switchboard': '1' }
      const snap = await fetch(`${base}/api/pbx/subscribe?exten=400&lastSequenceNumber=0&timeOut=0`, {
        method: 'POST',
        headers,
      })
      const { seq } = (await snap.json()) as { seq: number }
      const held = fetch(`${base}/api/pbx/subscribe?exten=400&lastSequenceNumber=${seq}&timeOut=20`, {
        method: 'POST',
        headers,
      })
      await new Promise((r) => setTimeout(r, 500))
      let exitedFirst = false
      void s.exited.then(() => (exitedFirst = true))
      s.child.kill('SIGTERM')
      // The held poll (a 20 s hold) is answered before the process goes, and the process exits cleanly.
      const res = await held
      expect(exitedFirst, 'the held poll was answered before the exit').toBe(false)
      expect(res.status).toBe(200)
      // 0, not close-with-grace's forced exit (code 1 at its 10 s deadline).
      expect(await s.exited).toBe(0)
      child = undefined
      expect(s.output()).toContain('"signal":"SIGTERM"')
    } finally {
      child?.kill('SIGKILL')
    }
  }, 40_000)
})
