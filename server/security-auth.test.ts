// @vitest-environment node
// Security round two (issue 23), the server's edge: forged X-Forwarded-* from a client that is not the trusted
// proxy, and slow senders cut at the configured limit.
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { cookieFrom, tempUsersFile } from './auth/test-helpers.ts'
import { DEFAULT_LIMITS } from './config.ts'
import { testApp, testConfig } from './test-helpers.ts'

let cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.reverse()) await c()
  cleanups = []
})

/** The real auth plugin (not the tests' stand-in) over a users file with alice (act 400). */
async function realApp(env: Record<string, string> = {}) {
  const f = await tempUsersFile([{ name: 'alice', pass: 'alice-password', act: ['400'] }])
  const made = await testApp({
    config: testConfig({ SWITCHBOARD_USERS_FILE: f.file, ...env }),
    deps: { auth: undefined },
  })
  cleanups.push(f.cleanup, () => made.app.close())
  return made
}

const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin', 'x-switchboard': '1' }
const FORGED = {
  'x-forwarded-for': '203.0.113.66',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  origin: 'https://evil.example',
  'x-switchboard': '1',
}

describe('10. X-Forwarded-* believed only from the trusted proxy', { timeout: 30_000 }, () => {
  it('no proxy trusted: forged X-Forwarded-For does not spread the sign-in limit; the real address is logged', async () => {
    const { app, log } = await realApp()
    const codes: number[] = []
    for (let i = 0; i < 7; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/login',
        headers: { ...SAME_ORIGIN, 'x-forwarded-for': `198.51.100.${i}` },
        payload: { username: 'alice', password: `wrong-${i}` },
        remoteAddress: '192.0.2.10',
      })
      codes.push(res.statusCode)
    }
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429])
    const failed = log.lines.map((l) => JSON.parse(l).audit).filter((a) => a?.outcome === 'refused')
    expect(failed).toHaveLength(5)
    for (const a of failed) expect(a.address).toBe('192.0.2.10')
  })

  it('a client that is not the trusted proxy: forged X-Forwarded-Host/Proto with a matching Origin is refused, nothing at the PBX', async () => {
    const { app, pbx } = await realApp({ TRUST_PROXY: '10.0.0.1' })
    const signIn = (headers: Record<string, string>, remoteAddress: string) =>
      app.inject({
        method: 'POST',
        url: '/api/login',
        headers,
        payload: { username: 'alice', password: 'alice-password' },
        remoteAddress,
      })
    const forged = await signIn(FORGED, '192.0.2.10')
    expect(forged.statusCode).toBe(403)
    expect(forged.json().error).toBe('cross-site')
    // Through the proxy the same headers are believed (the control): the origin check passes.
    const cookie = cookieFrom(await signIn(FORGED, '10.0.0.1'))
    const dial = await app.inject({
      method: 'POST',
      url: '/api/pbx/dial?number=0299998888&extenOrUniqueId=400',
      headers: { ...FORGED, cookie },
      remoteAddress: '192.0.2.10',
    })
    expect(dial.statusCode).toBe(403)
    expect(dial.json().error).toBe('cross-site')
    expect(pbx.sent).toEqual([])
  })

  it('TRUST_PROXY=1 (a hop count): the address is the one the proxy saw, whatever the client prepends', async () => {
    const { app, log } = await realApp({ TRUST_PROXY: '1' })
    for (let i = 0; i < 6; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/login',
        headers: { ...SAME_ORIGIN, 'x-forwarded-for': `198.51.100.${i}, 203.0.113.5` },
        payload: { username: 'alice', password: `wrong-${i}` },
        remoteAddress: '127.0.0.1',
      })
      expect(res.statusCode).toBe(i < 5 ? 401 : 429)
    }
    for (const l of log.lines.filter((x) => x.includes('sign-in failed'))) expect(JSON.parse(l).ip).toBe('203.0.113.5')
  })
})

describe('11. slow headers and bodies are cut at the configured limit', { timeout: 10_000 }, () => {
  // The test timeout (10 s) is under the old fixed limit (15 s): the cut must come from the configured 300 ms.
  /** Sends `head`, then one more byte of `drip` every 50 ms until the server answers and closes; what it answered. */
  async function trickle(head: string, drip: string) {
    const { app } = await testApp({ config: testConfig({}, { limits: { ...DEFAULT_LIMITS, requestTimeoutMs: 300 } }) })
    cleanups.push(() => app.close())
    await app.listen({ host: '127.0.0.1', port: 0 })
    const socket = connect((app.server.address() as AddressInfo).port, '127.0.0.1')
    let answer = ''
    socket.on('data', (d) => (answer += String(d)))
    socket.on('error', () => undefined)
    socket.write(head)
    const drip50 = setInterval(() => socket.writable && socket.write(drip), 50)
    await new Promise((resolve) => socket.on('close', resolve))
    clearInterval(drip50)
    return answer
  }

  it('headers that never end: 408, connection closed', async () => {
    expect(await trickle('POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n')).toMatch(
      /^HTTP\/1\.1 408 /,
    )
  })

  it('a body that trickles in: 408, connection closed', async () => {
    const head =
      'POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n'
    expect(await trickle(head, 'a')).toMatch(/^HTTP\/1\.1 408 /)
  })
})
