// @vitest-environment node
// Security round two (issue 23), sign-in and sessions: what a prober got through, each refused now. Every password
// check is counted (verifyPassword spied), so "refused" means refused before any hashing work.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { main, type CliIo } from './cli.ts'
import { HashQueue } from './hash-queue.ts'
import type * as passwordModule from './password.ts'
import { verifyPassword } from './password.ts'
import { authApp, cookieFrom, login, tempUsersFile, type TestUser } from './test-helpers.ts'
import type { AuthPluginOptions } from './plugin.ts'

vi.mock('./password.ts', async (original) => {
  const real = await original<typeof passwordModule>()
  return { ...real, verifyPassword: vi.fn(real.verifyPassword) }
})
const checks = vi.mocked(verifyPassword)
const realVerify = checks.getMockImplementation()!

const ALICE: TestUser = { name: 'alice', pass: 'alice-password', act: ['400'] }
const BOB: TestUser = { name: 'bob', pass: 'bob-password', act: ['410'] }
const CAROL: TestUser = { name: 'carol', pass: 'carol-password', act: ['420'] }

let cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
  checks.mockClear()
  checks.mockImplementation(realVerify)
})

async function setup(opts: Partial<AuthPluginOptions> = {}, users = [ALICE, BOB, CAROL]) {
  const f = await tempUsersFile(users)
  const app = await authApp({ usersFile: f.file, ...opts })
  cleanups.push(f.cleanup, () => app.close())
  return { app, file: f.file }
}

const whoami = (app: FastifyInstance, cookie: string) => app.inject({ url: '/api/whoami', headers: { cookie } })
const codes = (rs: { statusCode: number }[]) => rs.map((r) => r.statusCode)
const count = (cs: number[], c: number) => cs.filter((x) => x === c).length
/** A wide queue, so these tests see the sign-in limits alone. */
const WIDE = { running: 2, waiting: 100, perKey: 100 }

describe('2. sign-in limits counted before checking', { timeout: 30_000 }, () => {
  it('41 simultaneous sign-ins for one user from one address: 5 passwords checked, the rest (the right one too) 429', async () => {
    const { app } = await setup({ hashQueue: WIDE })
    const tries = [...Array.from({ length: 40 }, (_, i) => `wrong-${i}`), 'alice-password']
    const res = await Promise.all(tries.map((p) => login(app, 'alice', p, '10.0.0.7')))
    const cs = codes(res)
    expect(count(cs, 401)).toBe(5)
    expect(count(cs, 429)).toBe(36)
    expect(cs).not.toContain(200)
    expect(checks).toHaveBeenCalledTimes(5)
    expect(res.find((r) => r.statusCode === 429)!.json().message).toBe(
      'Too many failed sign-ins for this username from your address. Try again in 15 minutes.',
    )
  })

  it('one address guessing many names at once: its limit’s worth checked, the rest 429 from your address', async () => {
    const { app } = await setup({ hashQueue: WIDE, loginLimits: { perIp: 8 } })
    const res = await Promise.all(Array.from({ length: 25 }, (_, i) => login(app, `guess${i}`, 'pw', '10.0.0.8')))
    expect(count(codes(res), 401)).toBe(8)
    expect(checks).toHaveBeenCalledTimes(8)
    expect(res.find((r) => r.statusCode === 429)!.json().message).toBe(
      'Too many failed sign-ins from your address. Try again in 15 minutes.',
    )
  })
})

