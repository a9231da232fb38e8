// @vitest-environment node
// Issue 23 ("Security, round two"), the PBX-facing findings: each test replays what the probe got through and
// shows it refused (or the key absent) with nothing reaching the PBX. docs/security.md names these tests.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PbxSimulator } from '../../sim/pbx-simulator.ts'
import { tempUsersFile } from '../auth/test-helpers.ts'
import { dialledNumber } from '../auth/rights.ts'
import { createFeedHub } from '../feed/feed-hub.ts'
import { simCallPbx } from '../feed/testing/sim-pbx.ts'
import { createLogger } from '../logger.ts'
import { panel, testApp, testConfig } from '../test-helpers.ts'
import type { FeedHub } from '../types.ts'
import { createPbxClient } from './pbx-client.ts'

/** A key holding `/`, `+` and `=`, as base64 keys do. */
const KEY = 'SbKey/9f8e+Qx7Zp=='
/** The key as a PBX may echo it inside a JSON string. */
const ESCAPINGS: Record<string, string> = {
  plain: KEY,
  'slash escaped (\\/)': KEY.replace(/\//g, '\\/'),
  'equals as \\u003d': KEY.replace(/=/g, '\\u003d'),
  'equals as \\u003D, plus as \\u002B': KEY.replace(/=/g, '\\u003D').replace(/\+/g, '\\u002B'),
  'every character \\uXXXX': [...KEY].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
}
/** True when a reply or log line, read as the browser or a log reader would (decoded), holds the key. */
const holdsKey = (text: string) => {
  let decoded = text
  try {
    decoded = JSON.stringify(JSON.parse(text))
  } catch {
    // not JSON: read as is
  }
  return text.includes(KEY) || decoded.includes(KEY) || decoded.includes(encodeURIComponent(KEY))
}

function capture(level: string) {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk))
      cb()
    },
  })
  const audits = (): Record<string, unknown>[] =>
    lines
      .map((l) => JSON.parse(l) as { level: number; audit?: Record<string, unknown> })
      .filter((l) => l.audit)
      .map((l) => ({ level: l.level, ...l.audit }))
  return { lines, audits, logger: createLogger({ apiKey: KEY, stream, level }) }
}

let open: { close(): Promise<unknown> }[] = []
afterEach(async () => {
  for (const o of open.reverse()) await o.close()
  open = []
})
const make = async (o: Parameters<typeof testApp>[0] & { level?: string } = {}) => {
  const log = capture(o.level ?? 'info')
  const t = await testApp({ ...o, deps: { logger: log.logger, ...o.deps } })
  open.push(t.app)
  return { ...t, log }
}
const post = (app: FastifyInstance, url: string, who = 'alice', extra: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { ...panel(who), ...extra } })
const ANSWER = encodeURIComponent('Call-info:answer-after=0')

