// Sign-in, sessions and who is asking: registered by buildApp as
//   app.register(authPlugin, { mode, usersFile, oidc, sessionSecret, publicUrl, redis, simulated })
// Every request gets `request.user` (SessionUser | null), looked up in the users file as it is now, so a removed
// user's next request is refused, sessions included.
//
// Sessions are our own, not @fastify/session: it refuses to send a Secure cookie over plain http, and a
// `__Host-` cookie must be Secure (Chromium stores one over http loopback, so tests and `npm run dev` keep the
// same cookie as production); and its Redis store would need one more package. Ours is a random id in a
// signed, HttpOnly, SameSite=Lax cookie; the store (memory, or Redis with REDIS_URL) holds the user's name, times
// and a fingerprint of the account version it came from, keyed by a hash of the id. Sign-in attempts are counted
// in the same store before the password is checked (per username and address, per address, per username), so
// with Redis every instance shares the counts; @fastify/rate-limit counts requests, not failures.
import { createHash, randomBytes } from 'node:crypto'
import fastifyCookie, { Signer } from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import { audit } from '../audit.ts'
import type { DialPolicy, SessionUser } from '../types.ts'
import { Oidc, claimedAs, findAccount, oidcLabel, type OidcOptions, type OidcPending } from './oidc.ts'
import { credOf, keepsRights, rightsOf } from './account-version.ts'
import { DEFAULT_HASH_QUEUE, HashQueue, type HashQueueOptions } from './hash-queue.ts'
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
  /** The local developer's default lists (SWITCHBOARD_EXTENSIONS, SWITCHBOARD_MY_EXTENSIONS, or the demo's). */
  localDefaults?: { extensions: string[]; myExtensions: string[] }
  /** SWITCHBOARD_GROUPS, expanded; the users file's groups are added (and win on a clash). */
  groups?: Record<string, string[]>
  /** Idle session lifetime; default 12 h. */
  sessionIdleMs?: number
  /** How often the users file is stat'ed besides fs.watch; default 2 s. */
  usersCheckMs?: number
  /** The users file was read again (rights changed): the feed moves its upstream to the new watch lists. */
  onUsers?: (users: Users) => void
  /** Sign-in limits (LoginLimits); default DEFAULT_LOGIN_LIMITS. */
  loginLimits?: Partial<LoginLimits>
  /** How many password checks run and wait at once, and one address's share of them. */
  hashQueue?: HashQueueOptions
  /** Tests: the per-username slow-down's wait (default: a timer). */
  sleep?: (ms: number) => Promise<void>
}

/**
 * Attempts are counted before the password is checked (a burst sent at once is counted too), and what a
 * success gives back. Refused (429) past `perUserIp` attempts for one username from one address, or `perIp`
 * failed attempts from one address, in `windowMs`. Never refused per username alone (anyone could lock an
 * account): past `perUser` failures for a username, from anywhere, each attempt waits `slowMs` doubled per
 * failure, at most `slowMaxMs` — the owner, from their own address, still gets in within seconds.
 */
