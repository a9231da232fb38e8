// @vitest-environment node
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { feedDownSchema } from '../src/features/pbx/feed-contract.ts'
import { downReply } from './feed/event-log.ts'
import { PbxCallError } from './pbx/pbx-client.ts'
import { panel, TEST_KEY, testApp, testConfig } from './test-helpers.ts'

let open: FastifyInstance[] = []
afterEach(async () => {
  await Promise.all(open.map((a) => a.close()))
  open = []
})
const make = async (o: Parameters<typeof testApp>[0] = {}) => {
  const t = await testApp(o)
  open.push(t.app)
  return t
}

describe('operations', () => {
  it('healthz is alive; readyz follows the feed and shutdown', async () => {
    const { app, feed } = await make()
    expect((await app.inject('/healthz')).json()).toEqual({ ok: true })
    expect((await app.inject('/readyz')).statusCode).toBe(200)
    feed.isReady = false
    const r = await app.inject('/readyz')
    expect([r.statusCode, r.json().error]).toEqual([503, 'unavailable'])
  })

  it('gives every reply a request id and the security headers', async () => {
    const { app } = await make()
    const r = await app.inject('/healthz')
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const csp = String(r.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect(r.headers['referrer-policy']).toBe('no-referrer')
    expect(r.headers['x-frame-options']).toBe('DENY')
    expect(r.headers['permissions-policy']).toContain('camera=()')
    expect(r.headers['strict-transport-security']).toBeUndefined()
    expect(r.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('gives refusals their headers too (set before any hook can refuse); API replies the API set, no-store', async () => {
    const { app, pbx } = await make()
    const page = await app.inject('/no-such-page.php')
    const api = await app.inject({ method: 'POST', url: '/api/pbx/answer?uniqueId=1.2&exten=400&answerString=x' })
    expect([page.statusCode, api.statusCode]).toEqual([404, 403])
    for (const r of [page, api]) {
      expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'none'")
      expect(r.headers['x-content-type-options']).toBe('nosniff')
      expect(r.headers['x-frame-options']).toBe('DENY')
      expect(r.headers['cross-origin-resource-policy']).toBe('same-origin')
      expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    }
    expect(page.headers['permissions-policy']).toContain('camera=()')
    // OWASP's set for API responses: a JSON reply may load nothing, and is never cached.
    expect(api.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'")
    expect(api.headers['cache-control']).toBe('no-store')
    expect(api.headers['permissions-policy']).toBeUndefined()
    expect(pbx.sent).toEqual([])
  })

  it('sends HSTS behind TLS (a trusted proxy says https)', async () => {
    const { app } = await make({ config: testConfig({ TRUST_PROXY: 'true' }) })
    const r = await app.inject({ url: '/healthz', headers: { 'x-forwarded-proto': 'https' } })
    expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/)
  })
})

describe('cross-site requests', () => {
  const dial = '/api/pbx/dial?number=0299998888&extenOrUniqueId=SIP/400'
  it.each([
    ['no Sec-Fetch-Site and no Origin', {}],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site', 'x-switchboard': '1' }],
    ['Sec-Fetch-Site same-site', { 'sec-fetch-site': 'same-site', 'x-switchboard': '1' }],
    ['Sec-Fetch-Site none', { 'sec-fetch-site': 'none', 'x-switchboard': '1' }],
    ['another Origin', { origin: 'https://evil.example', 'x-switchboard': '1' }],
    ['same-origin without X-Switchboard', { 'sec-fetch-site': 'same-origin' }],
    ['a matching Origin without X-Switchboard', { origin: 'http://localhost:80' }],
    ['X-Switchboard: 0', { 'sec-fetch-site': 'same-origin', 'x-switchboard': '0' }],
  ])('refuses %s, and nothing reaches the PBX', async (_what, headers) => {
    const { app, pbx } = await make()
    const r = await app.inject({ method: 'POST', url: dial, headers: { ...headers, 'x-test-user': 'alice' } })
    expect(r.statusCode).toBe(403)
    expect(r.json().error).toBe('cross-site')
    expect(r.headers['access-control-allow-origin']).toBeUndefined()
    expect(pbx.sent).toEqual([])
  })

  it('takes a matching Origin where Sec-Fetch-Site is absent', async () => {
    const { app, pbx } = await make()
    const r = await app.inject({
      method: 'POST',
      url: dial,
      headers: { origin: 'http://localhost:80', 'x-switchboard': '1', 'x-test-user': 'alice' },
    })
    expect(r.statusCode).toBe(200)
    expect(pbx.sent).toHaveLength(1)
  })

  it('compares the Origin with PUBLIC_URL when set', async () => {
    const { app } = await make({ config: testConfig({ PUBLIC_URL: 'https://sb.example.com' }) })
    const post = (origin: string) =>
      app.inject({ method: 'POST', url: dial, headers: { origin, 'x-switchboard': '1', 'x-test-user': 'alice' } })
    expect((await post('https://sb.example.com')).statusCode).toBe(200)
    expect((await post('http://localhost:80')).statusCode).toBe(403)
  })

  it('answers no CORS preflight', async () => {
    const { app } = await make()
    const r = await app.inject({
      method: 'OPTIONS',
      url: '/api/pbx/dial',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(r.statusCode).toBe(404)
    expect(r.headers['access-control-allow-origin']).toBeUndefined()
  })
})

describe('subscribe while the PBX feed is down', () => {
  it("answers 503 feed-down with Retry-After and the server's words, as the feed gives it", async () => {
    const { app, feed } = await make()
    feed.reply = downReply(
      {
        error: 'feed-down',
        reason: 'key-refused',
        message: 'The PBX refused the API key',
        retryAt: Date.now() + 60_000,
      },
      Date.now(),
    )
    const r = await app.inject({
      method: 'POST',
      url: '/api/pbx/subscribe?exten=400&lastSequenceNumber=12&timeOut=25',
      headers: panel('alice'),
    })
    expect(r.statusCode).toBe(503)
    expect(r.headers['retry-after']).toBe('5')
    expect(r.headers['content-type']).toMatch(/^application\/json/)
    expect(feedDownSchema.parse(r.json())).toMatchObject({
      reason: 'key-refused',
      message: 'The PBX refused the API key',
    })
  })
})

describe('POST /api/feed/retry (Retry now)', () => {
  it('asks the feed to try the PBX now (204) for a signed-in user; refuses a stranger and a cross-site post', async () => {
    const { app, feed } = await make()
    const url = '/api/feed/retry'
    expect((await app.inject({ method: 'POST', url, headers: panel() })).statusCode).toBe(401)
    const cross = await app.inject({
      method: 'POST',
      url,
      headers: { ...panel('alice'), 'sec-fetch-site': 'cross-site' },
    })
    expect([cross.statusCode, cross.json().error]).toEqual([403, 'cross-site'])
    expect(feed.retries).toBe(0)
    expect((await app.inject({ method: 'POST', url, headers: panel('alice') })).statusCode).toBe(204)
    expect(feed.retries).toBe(1)
  })
})

describe('every route is checked', () => {
  it('every registered route but the public ones answers 401 to a stranger, and the PBX hears nothing', async () => {
    const routes: { method: string; url: string }[] = []
    const { app, pbx } = await make({
      deps: {
        // Collected before the routes are added (onRoute must be registered first).
        simUrl: 'http://127.0.0.1:1',
      },
    })
    app.printRoutes({ commonPrefix: false })
    for (const line of app.printRoutes({ commonPrefix: false, includeMeta: false }).split('\n')) {
      const m = /([/\w:.*-]+) \(([A-Z, ]+)\)/.exec(line.replace(/^[\s│├└─]+/, ''))
      if (m) for (const method of m[2].split(', ')) routes.push({ method, url: m[1] })
    }
    const PUBLIC = new Set(['/healthz', '/readyz', '/api/session', '/api/login', '/api/logout'])
    const checked = routes.filter((r) => !PUBLIC.has(r.url) && !r.url.startsWith('/auth/oidc/') && r.method !== 'HEAD')
    expect(checked.map((r) => r.url)).toEqual(
      expect.arrayContaining([
        '/api/pbx/subscribe',
        '/api/pbx/answer',
        '/api/pbx/hangup',
        '/api/pbx/dial',
        '/api/pbx/start',
        '/api/pbx/stop',
        '/__sim/:action',
      ]),
    )
    for (const r of checked) {
      const url = `${r.url.replace(':action', 'state')}?exten=400&lastSequenceNumber=0&uniqueId=1&exten=400&extenOrUniqueId=1&number=1`
      const res = await app.inject({ method: r.method as 'POST', url, headers: panel() })
      expect(`${r.method} ${r.url} → ${res.statusCode}`).toBe(`${r.method} ${r.url} → 401`)
    }
    expect(pbx.sent).toEqual([])
  })

  it('every PBX route refuses a signed-in user with no rights (403), and the PBX hears nothing', async () => {
    const { app, pbx, feed } = await make()
    feed.ring('c1', '400')
    for (const url of [
      '/api/pbx/subscribe?exten=400&lastSequenceNumber=0&timeOut=0',
      '/api/pbx/answer?uniqueId=c1&exten=400&answerString=Call-info:answer-after=0',
      '/api/pbx/hangup?extenOrUniqueId=c1',
      '/api/pbx/dial?number=0299998888&extenOrUniqueId=SIP/400',
      '/api/pbx/start?extenOrUniqueId=c1',
      '/api/pbx/stop?extenOrUniqueId=c1',
    ]) {
      const r = await app.inject({ method: 'POST', url, headers: panel('nobody') })
      expect(`${url} → ${r.statusCode} ${r.json().error}`).toBe(`${url} → 403 forbidden`)
    }
    expect(pbx.sent).toEqual([])
    expect(feed.polls).toEqual([])
  })
})

describe('path tricks and methods', () => {
  it.each([
    ['POST', '/servicemanager/rest/CallManagementAPI/dial?number=1&extenOrUniqueId=SIP/400'],
    ['POST', '/servicemanager/rest/CallManagementAPI/../../../admin/users'],
    ['POST', '/api/pbx/../../admin/users'],
    ['POST', '/api/pbx/%2e%2e/%2e%2e/admin/users'],
    ['POST', '/api/pbx/..;/admin/users'],
    ['POST', '/api/pbx/dial/..;/x'],
    ['POST', '/api/pbx/Dial'],
    ['POST', '/api/pbx/%61nswer?uniqueId=1&exten=400&answerString=x'],
    ['POST', '/api/pbx/dial/'],
    ['POST', '/api/pbx/systemHealth'],
    ['GET', '/api/pbx/dial?number=1&extenOrUniqueId=SIP/400'],
    ['PUT', '/api/pbx/dial'],
    ['DELETE', '/api/pbx/hangup'],
    ['PROPFIND', '/api/pbx/dial'],
    ['GET', '/%2e%2e/%2e%2e/etc/passwd'],
    ['GET', '/..%2f..%2fetc/passwd'],
  ])('%s %s → 404, nothing reaches the PBX', async (method, url) => {
    const { app, pbx } = await make()
    const r = await app.inject({ method: method as 'POST', url, headers: panel('alice') })
    expect(r.statusCode).toBe(404)
    expect(pbx.sent).toEqual([])
  })
})

describe('subscribe', () => {
  const sub = (q: string) => `/api/pbx/subscribe?${q}`
  it('answers the feed poll for what the user may watch', async () => {
    const { app, feed } = await make()
    feed.reply = { status: 200, body: { Data: { '410': [] }, seq: 7, Code: 0 } }
    const r = await app.inject({
      method: 'POST',
      url: sub('exten=SIP/410,400&lastSequenceNumber=5&timeOut=90'),
      headers: panel('alice'),
    })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({ Data: { '410': [] }, seq: 7, Code: 0 })
    expect(feed.polls[0]).toMatchObject({ exts: ['410', '400'], cursor: 5, timeoutSec: 25 })
  })

  it('refuses a poll for an extension the user may not watch, naming it', async () => {
    const { app, feed } = await make()
    const r = await app.inject({
      method: 'POST',
      url: sub('exten=410,420,430&lastSequenceNumber=0'),
      headers: panel('bob'),
    })
    expect([r.statusCode, r.json().message]).toEqual([403, 'You may not watch extensions 420, 430'])
    expect(feed.polls).toEqual([])
  })

  it.each([
    'exten=&lastSequenceNumber=0',
    'exten=400&lastSequenceNumber=-1',
    'exten=400',
    'exten=4 0&lastSequenceNumber=0',
    'exten=400&lastSequenceNumber=0&timeOut=x',
  ])('400 for %s', async (q) => {
    const { app } = await make()
    const r = await app.inject({ method: 'POST', url: sub(q), headers: panel('alice') })
    expect(r.statusCode).toBe(400)
  })

  it('takes a form-encoded POST with an empty body (not 415), and refuses a body over the limit', async () => {
    const { app } = await make()
    const ok = await app.inject({
      method: 'POST',
      url: sub('exten=400&lastSequenceNumber=0&timeOut=0'),
      headers: panel('alice'),
      payload: '',
    })
    expect(ok.statusCode).toBe(200)
    const big = await app.inject({
      method: 'POST',
      url: sub('exten=400&lastSequenceNumber=0&timeOut=0'),
      headers: panel('alice'),
      payload: 'x'.repeat(1024 * 1024),
    })
    expect(big.statusCode).toBe(413)
  })

  it('limits held polls per session and per user', async () => {
    const { app, feed } = await make()
    const config = testConfig()
    const poll = (cookie: string) =>
      app.inject({
        method: 'POST',
        url: sub('exten=400&lastSequenceNumber=1&timeOut=5'),
        headers: { ...panel('alice'), cookie },
      })
    const first = Array.from({ length: config.limits.pollsPerSession }, () => poll('s=1'))
    await expect.poll(() => feed.heldCount).toBe(config.limits.pollsPerSession)
    const over = await poll('s=1')
    expect([over.statusCode, over.json().error]).toEqual([429, 'too-many-polls'])
    // Another session of the same user still gets one.
    const other = poll('s=2')
    await expect.poll(() => feed.heldCount).toBe(config.limits.pollsPerSession + 1)
    await feed.close()
    expect((await Promise.all([...first, other])).every((r) => r.statusCode === 200)).toBe(true)
  })

  it('holds a form-encoded poll over a real socket, and aborts it when the client goes away', async () => {
    const { app, feed } = await make()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    const url = `${base}${sub('exten=400&lastSequenceNumber=3&timeOut=1')}`
    const headers = panel('alice')
    const t0 = Date.now()
    const held = await fetch(url, { method: 'POST', headers, body: 'a=1' })
    expect(held.status).toBe(200)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950)
    expect(feed.polls[0].signal.aborted).toBe(false)

    const ac = new AbortController()
    const gone = fetch(url.replace('timeOut=1', 'timeOut=20'), {
      method: 'POST',
      headers,
      body: '',
      signal: ac.signal,
    }).catch(() => 'aborted')
    await expect.poll(() => feed.polls.length).toBe(2)
    setTimeout(() => ac.abort(), 100)
    expect(await gone).toBe('aborted')
    await expect.poll(() => feed.polls[1].signal.aborted).toBe(true)
    // Shutting down does not wait for the client to let its keep-alive connection go (that would hang
    // this test past its timeout: Node keeps an idle connection for minutes).
    await app.close()
  })

  it('answers held polls at once on close, and is not ready from then', async () => {
    const { app, feed } = await make()
    const p = app.inject({
      method: 'POST',
      url: sub('exten=400&lastSequenceNumber=1&timeOut=20'),
      headers: panel('alice'),
    })
    await expect.poll(() => feed.heldCount).toBe(1)
    // Held for 20 s, answered by the close: a close that waited for it would outlast this test's timeout.
    await app.close()
    expect((await p).statusCode).toBe(200)
    expect(feed.closed).toBe(true)
  })
})

describe('actions', () => {
  const answer = (id: string, ext: string) =>
    `/api/pbx/answer?uniqueId=${id}&exten=${ext}&answerString=${encodeURIComponent('Call-info:answer-after=0')}`

  it('answers a call seen ringing on an act extension, with our own JSON and an audit line', async () => {
    const { app, pbx, feed, log } = await make()
    feed.ring('c1', '400')
    pbx.next = async () => ({ Code: 0, Message: 'Answer requested', Extra: 'dropped' })
    const r = await app.inject({ method: 'POST', url: answer('c1', 'SIP/400'), headers: panel('alice') })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({ Code: 0, Message: 'Answer requested' })
    expect(pbx.sent).toEqual([
      { method: 'answer', params: { uniqueId: 'c1', exten: 'SIP/400', answerString: 'Call-info:answer-after=0' } },
    ])
    const audit = log.lines.map((l) => JSON.parse(l)).find((l) => l.audit)
    expect(audit.audit).toEqual({
      user: 'alice',
      action: 'answer',
      ext: '400',
      uniqueCallId: 'c1',
      outcome: 'ok',
      code: 0,
      message: 'Answer requested',
    })
    expect(audit.reqId).toBe(r.headers['x-request-id'])
  })

  it('refuses answering on a watch-only extension, a call not ringing there, an unknown handset header', async () => {
    const { app, pbx, feed } = await make()
    feed.ring('c1', '410')
    feed.ring('c2', '400', 'Connected')
    expect((await app.inject({ method: 'POST', url: answer('c1', '410'), headers: panel('alice') })).statusCode).toBe(
      403,
    )
    expect((await app.inject({ method: 'POST', url: answer('c1', '400'), headers: panel('alice') })).statusCode).toBe(
      403,
    )
    expect((await app.inject({ method: 'POST', url: answer('c2', '400'), headers: panel('alice') })).statusCode).toBe(
      403,
    )
    const odd = '/api/pbx/answer?uniqueId=c1&exten=410&answerString=X-Evil:%201'
    expect((await app.inject({ method: 'POST', url: odd, headers: panel('bob') })).statusCode).toBe(400)
    expect(pbx.sent).toEqual([])
  })

  it('hangs up only a call seen on one of the user’s act extensions', async () => {
    const { app, pbx, feed } = await make()
    feed.ring('c1', '410', 'Connected')
    feed.ring('c1', '400', 'Connected')
    feed.ring('c2', '410', 'Connected')
    const hang = (id: string, who: string) =>
      app.inject({ method: 'POST', url: `/api/pbx/hangup?extenOrUniqueId=${id}`, headers: panel(who) })
    expect((await hang('c2', 'alice')).statusCode).toBe(403)
    expect((await hang('unknown', 'alice')).statusCode).toBe(403)
    expect((await hang('c1', 'alice')).statusCode).toBe(200)
    expect(pbx.sent).toEqual([{ method: 'hangup', params: { extenOrUniqueId: 'c1' } }])
  })

  it('dials only from an act extension, under the dial policy', async () => {
    const { app, pbx } = await make({ policy: { perMinute: 2 } })
    const dial = (from: string, number = '0299998888', who = 'alice') =>
      app.inject({
        method: 'POST',
        url: `/api/pbx/dial?number=${encodeURIComponent(number)}&extenOrUniqueId=${from}&callerId=400&autoAnswer=${encodeURIComponent('Call-info:answer-after=0')}&apiKey=stolen`,
        headers: panel(who),
      })
    expect((await dial('SIP/410')).statusCode).toBe(403)
    expect((await dial('SIP/400', '1900123456')).json()).toEqual({ error: 'forbidden', message: 'Denied prefix' })
    expect((await dial('SIP/400', '02 9999; 8888')).statusCode).toBe(400)
    const ok = await dial('SIP/400', '(02) 9999-8888')
    expect(ok.json()).toEqual({ Code: 0, Message: 'Dialing', SessionID: 's-1' })
    expect(pbx.sent).toEqual([
      {
        method: 'dial',
        params: {
          number: '0299998888',
          extenOrUniqueId: 'SIP/400',
          callerId: '400',
          autoAnswer: 'Call-info:answer-after=0',
        },
      },
    ])
    expect((await dial('SIP/400')).statusCode).toBe(200)
    const limited = await dial('SIP/400')
    expect([limited.statusCode, limited.json().error]).toEqual([429, 'rate-limited'])
  })

  it('records as the signed-in user, whatever agentLoginName the browser sends', async () => {
    const { app, pbx, feed } = await make()
    feed.ring('c1', '400', 'Connected')
    await app.inject({
      method: 'POST',
      url: '/api/pbx/start?extenOrUniqueId=c1&agentLoginName=mallory&tag=t',
      headers: panel('alice'),
    })
    await app.inject({
      method: 'POST',
      url: '/api/pbx/stop?extenOrUniqueId=c1&agentLoginName=mallory',
      headers: panel('alice'),
    })
    expect(pbx.sent.map((s) => s.params)).toEqual([
      { extenOrUniqueId: 'c1', agentLoginName: 'alice', tag: 't' },
      { extenOrUniqueId: 'c1', agentLoginName: 'alice' },
    ])
    expect(
      (await app.inject({ method: 'POST', url: '/api/pbx/start?extenOrUniqueId=c1', headers: panel('bob') }))
        .statusCode,
    ).toBe(403)
  })

  it('turns a PBX failure into our error shape, never with the key', async () => {
    const { app, pbx, feed, log } = await make()
    feed.ring('c1', '400', 'Connected')
    pbx.next = async () => {
      throw new PbxCallError('network', 'Cannot reach the PBX (ECONNREFUSED)', { errno: 'ECONNREFUSED' })
    }
    const r = await app.inject({ method: 'POST', url: '/api/pbx/hangup?extenOrUniqueId=c1', headers: panel('alice') })
    expect([r.statusCode, r.json().error, r.headers['x-switchboard-proxy']]).toEqual([502, 'pbx', 'ECONNREFUSED'])
    pbx.next = async () => {
      throw new Error(`boom ${TEST_KEY}`)
    }
    const r2 = await app.inject({ method: 'POST', url: '/api/pbx/hangup?extenOrUniqueId=c1', headers: panel('alice') })
    expect(r2.statusCode).toBe(500)
    expect(r2.body).not.toContain(TEST_KEY)
    expect(log.lines.join('')).not.toContain(TEST_KEY)
    expect(log.lines.join('')).toContain('[redacted]')
  })
})

describe('local developer mode', () => {
  it('answers loopback only, by address and by Host name', async () => {
    const { app } = await make({
      config: testConfig({ SWITCHBOARD_USERS_FILE: '', NOOJEE_URL: '', NOOJEE_API_KEY: '' }),
    })
    expect((await app.inject({ url: '/healthz', remoteAddress: '127.0.0.1' })).statusCode).toBe(200)
    expect((await app.inject({ url: '/healthz', remoteAddress: '10.1.2.3' })).statusCode).toBe(403)
    const rebound = await app.inject({
      url: '/healthz',
      remoteAddress: '127.0.0.1',
      headers: { host: 'evil.example:8080' },
    })
    expect(rebound.statusCode).toBe(403)
  })
})

describe('the built panel', () => {
  it('serves dist/ with the headers, / and page paths as index.html, and 404 for everything else', async () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'sb-dist-'))
    mkdirSync(path.join(dist, 'assets'))
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Switchboard</title>')
    writeFileSync(path.join(dist, 'assets', 'app-1.js'), 'console.log(1)')
    writeFileSync(path.join(dist, '.env'), 'SECRET=1')
    const { app } = await make({ config: testConfig({}, { distDir: dist }), deps: { serveDist: true } })
    const index = await app.inject({ url: '/?exten=400', headers: { accept: 'text/html' } })
    expect([index.statusCode, index.body]).toEqual([200, '<!doctype html><title>Switchboard</title>'])
    expect(index.headers['content-security-policy']).toContain("script-src 'self'")
    const js = await app.inject('/assets/app-1.js')
    expect([js.statusCode, js.headers['cache-control']]).toEqual([200, 'public, max-age=31536000, immutable'])
    expect((await app.inject({ url: '/supervisor', headers: { accept: 'text/html' } })).statusCode).toBe(200)
    for (const url of [
      '/.env',
      '/assets/../.env',
      '/assets/%2e%2e/.env',
      '/api/nothing',
      '/x.php',
      '/assets/..;/index.html',
    ])
      expect(`${url} ${(await app.inject({ url, headers: { accept: 'text/html' } })).statusCode}`).toBe(`${url} 404`)
  })
})