describe('3. password hashing bounded, one address cannot starve the others', { timeout: 30_000 }, () => {
  it('the queue runs a few, queues a few, refuses the rest at once; one key holds at most its share', async () => {
    const q = new HashQueue({ running: 1, waiting: 4, perKey: 2 })
    const order: string[] = []
    const gates: (() => void)[] = []
    const job = (name: string) => () =>
      new Promise<string>((resolve) => {
        order.push(name)
        gates.push(() => resolve(name))
      })
    const a = [1, 2, 3, 4].map((i) => q.run('A', job(`A${i}`)))
    const others = ['B', 'C', 'D'].map((k) => q.run(k, job(`${k}1`)))
    // A3, A4: over A's share; B2: 1 running + 4 waiting is full, and B already holds a place.
    expect(await a[2]).toEqual({ ok: false, why: 'address' })
    expect(await a[3]).toEqual({ ok: false, why: 'address' })
    expect(await q.run('B', job('B2'))).toEqual({ ok: false, why: 'busy' })
    for (let i = 0; i < 5; i++) {
      await expect.poll(() => gates.length).toBe(i + 1)
      gates[i]()
    }
    expect(await Promise.all([a[0], a[1], ...others])).toEqual(
      ['A1', 'A2', 'B1', 'C1', 'D1'].map((value) => ({ ok: true, value })),
    )
    expect(order).toEqual(['A1', 'A2', 'B1', 'C1', 'D1'])
  })

  it('a full queue lets in an address holding no place, refusing the last waiter of the address holding most', async () => {
    const q = new HashQueue({ running: 1, waiting: 2, perKey: 3 })
    const gates: (() => void)[] = []
    const job = (name: string) => () => new Promise<string>((resolve) => gates.push(() => resolve(name)))
    const a = [1, 2, 3].map((i) => q.run('A', job(`A${i}`)))
    // A1 runs, A2 and A3 wait: full. B holds nothing: A3 makes room. A (2 places left) asking again is refused.
    const b = q.run('B', job('B1'))
    expect(await a[2]).toEqual({ ok: false, why: 'busy' })
    expect(await q.run('A', job('A4'))).toEqual({ ok: false, why: 'busy' })
    for (let i = 0; i < 3; i++) {
      await expect.poll(() => gates.length).toBe(i + 1)
      gates[i]()
    }
    expect(await Promise.all([a[0], a[1], b])).toEqual(['A1', 'A2', 'B1'].map((value) => ({ ok: true, value })))
  })

  it('151 wrong sign-ins at once from one address: another address’s sign-in is checked among the first, and succeeds', async () => {
    const { app } = await setup({ hashQueue: { running: 1, waiting: 16, perKey: 3 } })
    // Checks held until every request has reached the queue, so no place frees early (conditions, not timing).
    let open = () => {}
    const gate = new Promise<void>((resolve) => (open = resolve))
    checks.mockImplementation(async (...args) => gate.then(() => realVerify(...args)))
    let settled = 0
    const burst = Array.from({ length: 151 }, (_, i) =>
      login(app, `guess${i}`, `burst-${i}`, '10.6.6.6').finally(() => settled++),
    )
    const bob = login(app, 'bob', 'bob-password', '10.1.1.1')
    const session = app.inject({ url: '/api/session' })
    // Answered (signed out: 200 { user: null }) while the burst waits on the hashing queue.
    expect((await session).json()).toMatchObject({ user: null })
    await expect.poll(() => settled).toBe(148)
    await expect.poll(() => checks.mock.calls.length).toBe(1)
    open()
    const res = await Promise.all(burst)
    expect((await bob).statusCode).toBe(200)
    // 3 of the burst admitted (its share), bob's check right after them; the rest refused unchecked.
    const order = checks.mock.calls.map(([password]) => password)
    expect(order).toHaveLength(4)
    expect(order.indexOf('bob-password')).toBe(3)
    expect(count(codes(res), 401)).toBe(3)
    expect(count(codes(res), 429)).toBe(148)
    expect(res.find((r) => r.statusCode === 429)!.json()).toEqual({
      error: 'rate-limited',
      message: 'Too many sign-ins at once from your address. Try again in a few seconds.',
    })
  })
})