export interface LoginLimits {
  perUserIp: number
  perIp: number
  perUser: number
  windowMs: number
  slowMs: number
  slowMaxMs: number
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perUserIp: 5,
  perIp: 30,
  perUser: 5,
  windowMs: 15 * 60_000,
  slowMs: 250,
  slowMaxMs: 3000,
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

/** What a session record holds (any store): the account version it belongs to travels with it. */
interface StoredSession {
  name: string
  mode: 'accounts' | 'oidc'
  createdAt: number
  touchedAt: number
  /** A hash of the name, password hash and email it was signed in with: a new password or a re-added user differ. */
  cred: string
  /** The rights as written when signed in (or since widened): a change that takes any away ends the session. */
  rights: string
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

/**
 * What the panel shows by default, the groups a link may name, and who acts on each extension — each limited to
 * what the user may watch (docs/architecture.md, GET /api/session).
 */
export function sessionExtras(
  user: SessionUser,
  users: Users | null,
  opts: Pick<AuthPluginOptions, 'localDefaults' | 'groups'>,
) {
  const mayWatch = (e: string) => user.watch.all || user.watch.exts.has(e)
  const defaults = user.watch.all
    ? (opts.localDefaults ?? { extensions: [], myExtensions: [] })
    : { extensions: sortedExts(user.watch), myExtensions: sortedExts(user.act) }
  const groups: Record<string, string[]> = {}
  for (const [name, exts] of Object.entries({ ...opts.groups, ...users?.groups })) groups[name] = exts.filter(mayWatch)
  const names: Record<string, string> = {}
  if (users && !user.watch.all)
    for (const e of sortedExts(user.watch)) {
      const who = users.actors.get(e)
      if (who) names[e] = who
    }
  return { defaults, groups, names }
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
  const limits: LoginLimits = { ...DEFAULT_LOGIN_LIMITS, ...opts.loginLimits }
  const hashing = new HashQueue(opts.hashQueue ?? DEFAULT_HASH_QUEUE)
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))

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

  async function startSession(request: FastifyRequest, reply: FastifyReply, acc: Account, mode: StoredSession['mode']) {
    // A new id at every sign-in (no fixation); the one the browser came with ends.
    const old = readCookie(request, cookieName)
    if (old) await store.delete(sessionKey(old))
    const id = randomBytes(32).toString('base64url')
    const now = Date.now()
    const session: StoredSession = {
      name: acc.record.name,
      mode,
      createdAt: now,
      touchedAt: now,
      cred: credOf(acc),
      rights: rightsOf(acc),
    }
    await store.set(sessionKey(id), session, idleMs)
    reply.setCookie(cookieName, signer.sign(id), cookieOpts)
  }

  app.decorateRequest('user', null)
  app.decorateRequest('sessionId', null)
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
    // Removed, re-added, a new password, or a right taken away: this session belonged to another version.
    const stale = !acc || s.cred !== credOf(acc) || (s.rights !== rightsOf(acc) && !keepsRights(s.rights, acc))
    if (stale || now - s.createdAt > ABSOLUTE_MS) {
      await store.delete(key)
      if (stale && acc) request.log.info({ user: acc.record.name }, 'session ended: the account changed')
      return
    }
    if (s.rights !== rightsOf(acc)) await store.set(key, { ...s, rights: rightsOf(acc), touchedAt: now }, idleMs)
    else if (now - s.touchedAt > TOUCH_EVERY_MS) await store.set(key, { ...s, touchedAt: now }, idleMs)
    request.user = { ...acc.user, mode: s.mode }
    request.sessionId = key
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
  const sessionReply = (user: SessionUser) => ({
    user: sessionBody(user),
    simulated: !!opts.simulated,
    oidc: oidcInfo,
    ...sessionExtras(user, users?.current ?? null, opts),
  })

  app.get('/api/session', PUBLIC, async (request, reply) => {
    reply.header('Cache-Control', 'no-store')
    // Signed out is an answer, not an error: a 401 here would be logged in the console of every sign-in page.
    if (!request.user) return { user: null, ...unauthenticated }
    return sessionReply(request.user)
  })

