// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { readUsersFile, writeUsersFile } from './users-file.ts'
import { authApp, cookieFrom, login, SECRET, tempUsersFile, usersData } from './test-helpers.ts'
import { writeFile } from 'node:fs/promises'
import Fastify from 'fastify'
import { authPlugin } from './plugin.ts'

const ALICE = { name: 'alice', display: 'Alice Agent', pass: 'alice-password', act: ['400', '401'], watch: ['400-409'] }
const BOB = { name: 'bob', pass: 'bob-password', act: ['410'], supervisor: true, watch: ['400-499'] }

let cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

async function setup(users = [ALICE, BOB], opts = {}) {
  const f = await tempUsersFile(users)
  const app = await authApp({ usersFile: f.file, ...opts })
  cleanups.push(f.cleanup, () => app.close())
  return { app, file: f.file }
}

const whoami = (app: FastifyInstance, cookie?: string) =>
  app.inject({ url: '/api/whoami', headers: cookie ? { cookie } : {} })

describe('local developer', () => {
  it('is every request, with every extension', async () => {
    const app = await authApp({ mode: 'local-dev' })
    cleanups.push(() => app.close())
    const res = await app.inject({ url: '/api/session' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      user: {
        name: 'developer',
        display: 'Local developer',
        supervisor: true,
        act: [],
        watch: [],
        allExtensions: true,
        mode: 'local-dev',
      },
      simulated: false,
      oidc: null,
      defaults: { extensions: [], myExtensions: [] },
      groups: {},
      names: {},
    })
    expect((await whoami(app)).json()).toEqual({ name: 'developer', act: ['*'] })
  })

  it('takes its default lists and groups from the server’s settings, read at start (issue 22)', async () => {
    const app = await authApp({
      mode: 'local-dev',
      localDefaults: { extensions: ['430', '431'], myExtensions: ['431'] },
      groups: { sales: ['400', '401'] },
    })
    cleanups.push(() => app.close())
    const body = (await app.inject({ url: '/api/session' })).json()
    expect(body.defaults).toEqual({ extensions: ['430', '431'], myExtensions: ['431'] })
    expect(body.groups).toEqual({ sales: ['400', '401'] })
  })
})