describe('4. a session belongs to one version of one account', { timeout: 30_000 }, () => {
  const said: string[] = []
  const cli = (file: string, args: string[], stdin = '') => {
    const io: CliIo = {
      env: { SWITCHBOARD_USERS_FILE: file },
      stdin: async () => stdin,
      out: (line) => void said.push(line),
      err: () => {},
    }
    return main(args, io)
  }

  it('a new password ends the sessions signed in with the old one', async () => {
    const { app, file } = await setup()
    const old = cookieFrom(await login(app, 'alice', 'alice-password'))
    expect((await whoami(app, old)).statusCode).toBe(200)
    expect(await cli(file, ['add', 'alice', '--password-stdin'], 'a brand new password\n')).toBe(0)
    expect(said.at(-1)).toBe("New password: alice's sessions signed in with the old one end within seconds.")
    await expect.poll(async () => (await whoami(app, old)).statusCode, { timeout: 10_000 }).toBe(401)
    expect((await login(app, 'alice', 'a brand new password')).statusCode).toBe(200)
  })

  it('`user remove frank` then `user add frank`: the old cookie does not come back with the new account', async () => {
    const frank = { name: 'frank', pass: 'frank-password', act: ['400'], watch: ['400-409'] }
    const { app, file } = await setup({}, [frank, BOB])
    const old = cookieFrom(await login(app, 'frank', 'frank-password'))
    expect(await cli(file, ['remove', 'frank'])).toBe(0)
    expect(await cli(file, ['add', 'frank', '--act', '420', '--password-stdin'], 'another password\n')).toBe(0)
    // The new frank signs in once the file is re-read; the old cookie stays refused after that.
    await expect
      .poll(async () => (await login(app, 'frank', 'another password')).statusCode, { timeout: 10_000 })
      .toBe(200)
    expect((await whoami(app, old)).statusCode).toBe(401)
  })

  it('rights taken away end the session; rights added keep it, with the new rights', async () => {
    const { app, file } = await setup()
    const alice = cookieFrom(await login(app, 'alice', 'alice-password'))
    const bob = cookieFrom(await login(app, 'bob', 'bob-password'))
    expect(await cli(file, ['add', 'alice', '--act', '400,401'])).toBe(0)
    expect(await cli(file, ['add', 'bob', '--act', '411'])).toBe(0)
    await expect.poll(async () => (await whoami(app, bob)).statusCode, { timeout: 10_000 }).toBe(401)
    expect((await whoami(app, alice)).json()).toEqual({ name: 'alice', act: ['400', '401'] })
    expect(await cli(file, ['add', 'alice', '--supervisor'])).toBe(0)
    await expect
      .poll(
        async () => (await app.inject({ url: '/api/session', headers: { cookie: alice } })).json().user?.supervisor,
        { timeout: 10_000 },
      )
      .toBe(true)
    expect(await cli(file, ['add', 'alice', '--no-supervisor'])).toBe(0)
    await expect.poll(async () => (await whoami(app, alice)).statusCode, { timeout: 10_000 }).toBe(401)
  })
})

describe('5. nobody can lock another’s account', { timeout: 30_000 }, () => {
  it('after 50 failures for carol (from one address, then from ten), carol from her own address gets in, slowed by seconds at most', async () => {
    const waits: number[] = []
    const sleep = async (ms: number) => void waits.push(ms)
    const { app } = await setup({ hashQueue: WIDE, sleep })
    for (let i = 0; i < 50; i++) await login(app, 'carol', `guess-${i}`, '10.6.6.6')
    const own = await login(app, 'carol', 'carol-password', '192.168.1.20')
    expect(own.statusCode).toBe(200)
    // Someone else behind the attacker's address (an office's NAT) still signs in.
    expect((await login(app, 'bob', 'bob-password', '10.6.6.6')).statusCode).toBe(200)

    for (let i = 0; i < 50; i++) await login(app, 'carol', `guess-${i}`, `10.7.7.${i % 10}`)
    waits.length = 0
    expect((await login(app, 'carol', 'carol-password', '192.168.1.20')).statusCode).toBe(200)
    expect(waits).toHaveLength(1)
    expect(waits[0]).toBeGreaterThan(0)
    expect(waits[0]).toBeLessThanOrEqual(3000)
  })
})