  app.post('/api/login', PUBLIC, async (request, reply) => {
    reply.header('Cache-Control', 'no-store')
    if (localDev) return sessionReply(LOCAL_DEVELOPER)
    const body = request.body as { username?: unknown; password?: unknown } | null
    const username = typeof body?.username === 'string' ? body.username.trim() : ''
    const password = typeof body?.password === 'string' ? body.password : ''
    if (!username || !password || username.length > 100 || password.length > 1024) {
      const message = 'Enter a username and a password'
      audit(request, {
        user: username.slice(0, 100) || null,
        action: 'sign-in',
        what: 'password',
        outcome: 'bad-request',
        message,
      })
      return reply.code(400).send({ error: 'bad-request', message })
    }

    const name = username.toLowerCase()
    const ip = request.ip
    const keys = { userIp: `fail:user-ip:${name}|${ip}`, ip: `fail:ip:${ip}`, user: `fail:user:${name}` }
    // Counted before the check, atomically in the store: attempts sent at once each see the ones before them.
    const [byUserIp, byIp, byUser] = await Promise.all([
      store.hit(keys.userIp, limits.windowMs),
      store.hit(keys.ip, limits.windowMs),
      store.hit(keys.user, limits.windowMs),
    ])
    // An attempt that is not checked is not a failure: its reservation is given back.
    const giveBack = () => Promise.all(Object.values(keys).map((k) => store.hit(k, limits.windowMs, -1)))
    const over = byUserIp.count > limits.perUserIp ? byUserIp : byIp.count > limits.perIp ? byIp : null
    if (over) {
      await giveBack()
      const who = over === byUserIp ? 'for this username from your address' : 'from your address'
      const wait = Math.max(1, Math.ceil(over.resetMs / 60_000))
      const message = `Too many failed sign-ins ${who}. Try again in ${wait} minute${wait === 1 ? '' : 's'}.`
      audit(request, { user: username, action: 'sign-in', what: 'password', outcome: 'rate-limited', message })
      reply.header('Retry-After', String(Math.ceil(over.resetMs / 1000)))
      return reply.code(429).send({ error: 'rate-limited', message })
    }
    // Many failures for this name from anywhere: slow it down by seconds, never lock the owner out.
    const slow = byUser.count - 1 - limits.perUser
    if (slow >= 0) await sleep(Math.min(limits.slowMaxMs, limits.slowMs * 2 ** Math.min(slow, 20)))

    const acc = account(username)
    const checked = await hashing.run(ip, () => verifyPassword(password, acc?.record.password ?? null))
    if (!checked.ok) {
      await giveBack()
      const message =
        checked.why === 'address'
          ? 'Too many sign-ins at once from your address. Try again in a few seconds.'
          : 'The server is busy checking other sign-ins. Try again in a few seconds.'
      audit(request, { user: username, action: 'sign-in', what: 'password', outcome: 'rate-limited', message })
      reply.header('Retry-After', '5')
      return reply.code(429).send({ error: 'rate-limited', message })
    }
    if (!checked.value || !acc) {
      audit(request, {
        user: username,
        action: 'sign-in',
        what: 'password',
        outcome: 'refused',
        message: 'Wrong username or password',
      })
      return reply.code(401).send({ error: 'unauthenticated', message: 'Wrong username or password', oidc: oidcInfo })
    }
    // A success clears this name's counts and gives the address its attempt back (an office behind one NAT).
    await Promise.all([store.delete(keys.userIp), store.delete(keys.user), store.hit(keys.ip, limits.windowMs, -1)])
    await startSession(request, reply, acc, 'accounts')
    audit(request, { user: acc.record.name, action: 'sign-in', what: 'password', outcome: 'ok' })
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
      audit(request, { user: null, action: 'sign-in', what: 'oidc', outcome: 'refused', message: (e as Error).message })
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
      audit(request, {
        user: claimedAs(claims),
        action: 'sign-in',
        what: 'oidc',
        outcome: 'refused',
        message: 'no such user in the users file',
      })
      return page(
        reply,
        403,
        `${claimedAs(claims)} is not a Switchboard user. Ask your administrator to add you to the users file.`,
      )
    }
    await startSession(request, reply, acc, 'oidc')
    audit(request, { user: acc.record.name, action: 'sign-in', what: 'oidc', outcome: 'ok' })
    return reply.redirect('/')
  })
}

export const authPlugin = fp(authPluginImpl, { name: 'switchboard-auth', fastify: '5.x' })