// Unknown users cost a full-strength scrypt check (as a real user would): slow on a loaded machine.
describe('built-in accounts', { timeout: 30_000 }, () => {
  it('a user’s session holds their defaults (their rights), groups limited to what they watch, and who acts where', async () => {
    const CAROL = { name: 'carol', display: 'Carol', act: ['402'], watch: [] }
    const DAVE = { name: 'dave', display: 'Dave', act: ['401'], watch: [] }
    const f = await tempUsersFile([ALICE, BOB, CAROL, DAVE])
    const data = await readUsersFile(f.file)
    await writeUsersFile(f.file, { ...data.data, groups: { support: ['405-406', '499'], sales: ['410'] } })
    const app = await authApp({ usersFile: f.file, groups: { sales: ['400-402'], wall: ['401', '498'] } })
    cleanups.push(f.cleanup, () => app.close())
    const cookie = cookieFrom(await login(app, 'alice', 'alice-password'))
    const body = (await app.inject({ url: '/api/session', headers: { cookie } })).json()
    expect(body.defaults).toEqual({
      extensions: ['400', '401', '402', '403', '404', '405', '406', '407', '408', '409'],
      myExtensions: ['400', '401'],
    })
    // The users file's `sales` wins over SWITCHBOARD_GROUPS'; 410, 498 and 499 are not alice's to watch.
    expect(body.groups).toEqual({ wall: ['401'], sales: [], support: ['405', '406'] })
    // 401: alice and dave act on it (no one name); 402: carol alone; 400: alice alone.
    expect(body.names).toEqual({ '400': 'Alice Agent', '402': 'Carol' })
  })

  it('no session: an answer, not an error (no 401 in a sign-in page’s console), in the contract’s shape', async () => {
    const { app } = await setup()
    const res = await app.inject({ url: '/api/session' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.json()).toEqual({
      user: null,
      error: 'unauthenticated',
      message: 'Sign in to use Switchboard',
      oidc: null,
    })
    expect((await whoami(app)).statusCode).toBe(401)
  })

  it('signs in with the file’s rights, a __Host- HttpOnly SameSite=Lax Secure cookie, and signs out server-side', async () => {
    const { app } = await setup()
    const res = await login(app, 'Alice', 'alice-password')
    expect(res.statusCode).toBe(200)
    expect(res.json().user).toEqual({
      name: 'alice',
      display: 'Alice Agent',
      supervisor: false,
      act: ['400', '401'],
      watch: ['400', '401', '402', '403', '404', '405', '406', '407', '408', '409'],
      allExtensions: false,
      mode: 'accounts',
    })
    const setCookie = String(res.headers['set-cookie'])
    expect(setCookie).toMatch(/^__Host-switchboard=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
    const cookie = cookieFrom(res)
    expect((await whoami(app, cookie)).json()).toEqual({ name: 'alice', act: ['400', '401'] })
    expect((await app.inject({ url: '/api/session', headers: { cookie } })).json().user.name).toBe('alice')

    const out = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } })
    expect(out.statusCode).toBe(204)
    // The same cookie, replayed after sign-out, is refused: the session ended on the server.
    expect((await whoami(app, cookie)).statusCode).toBe(401)
  })

  it('a forged or tampered cookie is nobody', async () => {
    const { app } = await setup()
    const cookie = cookieFrom(await login(app, 'alice', 'alice-password'))
    expect((await whoami(app, cookie.slice(0, -2) + 'xx')).statusCode).toBe(401)
    expect((await whoami(app, '__Host-switchboard=abc')).statusCode).toBe(401)
  })

  it('wrong password and unknown user get the same clear 401', async () => {
    const { app } = await setup()
    for (const [u, p] of [
      ['alice', 'wrong-password'],
      ['nobody', 'alice-password'],
      ['bob', ''],
    ]) {
      const res = await login(app, u, p)
      expect(res.statusCode).toBe(p ? 401 : 400)
      expect(res.json().message).toBe(p ? 'Wrong username or password' : 'Enter a username and a password')
      expect(res.headers['set-cookie']).toBeUndefined()
    }
  })

  it('rate-limits failures per username-and-address and per address; a username alone is slowed, not refused', async () => {
    const waits: number[] = []
    const { app } = await setup([ALICE, BOB], {
      loginLimits: { perUserIp: 3, perIp: 5, perUser: 3, windowMs: 60_000 },
      sleep: async (ms: number) => void waits.push(ms),
    })
    for (let i = 0; i < 3; i++) expect((await login(app, 'alice', 'nope', '10.0.0.1')).statusCode).toBe(401)
    const limited = await login(app, 'alice', 'alice-password', '10.0.0.1')
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toEqual({
      error: 'rate-limited',
      message: 'Too many failed sign-ins for this username from your address. Try again in 1 minute.',
    })
    // From another address alice gets in (after a short wait: her name had 3 failures).
    expect((await login(app, 'alice', 'alice-password', '10.0.0.9')).statusCode).toBe(200)
    expect(waits).toEqual([250])
    // One address guessing many names is stopped.
    for (let i = 0; i < 5; i++) await login(app, `guess${i}`, 'nope', '10.9.9.9')
    const ip = await login(app, 'bob', 'bob-password', '10.9.9.9')
    expect(ip.statusCode).toBe(429)
    expect(ip.json().message).toBe('Too many failed sign-ins from your address. Try again in 1 minute.')
  })

  it('a removed user’s next request is refused within seconds, session included; a rights change applies at once', async () => {
    const { app, file } = await setup()
    const alice = cookieFrom(await login(app, 'alice', 'alice-password'))
    const bob = cookieFrom(await login(app, 'bob', 'bob-password'))
    const data = (await readUsersFile(file)).data
    await writeUsersFile(file, {
      ...data,
      users: data.users
        .filter((u) => u.name !== 'alice')
        .map((u) => (u.name === 'bob' ? { ...u, act: ['410', '411'] } : u)),
    })
    await expect.poll(async () => (await whoami(app, alice)).statusCode, { timeout: 10_000 }).toBe(401)
    expect((await whoami(app, bob)).json()).toEqual({ name: 'bob', act: ['410', '411'] })
    // Re-adding alice does not bring the ended session back.
    await writeUsersFile(file, data)
    await expect
      .poll(async () => (await login(app, 'alice', 'alice-password')).statusCode, { timeout: 10_000 })
      .toBe(200)
    expect((await whoami(app, alice)).statusCode).toBe(401)
  })

  it('a broken change keeps the last good rights (and logs); a broken file at start refuses to start with one line', async () => {
    const { app, file } = await setup()
    const alice = cookieFrom(await login(app, 'alice', 'alice-password'))
    await writeFile(file, '{"users": [{"name": "alice", "act": ["4OO"]}]}')
    await new Promise((r) => setTimeout(r, 600))
    expect((await whoami(app, alice)).json()).toEqual({ name: 'alice', act: ['400', '401'] })

    const broken = Fastify({ logger: false })
    await expect(
      broken.register(authPlugin, { mode: 'accounts', usersFile: file, sessionSecret: SECRET }).ready(),
    ).rejects.toThrow(`${file}: users.0.act.0: "4OO" is not an extension (400, SIP/400) or a range (400-499)`)
    const missing = Fastify({ logger: false })
    await expect(
      missing.register(authPlugin, { mode: 'accounts', usersFile: `${file}.nope`, sessionSecret: SECRET }).ready(),
    ).rejects.toThrow(`${file}.nope: cannot read (ENOENT)`)
  })

  it('dial policy: deny prefixes and the per-user rate', async () => {
    const f = await tempUsersFile([])
    await writeUsersFile(f.file, await usersData([ALICE], { perMinute: 2, allowPrefixes: [], denyPrefixes: ['1900'] }))
    const app = await authApp({ usersFile: f.file })
    cleanups.push(f.cleanup, () => app.close())
    const user = (await readUsersFile(f.file)).byName.get('alice')!.user
    const alice = { ...user, mode: 'accounts' as const }
    expect(await app.auth.checkDial(alice, '1900123456')).toMatchObject({ ok: false, status: 403, error: 'forbidden' })
    expect(await app.auth.checkDial(alice, '0298765432')).toEqual({ ok: true })
    expect(await app.auth.checkDial(alice, '0298765432')).toEqual({ ok: true })
    expect(await app.auth.checkDial(alice, '0298765432')).toEqual({
      ok: false,
      status: 429,
      error: 'rate-limited',
      message: 'Dial limit reached (2 a minute); try again in a minute',
    })
  })

  it('plain http on a non-loopback PUBLIC_URL: the cookie cannot be Secure, so it is not __Host-', async () => {
    const { app } = await setup([ALICE], { publicUrl: 'http://switchboard.lan:8080' })
    const res = await login(app, 'alice', 'alice-password')
    expect(String(res.headers['set-cookie'])).toMatch(/^switchboard=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/)
  })
})
