// @vitest-environment node
// Single sign-on against a real OpenID provider (oidc-provider, devInteractions) on loopback: the browser's
// part is played by fetch with a cookie jar, our server's part by app.inject.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { authApp, cookieFrom, tempUsersFile } from './test-helpers.ts'
import { startTestIdp, type People } from '../../sim/oidc-idp.ts'

const PUBLIC_URL = 'http://127.0.0.1:8233'
const PEOPLE: People = {
  'sub-alice': { email: 'Alice@Example.com', preferred_username: 'alice.a' },
  'sub-bob': { email: 'bob@elsewhere.org', preferred_username: 'bob' },
  'sub-eve': { email: 'eve@example.com', preferred_username: 'eve' },
}

let idp: Awaited<ReturnType<typeof startTestIdp>>
let issuer: string
let app: FastifyInstance
let cleanup: () => Promise<void>

beforeAll(async () => {
  idp = await startTestIdp(`${PUBLIC_URL}/auth/oidc/callback`, PEOPLE)
  issuer = idp.issuer

  const f = await tempUsersFile([
    { name: 'alice', email: 'alice@example.com', act: ['400'], watch: ['400-402'] },
    { name: 'bob', act: ['410'], supervisor: true },
  ])
  app = await authApp({
    usersFile: f.file,
    publicUrl: PUBLIC_URL,
    oidc: { issuer, clientId: 'switchboard', clientSecret: 'switchboard-client-secret', label: 'Test IdP' },
  })
  cleanup = f.cleanup
}, 30_000)

afterAll(async () => {
  await app?.close()
  await cleanup?.()
  await idp?.close()
})

/** The browser at the provider: follows redirects by hand (keeping cookies) and fills the dev login and consent forms. */
async function atProvider(start: string, sub: string): Promise<URL> {
  const jar = new Map<string, string>()
  let url = start
  let method = 'GET'
  let body: string | undefined
  for (let hops = 0; hops < 20; hops++) {
    const res = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
    })
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const i = pair.indexOf('=')
      jar.set(pair.slice(0, i), pair.slice(i + 1))
    }
    method = 'GET'
    body = undefined
    const location = res.headers.get('location')
    if (location) {
      const next = new URL(location, url)
      if (next.href.startsWith(PUBLIC_URL)) return next
      url = next.href
      continue
    }
    const html = await res.text()
    if (res.status !== 200) throw new Error(`provider said ${res.status}: ${html.slice(0, 300)}`)
    // A dev interaction page: the login form, else the consent form.
    method = 'POST'
    body = html.includes('name="login"')
      ? new URLSearchParams({ prompt: 'login', login: sub, password: 'any' }).toString()
      : new URLSearchParams({ prompt: 'consent' }).toString()
  }
  throw new Error('too many redirects at the provider')
}

async function signIn(sub: string) {
  const start = await app.inject({ url: '/auth/oidc/login' })
  expect(start.statusCode).toBe(302)
  const location = new URL(String(start.headers.location))
  expect(location.origin).toBe(issuer)
  expect(location.searchParams.get('code_challenge_method')).toBe('S256')
  expect(location.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/auth/oidc/callback`)
  for (const p of ['code_challenge', 'state', 'nonce']) expect(location.searchParams.get(p)).toBeTruthy()
  const pending = cookieFrom(start, '__Host-switchboard-oidc')
  const back = await atProvider(location.href, sub)
  expect(back.searchParams.get('code')).toBeTruthy()
  const callback = await app.inject({ url: back.pathname + back.search, headers: { cookie: pending } })
  return { callback, pending, back }
}

describe('OpenID Connect sign-in', { timeout: 30_000 }, () => {
  it('signs in through the provider (code + PKCE + state + nonce) with the users file’s rights, matched by email', async () => {
    const { callback } = await signIn('sub-alice')
    expect(callback.statusCode).toBe(302)
    expect(callback.headers.location).toBe('/')
    const cookie = cookieFrom(callback)
    const session = await app.inject({ url: '/api/session', headers: { cookie } })
    expect(session.statusCode).toBe(200)
    expect(session.json()).toMatchObject({
      user: { name: 'alice', act: ['400'], watch: ['400', '401', '402'], mode: 'oidc', allExtensions: false },
      oidc: { label: 'Test IdP' },
    })
  })

  it('matches by preferred_username when no file entry has the email', async () => {
    const { callback } = await signIn('sub-bob')
    const session = await app.inject({ url: '/api/session', headers: { cookie: cookieFrom(callback) } })
    expect(session.json().user).toMatchObject({ name: 'bob', supervisor: true, act: ['410'] })
  })

  it('refuses someone the provider knows but the users file does not, saying so', async () => {
    const { callback } = await signIn('sub-eve')
    expect(callback.statusCode).toBe(403)
    expect(callback.body).toContain('eve@example.com is not a Switchboard user. Ask your administrator to add you')
    expect(callback.headers['set-cookie']).not.toContain('__Host-switchboard=')
    expect(String(callback.headers['set-cookie'] ?? '')).not.toMatch(/__Host-switchboard=[^;]/)
  })

  it('a callback replayed (or without the sign-in cookie) is refused', async () => {
    const { pending, back } = await signIn('sub-alice')
    const again = await app.inject({ url: back.pathname + back.search, headers: { cookie: pending } })
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('This sign-in has expired or was already used')
    const bare = await app.inject({ url: back.pathname + back.search })
    expect(bare.statusCode).toBe(400)
  })

  it('GET /api/session offers the provider to someone not signed in', async () => {
    const res = await app.inject({ url: '/api/session' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ user: null, oidc: { label: 'Test IdP' } })
  })
})
