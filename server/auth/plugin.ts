// Sign-in, sessions and who is asking: registered by buildApp as
//   app.register(authPlugin, { mode, usersFile, oidc, sessionSecret, publicUrl, redis, simulated })
// Every request gets `request.user` (SessionUser | null), looked up in the users file as it is now, so a removed
// user's next request is refused, sessions included.
//
// Sessions are our own, not @fastify/session: it refuses to send a Secure cookie over plain http, and a
// `__Host-` cookie must be Secure (Chromium stores one over http loopback, so tests and `npm run dev` keep the
// same cookie as production); and its Redis store would need one more package. Ours is a random id in a
// signed, HttpOnly, SameSite=Lax cookie; the store (memory, or Redis with REDIS_URL) holds only the user's name
// and times, keyed by a hash of the id. Sign-in failures are counted in the same store (per username and per
// IP), so with Redis every instance shares the counts; @fastify/rate-limit counts requests, not failures.
import { createHash, randomBytes } from 'node:crypto'
import fastifyCookie, { Signer } from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import type { DialPolicy, SessionUser } from '../types.ts'
import { Oidc, claimedAs, findAccount, oidcLabel, type OidcOptions, type OidcPending } from './oidc.ts'
import { verifyPassword } from './password.ts'
import { dialRefusal } from './rights.ts'
import { memoryStore, redisStore, type SessionStore } from './session-store.ts'
import { DEFAULT_DIAL_POLICY, type Account, type Users } from './users-file.ts'
import { UsersSource } from './users-source.ts'

export interface AuthPluginOptions {
  /**
   * 'local-dev': no users file, no OIDC, loopback only (the caller checks that): every request is the local
   * developer, who may watch and act on every extension. 'accounts': sign-in required (users file, plus OIDC
   * when `oidc` is set).
   */
  mode: 'local-dev' | 'accounts'
  /** SWITCHBOARD_USERS_FILE; required in 'accounts' mode (OIDC users take their rights from it too). */
  usersFile?: string
  /** OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET; null or absent: built-in accounts only. */
  oidc?: OidcOptions | null
  /** SESSION_SECRET (at least 32 characters): signs the session cookie. */
  sessionSecret: string
  /**
   * PUBLIC_URL, e.g. https://switchboard.example.com — the OIDC redirect URI is built on it, and it decides the
   * cookie: https or a loopback host → `__Host-switchboard`, Secure; plain http elsewhere → `switchboard`
   * (browsers drop Secure cookies there). Default http://127.0.0.1 (loopback). Required with `oidc`.
   */
  publicUrl?: string
  /** An ioredis connection (REDIS_URL), owned by the caller: sessions and failure counts are shared there. */
  redis?: Redis
  /** Without Redis: where sessions live instead of memory (the database: a restart keeps people signed in). */
  sessionStore?: SessionStore
  /** The built-in simulated PBX answers (GET /api/session says so). */
  simulated?: boolean
  /** Idle session lifetime; default 12 h. */
  sessionIdleMs?: number
  /** How often the users file is stat'ed besides fs.watch; default 2 s. */
  usersCheckMs?: number
  /** The users file was read again (rights changed): the feed moves its upstream to the new watch lists. */
  onUsers?: (users: Users) => void
  /** Failed sign-ins allowed per window, per username and per IP; default 5 and 20 per 15 minutes. */
  loginLimits?: { perUser: number; perIp: number; windowMs: number }
}

/** What the action routes (server/app.ts) ask of the auth part besides `request.user`. */
export interface AuthApi {
  /** The dial policy for this user now (the users file's, with the user's own overrides). */
  dialPolicy(user: SessionUser): DialPolicy
  /** The dial policy's verdict on this dial, counting it against the user's per-minute rate when allowed. */
  checkDial(
    user: SessionUser,
    number: string,
  ): Promise<{ ok: true } | { ok: false; status: 403 | 429; error: 'forbidden' | 'rate-limited'; message: string }>
}

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthApi
  }
}

export const LOCAL_DEVELOPER: SessionUser = {
  name: 'developer',
  display: 'Local developer',
  supervisor: true,
  watch: { all: true },
  act: { all: true },
  mode: 'local-dev',
}

interface StoredSession {
  name: string
  mode: 'accounts' | 'oidc'
  createdAt: number
  touchedAt: number
}

const ABSOLUTE_MS = 7 * 24 * 3600_000
const TOUCH_EVERY_MS = 60_000
const OIDC_PENDING_MS = 10 * 60_000
const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost'])

/** These routes are for anyone (they are how one signs in); buildApp's route walk reads `access`. */
const PUBLIC = { config: { access: 'public' } }

const sha = (s: string) => createHash('sha256').update(s).digest('base64url')
const sessionKey = (id: string) => `session:${sha(id)}`

function sortedExts(set: SessionUser['act']): string[] {
  if (set.all) return []
  return [...set.exts].sort((a, b) => a.length - b.length || a.localeCompare(b))
}

