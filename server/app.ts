// The Switchboard server as a Fastify app built from a config object (no globals): `npm start` listens
// with it (server/main.ts), `npm run dev` mounts it inside Vite's dev server (server/vite-plugin.ts), tests
// use app.inject(). docs/architecture.md is the contract.
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import underPressure from '@fastify/under-pressure'
import Fastify, {
  type FastifyReply,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'
import type { Redis } from 'ioredis'
import { authPlugin as realAuthPlugin, type AuthPluginOptions } from './auth/plugin.ts'
import { watchedByUsers } from './auth/users-file.ts'
import type { Config } from './config.ts'
import { guardPlugin } from './guard.ts'
import { errorBody, type ErrorWord } from './http-errors.ts'
import { pbxRoutes } from './pbx/routes.ts'
import { dbSessionStore } from './auth/db-sessions.ts'
import { auditSink } from './records/audit-sink.ts'
import type { Records } from './records/records.ts'
import { recordsRoutes } from './records/routes.ts'
import type { CallPbx, FeedHub } from './types.ts'

export interface AppDeps {
  callPbx: CallPbx
  feed: FeedHub
  /** A pino logger (main.ts makes one that redacts the key); none: Fastify's own, silent. */
  logger?: FastifyBaseLogger
  /** The built-in simulated PBX's URL: `/__sim/*` (its test controls) is forwarded there. */
  simUrl?: string
  redis?: Redis
  /** Serve dist/ (production); Vite serves the panel in dev. */
  serveDist?: boolean
  /** Tests: a stand-in for the auth plugin (same contract: decorates request.user and app.auth). */
  auth?: FastifyPluginAsync<AuthPluginOptions>
  /** Call records, audit rows and (without Redis) sessions in the database (server/records/). */
  records?: Records
}

/** Everything a browser may load besides the API: the panel's own origin, nothing inline, never framed. */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  mediaSrc: ["'self'"],
  workerSrc: ["'self'"],
  manifestSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  frameSrc: ["'none'"],
}

/** The panel uses no device or powerful feature (its ring tone is Web Audio, its alerts Notifications). */
export const PERMISSIONS_POLICY = [
  'accelerometer',
  'bluetooth',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
  'clipboard-read',
]
  .map((f) => `${f}=()`)
  .join(', ')

/** Helmet's headers as one object: the middleware run once against a stand-in response. */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  }
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, () => {})
  return headers
}

/**
 * A page's (and its assets') security headers, computed once: @fastify/helmet builds helmet's middleware
 * again on every request (the CSP parsed each time), the largest part of a held poll's cost in a profile of
 * the fan-out (bench/README.md). HSTS is added per request, over TLS only.
 */
const PAGE_HEADERS = {
  ...helmetHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: CSP },
    hsts: false,
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  }),
  'permissions-policy': PERMISSIONS_POLICY,
}

/**
 * A JSON reply's (/api/): the headers OWASP's REST Security Cheat Sheet lists for API responses, with a CSP that
 * lets the reply load nothing at all. The others only act on a page, and their twenty-odd lines on every held
 * poll's reply were half of what a fan-out to a thousand browsers wrote (bench/README.md).
 */
const API_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
}

/** Paths the panel loads as a page: `/` (it routes by query string) and plain words, nothing with dots or escapes. */
const PAGE_PATH = /^\/[A-Za-z0-9_-]*$/

/** After held polls are answered on close, how long other requests may take before connections are cut. */
const CLOSE_GRACE_MS = 2000