describe('1. the key never reaches a browser, however the PBX escapes its echo', () => {
  // A PBX that records every request and answers with the key echoed (escaping and status set per test).
  let pbxServer: http.Server
  let pbxUrl: string
  const atPbx: string[] = []
  let echo = ESCAPINGS.plain
  let status = 200
  beforeAll(async () => {
    pbxServer = http.createServer((req, res) => {
      atPbx.push(req.url ?? '')
      res
        .writeHead(status, { 'Content-Type': 'application/json' })
        .end(`{"Code":-1,"Message":"Invalid key ${echo}","Detail":{"${echo}":["${echo}"]}}`)
    })
    await new Promise<void>((r) => pbxServer.listen(0, '127.0.0.1', r))
    pbxUrl = `http://127.0.0.1:${(pbxServer.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise((r) => pbxServer.close(r)))
  beforeEach(() => {
    atPbx.length = 0
    status = 200
  })

  const ACTIONS: [string, string, string][] = [
    ['hangup', '/api/pbx/hangup?extenOrUniqueId=c1', 'alice'],
    ['answer', `/api/pbx/answer?uniqueId=c1&exten=400&answerString=${ANSWER}`, 'alice'],
    ['dial', '/api/pbx/dial?number=0299998888&extenOrUniqueId=SIP/400', 'alice'],
    ['record start', '/api/pbx/start?extenOrUniqueId=c1', 'alice'],
    ['record stop', '/api/pbx/stop?extenOrUniqueId=c1', 'alice'],
  ]

  it.each(Object.entries(ESCAPINGS))(
    'action replies (hangup, answer, dial, record; HTTP 200 and 403): key echoed %s',
    async (_name, escaped) => {
      echo = escaped
      const { app, feed, log } = await make({ deps: { callPbx: createPbxClient({ url: pbxUrl, apiKey: KEY }) } })
      feed.ring('c1', '400')
      for (const s of [200, 403]) {
        status = s
        for (const [, url, who] of ACTIONS) {
          const before = atPbx.length
          const r = await post(app, url, who)
          expect(atPbx.length - before, url).toBe(1)
          expect([200, 502]).toContain(r.statusCode)
          expect(holdsKey(r.body), `${url}: ${r.body}`).toBe(false)
          expect(r.body).toContain('[redacted]')
        }
      }
      expect(log.lines.length).toBeGreaterThan(10)
      for (const line of log.lines) expect(holdsKey(line), line).toBe(false)
    },
  )

  it.each(Object.entries(ESCAPINGS))(
    "the feed: the server's own subscribe refused with the key echoed %s; bob's poll reads no key",
    async (_name, escaped) => {
      echo = escaped
      const log = capture('debug')
      const hub: FeedHub = createFeedHub({
        callPbx: createPbxClient({ url: pbxUrl, apiKey: KEY }),
        extensions: ['400', '410'],
        logger: log.logger,
      })
      open.push(hub)
      const { app } = await make({ deps: { feed: hub, logger: log.logger } })
      for (const [who, ext] of [
        ['bob', '410'],
        ['alice', '400'],
      ]) {
        const r = await post(app, `/api/pbx/subscribe?exten=${ext}&lastSequenceNumber=0&timeOut=0`, who)
        // The feed answers in its own words (issue 21): the PBX's Message, key and all, never reaches a browser.
        expect(JSON.parse(r.body)).toMatchObject({ error: 'feed-down', reason: 'key-refused' })
        expect(holdsKey(r.body), r.body).toBe(false)
      }
      expect(atPbx.every((u) => u.includes('/subscribe?'))).toBe(true)
      for (const line of log.lines) expect(holdsKey(line), line).toBe(false)
    },
  )
})

describe('6. the dial policy checks the number as the PBX will dial it', () => {
  const policy = { denyPrefixes: ['1900', '0011'], perMinute: 100 }
  const dial = (number: string) => `/api/pbx/dial?number=${encodeURIComponent(number)}&extenOrUniqueId=SIP/400`

  it.each([
    ['+19001234', 'an international number, written with +'],
    ['+611900123456', 'a 1900 number written with the home country code'],
    ['+61 1900 123 456', 'the same, spaced'],
    ['+441632960961', 'another country'],
    ['**420', 'directed pickup'],
    ['*8', 'call pickup'],
    ['*7200111234', 'a feature code before a number'],
    ['#31#0299998888', 'a # prefix'],
    ['+*8', 'a + before a feature code'],
  ])('refuses %s (%s), nothing at the PBX, one audit line', async (number) => {
    const { app, pbx, log } = await make({ policy })
    const r = await post(app, dial(number))
    expect([403, 400]).toContain(r.statusCode)
    expect(pbx.sent).toEqual([])
    expect(log.audits()).toMatchObject([{ user: 'alice', action: 'dial', outcome: /refused|bad-request/ }])
  })

  it('+61 2 9999 8888 is checked as 0299998888 (allowed by 02) and sent as written; feature codes when allowed', async () => {
    const { app, pbx, log } = await make({ policy: { ...policy, allowPrefixes: ['02', '1300'] } })
    expect((await post(app, dial('+61 2 9999 8888'))).statusCode).toBe(200)
    expect((await post(app, dial('+44 20 7946 0018'))).statusCode).toBe(403)
    expect(pbx.sent.map((s) => s.params.number)).toEqual(['+61299998888'])
    expect(log.audits()[0].what).toBe('+61299998888 (dialled as 0299998888) from 400')
    const allowed = await make({ policy, config: testConfig({ SWITCHBOARD_DIAL_ALLOW_FEATURE_CODES: '1' }) })
    expect((await post(allowed.app, dial('*8'))).statusCode).toBe(200)
    expect(allowed.pbx.sent.map((s) => s.params.number)).toEqual(['*8'])
  })

  it('the rule, per home country', () => {
    const au = { homeCountryCode: '61', allowFeatureCodes: false }
    const cases: [string, string, string][] = [
      ['61', '+611900123456', '1900123456'],
      ['61', '+61412345678', '0412345678'],
      ['61', '+19001234', '001119001234'],
      ['61', '0011441632960961', '0011441632960961'],
      ['1', '+61299998888', '01161299998888'],
      ['1', '+12125550100', '12125550100'],
      ['44', '+447911123456', '07911123456'],
      ['44', '+61299998888', '0061299998888'],
    ]
    for (const [cc, n, out] of cases)
      expect(dialledNumber(n, { ...au, homeCountryCode: cc }), `${cc} ${n}`).toEqual({
        ok: true,
        number: n,
        dialled: out,
      })
    expect(dialledNumber('*8', au)).toMatchObject({ ok: false, status: 403 })
    expect(dialledNumber('+61abc', au)).toMatchObject({ ok: false, status: 400 })
  })
})

describe('7. rights follow where the call is now', () => {
  it('400 Connected → 400 Unlinked → 410 Connected: alice (400) may not hang up or record it, bob (410) may', async () => {
    const { app, pbx, feed, log } = await make()
    feed.ring('c1', '400', 'Connected')
    feed.ring('c1', '400', 'Unlinked')
    feed.ring('c1', '410', 'Connected')
    for (const url of [
      '/api/pbx/hangup?extenOrUniqueId=c1',
      '/api/pbx/start?extenOrUniqueId=c1',
      '/api/pbx/stop?extenOrUniqueId=c1',
    ])
      expect((await post(app, url, 'alice')).statusCode, url).toBe(403)
    expect(pbx.sent).toEqual([])
    expect((await post(app, '/api/pbx/start?extenOrUniqueId=c1', 'bob')).statusCode).toBe(200)
    expect((await post(app, '/api/pbx/hangup?extenOrUniqueId=c1', 'bob')).statusCode).toBe(200)
    expect(pbx.sent.map((s) => s.method)).toEqual(['start', 'hangup'])
    expect(log.audits().map((a) => [a.user, a.action, a.outcome])).toEqual([
      ['alice', 'hangup', 'refused'],
      ['alice', 'record-start', 'refused'],
      ['alice', 'record-stop', 'refused'],
      ['bob', 'record-start', 'ok'],
      ['bob', 'hangup', 'ok'],
    ])
  })

  it('the same through the real feed (the simulator transfers the call): alice refused, nothing at the PBX', async () => {
    const sim = new PbxSimulator({ answerDelayMs: 10 })
    const log = capture('warn')
    const hub = createFeedHub({ callPbx: simCallPbx(sim), extensions: ['400', '410'], logger: log.logger })
    open.push(hub)
    const { app } = await make({ deps: { feed: hub, callPbx: simCallPbx(sim), logger: log.logger } })
    const id = sim.ring({ ext: '400', callerId: '0299998888' })
    sim.setStatus(id, 'Connected', '400')
    sim.setStatus(id, 'Unlinked', '400')
    sim.ring({ ext: '410', uniqueCallId: id, callerId: '0299998888' })
    sim.setStatus(id, 'Connected', '410')
    await expect.poll(() => hub.call(id)?.legs.get('410')).toBe('Connected')
    expect(hub.call(id)?.legs.get('400')).toBe('Unlinked')
    const actions = () => sim.requests.filter((r) => r.method !== 'subscribe').map((r) => r.method)
    for (const url of [`/api/pbx/hangup?extenOrUniqueId=${id}`, `/api/pbx/start?extenOrUniqueId=${id}`])
      expect((await post(app, url, 'alice')).statusCode, url).toBe(403)
    expect(actions()).toEqual([])
    expect((await post(app, `/api/pbx/hangup?extenOrUniqueId=${id}`, 'bob')).statusCode).toBe(200)
    expect(actions()).toEqual(['hangup'])
  })

  it('a leg that ended gives nothing either', async () => {
    const { app, pbx, feed } = await make()
    feed.ring('c2', '400', 'Hungup')
    feed.ring('c2', '410', 'Connected')
    expect((await post(app, '/api/pbx/hangup?extenOrUniqueId=c2', 'alice')).statusCode).toBe(403)
    expect(pbx.sent).toEqual([])
  })
})

/** The app with the real auth plugin and a users file: sessions from a signed cookie. */
async function signedIn(level = 'info') {
  const users = await tempUsersFile([{ name: 'alice', pass: 'alice-password', act: ['400'], watch: ['400-410'] }])
  open.push({ close: users.cleanup })
  const t = await make({ config: testConfig({ SWITCHBOARD_USERS_FILE: users.file }), deps: { auth: undefined }, level })
  const login = (password: string, ip = '198.51.100.7') =>
    t.app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'sec-fetch-site': 'same-origin', 'x-switchboard': '1', 'content-type': 'application/json' },
      payload: { username: 'alice', password },
      remoteAddress: ip,
    })
  return { ...t, login }
}
const sessionCookie = (r: { headers: Record<string, unknown> }) =>
  String([r.headers['set-cookie']].flat()[0]).split(';')[0]

describe('8. the held-poll limit is per session, not per Cookie header', () => {
  it('Cookie: <session>; pad=N gets no more polls than the session', async () => {
    const { app, feed, login } = await signedIn()
    const cookie = sessionCookie(await login('alice-password'))
    const perSession = testConfig().limits.pollsPerSession
    const poll = (i: number) =>
      app.inject({
        method: 'POST',
        url: '/api/pbx/subscribe?exten=400&lastSequenceNumber=1&timeOut=5',
        headers: { 'sec-fetch-site': 'same-origin', 'x-switchboard': '1', cookie: `${cookie}; pad=${i}` },
      })
    const held = Array.from({ length: perSession }, (_, i) => poll(i))
    await expect.poll(() => feed.heldCount).toBe(perSession)
    const more = await Promise.all(Array.from({ length: 10 }, (_, i) => poll(100 + i)))
    expect(more.map((r) => r.statusCode)).toEqual(Array(10).fill(429))
    expect(feed.heldCount).toBe(perSession)
    await feed.close()
    expect((await Promise.all(held)).every((r) => r.statusCode === 200)).toBe(true)
  })
})

describe('9. every decision is one audit line, at a level no LOG_LEVEL drops', () => {
  it.each(['warn', 'fatal', 'silent'])(
    'LOG_LEVEL=%s: answer, hang up, dial (incl. a 400), record, a refused subscribe: one line each, with user and address',
    async (level) => {
      const { app, feed, pbx, log } = await make({ level })
      feed.ring('c1', '400')
      const from = { remoteAddress: '203.0.113.9' }
      const ask = (url: string, who = 'alice') => app.inject({ method: 'POST', url, headers: panel(who), ...from })
      await ask(`/api/pbx/answer?uniqueId=c1&exten=SIP/400&answerString=${ANSWER}`)
      await ask('/api/pbx/hangup?extenOrUniqueId=c1')
      await ask('/api/pbx/dial?number=0299998888&extenOrUniqueId=SIP/400')
      await ask('/api/pbx/dial?number=call-me&extenOrUniqueId=SIP/400')
      await ask('/api/pbx/start?extenOrUniqueId=c1')
      await ask('/api/pbx/subscribe?exten=420&lastSequenceNumber=0&timeOut=0')
      await ask('/api/pbx/hangup?extenOrUniqueId=c1', 'bob')
      expect(pbx.sent.map((s) => s.method)).toEqual(['answer', 'hangup', 'dial', 'start'])
      expect(log.audits()).toEqual([
        {
          level: 70,
          user: 'alice',
          address: '203.0.113.9',
          action: 'answer',
          what: 'c1 on 400',
          outcome: 'ok',
          code: 0,
          message: 'ok',
        },
        {
          level: 70,
          user: 'alice',
          address: '203.0.113.9',
          action: 'hangup',
          what: 'c1 on 400',
          outcome: 'ok',
          code: 0,
          message: 'ok',
        },
        {
          level: 70,
          user: 'alice',
          address: '203.0.113.9',
          action: 'dial',
          what: '0299998888 from 400',
          outcome: 'ok',
          code: 0,
          message: 'Dialing',
        },
        {
          level: 70,
          user: 'alice',
          address: '203.0.113.9',
          action: 'dial',
          what: 'call-me from 400',
          outcome: 'bad-request',
          message: expect.stringMatching(/number/),
        },
        {
          level: 70,
          user: 'alice',
          address: '203.0.113.9',
          action: 'record-start',
          what: 'c1 on 400',
          outcome: 'ok',
          code: 0,
          message: 'ok',
        },
        {
          level: 70,
          user: 'alice',
          address: '203.0.113.9',
          action: 'subscribe',
          what: '420',
          outcome: 'refused',
          message: 'You may not watch extension 420',
        },
        {
          level: 70,
          user: 'bob',
          address: '203.0.113.9',
          action: 'hangup',
          what: 'c1',
          outcome: 'refused',
          message: 'That call is not on one of your extensions',
        },
      ])
      if (level === 'silent') expect(log.lines.length).toBe(7)
    },
  )

  it('sign-in allowed and refused: one line each, with the name tried and the address', async () => {
    const { log, login } = await signedIn('warn')
    expect((await login('wrong-password', '192.0.2.1')).statusCode).toBe(401)
    expect((await login('alice-password', '192.0.2.2')).statusCode).toBe(200)
    expect(log.audits()).toEqual([
      {
        level: 70,
        user: 'alice',
        address: '192.0.2.1',
        action: 'sign-in',
        what: 'password',
        outcome: 'refused',
        message: 'Wrong username or password',
      },
      { level: 70, user: 'alice', address: '192.0.2.2', action: 'sign-in', what: 'password', outcome: 'ok' },
    ])
  })
})

describe('11. the dial is sent from the extension the rights saw, never the browser’s string', () => {
  it.each([
    ['dial', '/api/pbx/dial?number=0299998888&extenOrUniqueId=DAHDI/400'],
    ['dial', '/api/pbx/dial?number=0299998888&extenOrUniqueId=Local/400'],
    ['answer', `/api/pbx/answer?uniqueId=c1&exten=DAHDI/400&answerString=${ANSWER}`],
    ['record', '/api/pbx/start?extenOrUniqueId=DAHDI/400'],
  ])('%s from another technology (%s) is refused, nothing at the PBX', async (_what, url) => {
    const { app, pbx, feed } = await make()
    feed.ring('c1', '400')
    const r = await post(app, url)
    expect([r.statusCode, r.json().error]).toEqual([400, 'bad-request'])
    expect(pbx.sent).toEqual([])
  })

  it('sip/400 is sent as SIP/400, 400 as 400', async () => {
    const { app, pbx } = await make()
    await post(app, '/api/pbx/dial?number=0299998888&extenOrUniqueId=sip/400')
    await post(app, '/api/pbx/dial?number=0299998888&extenOrUniqueId=400')
    expect(pbx.sent.map((s) => s.params.extenOrUniqueId)).toEqual(['SIP/400', '400'])
  })
})