/** GET /api/session's `user` (docs/architecture.md). */
export function sessionBody(user: SessionUser) {
  return {
    name: user.name,
    display: user.display,
    supervisor: user.supervisor,
    act: sortedExts(user.act),
    watch: sortedExts(user.watch),
    allExtensions: user.watch.all,
    mode: user.mode,
  }
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** The OIDC routes are browser navigations: a refusal is a small page (no script, no style), not JSON. */
function page(reply: FastifyReply, status: number, message: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard sign-in</title></head>` +
        `<body><h1>Sign-in refused</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to Switchboard</a></p></body></html>`,
    )
}

async function authPluginImpl(app: FastifyInstance, opts: AuthPluginOptions) {
  if (!opts.sessionSecret || opts.sessionSecret.length < 32)
    throw new Error('SESSION_SECRET must be at least 32 characters')
  const localDev = opts.mode === 'local-dev'
  if (!localDev && !opts.usersFile) throw new Error('SWITCHBOARD_USERS_FILE is required to sign users in')
  if (opts.oidc && !opts.publicUrl) throw new Error('PUBLIC_URL is required for OIDC (the redirect URI is built on it)')

  const publicUrl = new URL(opts.publicUrl ?? 'http://127.0.0.1')
  const secure = publicUrl.protocol === 'https:' || LOOPBACK.has(publicUrl.hostname)
  const cookieName = secure ? '__Host-switchboard' : 'switchboard'
  const oidcCookie = `${cookieName}-oidc`
  if (!secure) app.log.warn('PUBLIC_URL is plain http on a non-loopback host: the session cookie cannot be Secure')
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure }
  const signer = new Signer(opts.sessionSecret)
  const idleMs = opts.sessionIdleMs ?? 12 * 3600_000
  const limits = opts.loginLimits ?? { perUser: 5, perIp: 20, windowMs: 15 * 60_000 }

  const store: SessionStore = opts.redis ? redisStore(opts.redis) : (opts.sessionStore ?? memoryStore())
  const users = localDev ? null : await UsersSource.open(opts.usersFile!, app.log, opts.usersCheckMs, opts.onUsers)
  // The file as read now (it may have changed since the runtime read it for the feed's first list).
  if (users) opts.onUsers?.(users.current)
  const oidc = opts.oidc && !localDev ? new Oidc(opts.oidc, new URL('/auth/oidc/callback', publicUrl).href) : null
  const oidcInfo = oidc ? { label: oidcLabel(oidc.options) } : null
  app.addHook('onClose', async () => {
    users?.close()
    await store.close()
  })

  if (!app.hasReplyDecorator('setCookie')) await app.register(fastifyCookie)

  const account = (name: string): Account | undefined => users?.current.byName.get(name.toLowerCase())

  const readCookie = (request: FastifyRequest, name: string): string | undefined => {
    const raw = request.cookies[name]
    if (!raw) return undefined
    const r = signer.unsign(raw)
    return r.valid && r.value ? r.value : undefined
  }

  async function startSession(request: FastifyRequest, reply: FastifyReply, name: string, mode: StoredSession['mode']) {
    // A new id at every sign-in (no fixation); the one the browser came with ends.
    const old = readCookie(request, cookieName)
    if (old) await store.delete(sessionKey(old))
    const id = randomBytes(32).toString('base64url')
    const now = Date.now()
    await store.set(sessionKey(id), { name, mode, createdAt: now, touchedAt: now } satisfies StoredSession, idleMs)
    reply.setCookie(cookieName, signer.sign(id), cookieOpts)
  }

  app.decorateRequest('user', null)
  app.addHook('onRequest', async (request) => {
    if (localDev) {
      request.user = LOCAL_DEVELOPER
      return
    }
    request.user = null
    const id = readCookie(request, cookieName)
    if (!id) return
    const key = sessionKey(id)
    const s = await store.get<StoredSession>(key)
    if (!s) return
    const now = Date.now()
    const acc = account(s.name)
    if (!acc || now - s.createdAt > ABSOLUTE_MS) {
      await store.delete(key)
      return
    }
    if (now - s.touchedAt > TOUCH_EVERY_MS) await store.set(key, { ...s, touchedAt: now }, idleMs)
    request.user = { ...acc.user, mode: s.mode }
  })

  const policyFor = (user: SessionUser): DialPolicy => account(user.name)?.dialPolicy ?? { ...DEFAULT_DIAL_POLICY }
  app.decorate('auth', {
    dialPolicy: policyFor,
    async checkDial(user, number) {
      const policy = policyFor(user)
      const refusal = dialRefusal(policy, number)
      if (refusal) return { ok: false, status: 403, error: 'forbidden', message: refusal }
      const { count } = await store.hit(`dials:${user.name.toLowerCase()}`, 60_000)
      if (count > policy.perMinute)
        return {
          ok: false,
          status: 429,
          error: 'rate-limited',
          message: `Dial limit reached (${policy.perMinute} a minute); try again in a minute`,
        }
      return { ok: true }
    },
  } satisfies AuthApi)

  const unauthenticated = { error: 'unauthenticated', message: 'Sign in to use Switchboard', oidc: oidcInfo }
  const sessionReply = (user: SessionUser) => ({ user: sessionBody(user), simulated: !!opts.simulated, oidc: oidcInfo })

  app.get('/api/session', PUBLIC, async (request, reply) => {
    reply.header('Cache-Control', 'no-store')
    if (!request.user) return reply.code(401).send(unauthenticated)
    return sessionReply(request.user)
  })

  app.post('/api/login', PUBLIC, async (request, reply) => {
    reply.header('Cache-Control', 'no-store')
    if (localDev) return sessionReply(LOCAL_DEVELOPER)
    const body = request.body as { username?: unknown; password?: unknown } | null
    const username = typeof body?.username === 'string' ? body.username.trim() : ''
    const password = typeof body?.password === 'string' ? body.password : ''
    if (!username || !password || username.length > 100 || password.length > 1024)
      return reply.code(400).send({ error: 'bad-request', message: 'Enter a username and a password' })

    const userKey = `fail:user:${username.toLowerCase()}`
    const ipKey = `fail:ip:${request.ip}`
    const [byUser, byIp] = await Promise.all([store.peek(userKey), store.peek(ipKey)])
    const over = byUser.count >= limits.perUser ? byUser : byIp.count >= limits.perIp ? byIp : null
    if (over) {
      const who = over === byUser ? 'for this username' : 'from your address'
      const wait = Math.max(1, Math.ceil(over.resetMs / 60_000))
      request.log.warn({ username, ip: request.ip }, 'sign-in refused: too many failures')
      return reply.code(429).send({
        error: 'rate-limited',
        message: `Too many failed sign-ins ${who}. Try again in ${wait} minute${wait === 1 ? '' : 's'}.`,
      })
    }

    const acc = account(username)
    const ok = await verifyPassword(password, acc?.record.password ?? null)
    if (!ok || !acc) {
      await Promise.all([store.hit(userKey, limits.windowMs), store.hit(ipKey, limits.windowMs)])
      request.log.info({ username, ip: request.ip }, 'sign-in failed')
      return reply.code(401).send({ error: 'unauthenticated', message: 'Wrong username or password', oidc: oidcInfo })
    }
    await store.delete(userKey)
    await startSession(request, reply, acc.record.name, 'accounts')
    request.log.info({ user: acc.record.name }, 'signed in')
    return sessionReply({ ...acc.user, mode: 'accounts' })
  })

  app.post('/api/logout', PUBLIC, async (request, reply) => {
    const id = readCookie(request, cookieName)
    if (id) await store.delete(sessionKey(id))
    reply.clearCookie(cookieName, cookieOpts)
    if (request.user && !localDev) request.log.info({ user: request.user.name }, 'signed out')
    return reply.code(204).send()
  })

  app.get('/auth/oidc/login', PUBLIC, async (request, reply) => {
    if (!oidc) return reply.code(404).send({ error: 'not-found', message: 'Single sign-on is not configured' })
    let started: Awaited<ReturnType<Oidc['start']>>
    try {
      started = await oidc.start()
    } catch (e) {
      request.log.error({ err: (e as Error).message }, 'OIDC discovery failed')
      return page(reply, 503, `The identity provider (${oidcInfo!.label}) cannot be reached. Try again shortly.`)
    }
    const id = randomBytes(24).toString('base64url')
    await store.set(`oidc:${sha(id)}`, started.pending, OIDC_PENDING_MS)
    reply.setCookie(oidcCookie, signer.sign(id), { ...cookieOpts, maxAge: OIDC_PENDING_MS / 1000 })
    reply.header('Cache-Control', 'no-store')
    return reply.redirect(started.url)
  })

  app.get('/auth/oidc/callback', PUBLIC, async (request, reply) => {
    if (!oidc) return reply.code(404).send({ error: 'not-found', message: 'Single sign-on is not configured' })
    reply.header('Cache-Control', 'no-store')
    const id = readCookie(request, oidcCookie)
    reply.clearCookie(oidcCookie, cookieOpts)
    const pending = id ? await store.take<OidcPending>(`oidc:${sha(id)}`) : undefined
    if (!pending) return page(reply, 400, 'This sign-in has expired or was already used. Start again from Switchboard.')
    let claims
    try {
      claims = await oidc.finish(new URL(request.url, publicUrl), pending)
    } catch (e) {
      request.log.warn({ err: (e as Error).message }, 'OIDC callback refused')
      const said = new URL(request.url, publicUrl).searchParams.get('error')
      return page(
        reply,
        401,
        said
          ? `The identity provider did not sign you in (${said.slice(0, 60)}).`
          : 'The identity provider’s answer could not be checked. Start again from Switchboard.',
      )
    }
    const acc = findAccount(users!.current, claims)
    if (!acc) {
      request.log.warn({ claimed: claimedAs(claims) }, 'OIDC sign-in refused: no such user in the users file')
      return page(
        reply,
        403,
        `${claimedAs(claims)} is not a Switchboard user. Ask your administrator to add you to the users file.`,
      )
    }
    await startSession(request, reply, acc.record.name, 'oidc')
    request.log.info({ user: acc.record.name, via: 'oidc' }, 'signed in')
    return reply.redirect('/')
  })
}

export const authPlugin = fp(authPluginImpl, { name: 'switchboard-auth', fastify: '5.x' })