export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // A hop count works (proxy-addr) though the type leaves it out.
    trustProxy: config.trustProxy as boolean | string[],
    bodyLimit: config.limits.bodyBytes,
    // Receiving a request (headers and body) is quick; a held poll is the reply, not the request.
    requestTimeout: 15_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: false, caseSensitive: true },
  }) as unknown as FastifyInstance

  const simulated = config.pbx.kind === 'simulated'
  let closing = false

  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(request.url.startsWith('/api/') ? API_HEADERS : PAGE_HEADERS)
    reply.header('X-Request-Id', request.id)
    if (request.protocol === 'https') reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    done()
  })

  // The panel sends its commands form-encoded with an empty body (the PBX's own convention): parameters
  // are in the query string; whatever the body holds is not read.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, _body, done) =>
    done(null, {}),
  )

  await app.register(underPressure, {
    // Delay, not utilisation: a fan-out to a thousand held polls keeps the loop busy for a moment, which is its job.
    maxEventLoopDelay: 2000,
    pressureHandler: (_req, reply, type, value) => {
      reply.code(503).header('Retry-After', '5')
      void reply.send(errorBody('unavailable', `The server is overloaded (${type} ${value}); try again shortly`))
    },
  })

  app.addHook('onSend', (_request, reply, payload, done) => {
    // Shutting down: each connection closes with its reply (an idle keep-alive one would hold the exit up).
    if (closing) reply.header('Connection', 'close')
    done(null, payload)
  })

  await app.register(guardPlugin, { config })

  await app.register(deps.auth ?? realAuthPlugin, {
    mode: config.signIn,
    usersFile: config.usersFile ?? undefined,
    oidc: config.oidc,
    sessionSecret: config.sessionSecret,
    publicUrl: config.publicUrl ?? undefined,
    simulated,
    onUsers: (users) => deps.feed.setWatched([...config.extensions, ...watchedByUsers(users)]),
    ...(deps.redis ? { redis: deps.redis } : {}),
    ...(deps.records && !deps.redis ? { sessionStore: dbSessionStore(deps.records.database.db) } : {}),
  })

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (status >= 500) request.log.error({ err }, 'request failed')
    const word: ErrorWord =
      status === 429 ? 'rate-limited' : status === 404 ? 'not-found' : status < 500 ? 'bad-request' : 'unavailable'
    const message =
      status === 413
        ? 'Request body too large'
        : status === 415
          ? 'Unsupported content type'
          : status < 500
            ? 'Bad request'
            : 'The server failed; try again'
    return reply.code(status).send(errorBody(word, message))
  })

  app.get('/healthz', { config: { access: 'public' } }, async () => ({ ok: true }))
  app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    reply.header('Cache-Control', 'no-store')
    if (closing) return reply.code(503).send(errorBody('unavailable', 'Shutting down'))
    if (!deps.feed.ready()) return reply.code(503).send(errorBody('unavailable', 'The PBX feed is not live'))
    return { ready: true }
  })

  await app.register(pbxRoutes, {
    config,
    callPbx: deps.callPbx,
    feed: deps.feed,
    simulated,
    ...(deps.records ? { auditSink: auditSink(deps.records, app.log) } : {}),
  })
  await app.register(recordsRoutes, { records: deps.records })

  if (deps.simUrl) {
    const simUrl = deps.simUrl
    // The simulated PBX's controls (e2e drives them): signed-in users only; the key is not there to leak.
    app.route({
      method: ['GET', 'POST'],
      url: '/__sim/:action',
      config: { access: 'user' },
      handler: async (request, reply) => {
        if (!request.user) return reply.code(401).send(errorBody('unauthenticated', 'Sign in to use Switchboard'))
        const { action } = request.params as { action: string }
        if (!/^[A-Za-z]{1,40}$/.test(action)) return reply.code(404).send(errorBody('not-found', 'No such control'))
        const res = await fetch(`${simUrl}/__sim/${action}`, {
          method: request.method,
          body: request.method === 'POST' ? JSON.stringify(request.body ?? {}) : undefined,
        })
        return reply
          .code(res.status)
          .type(res.headers.get('content-type') ?? 'application/json')
          .send(await res.text())
      },
    })
  }

  const dist = config.distDir
  const serveDist = deps.serveDist && existsSync(path.join(dist, 'index.html'))
  if (serveDist) {
    await app.register(fastifyStatic, {
      root: dist,
      // Routes for the files there now (no wildcard): nothing else on disk is ever looked up.
      wildcard: false,
      index: false,
      dotfiles: 'deny',
      serveDotFiles: false,
      setHeaders: (res: FastifyReply, file: string) => {
        res.header(
          'Cache-Control',
          file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        )
      },
    } as Parameters<typeof fastifyStatic>[1])
    app.get('/', { config: { access: 'public' } }, (_request, reply) =>
      reply.header('Cache-Control', 'no-cache').sendFile('index.html'),
    )
  }

  app.setNotFoundHandler((request, reply) => {
    const pathOnly = request.url.split('?')[0]
    if (
      serveDist &&
      (request.method === 'GET' || request.method === 'HEAD') &&
      PAGE_PATH.test(pathOnly) &&
      !/^\/(api|auth|__sim|healthz|readyz)(\/|$)/.test(pathOnly) &&
      /text\/html/.test(request.headers.accept ?? '')
    )
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html')
    return reply.code(404).send(errorBody('not-found', 'Not found'))
  })

  // SIGTERM (main.ts): not ready at once, and every held poll answered before in-flight requests are awaited.
  app.addHook('preClose', async () => {
    closing = true
    await deps.feed.close()
    // In-flight actions get a moment to finish; a connection a client keeps open after its reply does not.
    setTimeout(() => app.server.closeAllConnections?.(), CLOSE_GRACE_MS).unref()
  })

  return app
}
