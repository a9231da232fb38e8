// @vitest-environment node
// The users file decides the upstream's extension list: a change (the auth plugin re-reads it within
// seconds) moves the one PBX subscribe to the new list without a restart — widened, a new user's
// extension is watched and its calls reach the browser; narrowed, it is dropped.
import type { FastifyInstance } from 'fastify'
import { afterEach, expect, it } from 'vitest'
import { PbxSimulator } from '../../sim/pbx-simulator.ts'
import { buildApp } from '../app.ts'
import { cookieFrom, tempUsersFile, usersData } from '../auth/test-helpers.ts'
import { writeUsersFile } from '../auth/users-file.ts'
import { panel, testConfig } from '../test-helpers.ts'
import { createFeedHub, type FeedHubInternals } from './feed-hub.ts'
import { callsIn, quietLogger } from './testing/helpers.ts'
import { simCallPbx } from './testing/sim-pbx.ts'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const ALICE = { name: 'alice', pass: 'alice-password', watch: ['400', '410'] }
const CAROL = { name: 'carol', pass: 'carol-password', watch: ['600'] }

async function setup() {
  const users = await tempUsersFile([ALICE])
  cleanups.push(users.cleanup)
  // Each account hashed once, as the CLI leaves an account alone when another is added (a new hash is a new
  // password, which ends that account's sessions).
  const hashed = (await usersData([ALICE, CAROL])).users
  const setUsers = async (list: (typeof ALICE)[]) =>
    writeUsersFile(users.file, {
      ...(await usersData([])),
      users: hashed.filter((u) => list.some((l) => l.name === u.name)),
    })
  await setUsers([ALICE])
  const sim = new PbxSimulator({ answerDelayMs: 10 })
  const feed: FeedHubInternals = createFeedHub({
    callPbx: simCallPbx(sim),
    extensions: ['400', '410'],
    logger: quietLogger(),
  })
  const app: FastifyInstance = await buildApp(testConfig({ SWITCHBOARD_USERS_FILE: users.file }), {
    callPbx: simCallPbx(sim),
    feed,
  })
  await app.ready()
  cleanups.push(() => app.close())
  /** The extensions of the upstream's latest subscribe at the PBX. */
  const upstreamList = () => sim.requests.filter((r) => r.method === 'subscribe').at(-1)?.params.exten ?? ''
  const subscribe = async (cookie: string, exten: string, cursor: number, timeOut = 0) => {
    const r = await app.inject({
      method: 'POST',
      url: `/api/pbx/subscribe?exten=${exten}&lastSequenceNumber=${cursor}&timeOut=${timeOut}`,
      headers: { ...panel(), cookie },
    })
    return { status: r.statusCode, body: r.body }
  }
  const login = (username: string, password: string) =>
    app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { ...panel(), 'content-type': 'application/json' },
      payload: { username, password },
    })
  return { sim, feed, upstreamList, subscribe, login, setUsers }
}

it(
  'a user added watching 600 while the server runs sees its calls; the upstream then carries 600; narrowing drops it',
  { timeout: 40_000 },
  async () => {
    const { sim, feed, upstreamList, subscribe, login, setUsers } = await setup()
    await expect.poll(() => feed.ready()).toBe(true)
    expect(upstreamList()).toBe('400,410')
    const aliceCookie = cookieFrom(await login('alice', 'alice-password'))
    const alice = await subscribe(aliceCookie, '400,410', 0)
    const aliceSeq = (JSON.parse(alice.body) as { seq: number }).seq
    const early = sim.ring({ ext: '600', callerId: '0600' })

    await setUsers([ALICE, CAROL])
    // Carol may sign in once the file is re-read; her snapshot shows the call ringing on 600 before she came.
    await expect.poll(async () => (await login('carol', 'carol-password')).statusCode, { timeout: 10_000 }).toBe(200)
    const carolCookie = cookieFrom(await login('carol', 'carol-password'))
    await expect.poll(() => upstreamList(), { timeout: 10_000 }).toBe('400,410,600')
    await expect
      .poll(async () => callsIn(await subscribe(carolCookie, '600', 0)), { timeout: 10_000 })
      .toEqual({ '600': { [early]: 'Ringing' } })
    // A call ringing now on 600 comes to her held poll as an event.
    const snap = JSON.parse((await subscribe(carolCookie, '600', 0)).body) as { seq: number }
    const held = subscribe(carolCookie, '600', snap.seq, 25)
    await expect.poll(() => sim.heldPolls).toBe(1)
    const later = sim.ring({ ext: '600', callerId: '0601' })
    expect(callsIn(await held)).toEqual({ '600': { [later]: 'Ringing' } })
    // Alice's cursor on the server's log held across the change: her events come after it, nothing resets.
    const aliceNext = await subscribe(aliceCookie, '400,410', aliceSeq, 1)
    expect(aliceNext.status).toBe(200)
    expect((JSON.parse(aliceNext.body) as { seq: number }).seq).toBeGreaterThanOrEqual(aliceSeq)

    // Narrowed: Carol gone, 600 leaves the upstream; its calls end in the server's state.
    await setUsers([ALICE])
    await expect.poll(() => upstreamList(), { timeout: 10_000 }).toBe('400,410')
    await expect.poll(() => feed.call(later)).toBeUndefined()
    expect((await subscribe(carolCookie, '600', 0)).status).toBe(401)
  },
)
