// Test doubles for the server's parts: a small FeedHub, a PBX client that records, users by header.
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { buildApp, type AppDeps } from './app.ts'
import { parseConfig, type Config } from './config.ts'
import { createLogger } from './logger.ts'
import type { CallPbx, DialPolicy, FeedHub, FeedReply, KnownCall, PbxMethod, SessionUser } from './types.ts'

export const TEST_KEY = 'test-KEY-0123456789abcdef'

export const user = (name: string, act: string[], watch: string[], supervisor = false): SessionUser => ({
  name,
  display: name,
  supervisor,
  act: { all: false, exts: new Set(act) },
  watch: { all: false, exts: new Set([...watch, ...act]) },
  mode: 'accounts',
})

export const USERS: Record<string, SessionUser> = {
  alice: user('alice', ['400'], ['400', '410']),
  bob: user('bob', ['410'], ['410']),
  nobody: user('nobody', [], []),
}

/** Signs a request in as the user named in `x-test-user` (tests only: the real plugin reads a session cookie). */
export const fakeAuth = (policy: Partial<DialPolicy> = {}) =>
  fp(
    async (app: FastifyInstance) => {
      app.decorateRequest('user', null)
      app.addHook('onRequest', async (request) => {
        const name = request.headers['x-test-user']
        request.user = typeof name === 'string' ? (USERS[name] ?? null) : null
      })
      const dials = new Map<string, number>()
      app.decorate('auth', {
        dialPolicy: () => ({ perMinute: 3, allowPrefixes: [], denyPrefixes: ['1900'], ...policy }),
        checkDial: async (u: SessionUser, number: string) => {
          const p = { perMinute: 3, allowPrefixes: [], denyPrefixes: ['1900'], ...policy }
          if (p.denyPrefixes.some((d) => number.startsWith(d)))
            return { ok: false as const, status: 403 as const, error: 'forbidden' as const, message: 'Denied prefix' }
          const n = (dials.get(u.name) ?? 0) + 1
          dials.set(u.name, n)
          if (n > p.perMinute)
            return { ok: false as const, status: 429 as const, error: 'rate-limited' as const, message: 'Dial limit' }
          return { ok: true as const }
        },
      })
    },
    { name: 'switchboard-auth' },
  )

export class FakeFeed implements FeedHub {
  calls = new Map<string, KnownCall>()
  isReady = true
  closed = false
  polls: { exts: string[]; cursor: number; timeoutSec: number; signal: AbortSignal }[] = []
  /** The next poll's reply; none: held until timeout or close. */
  reply: FeedReply | null = null
  private held = new Set<(r: FeedReply) => void>()

  ring(id: string, ext: string, status = 'Ringing') {
    const legs = new Map(this.calls.get(id)?.legs ?? [])
    legs.set(ext, status)
    this.calls.set(id, { uniqueCallId: id, legs })
  }
  poll(req: FakeFeed['polls'][number]): Promise<FeedReply> {
    this.polls.push(req)
    if (this.reply) return Promise.resolve(this.reply)
    const idle: FeedReply = { status: 200, body: { Data: {}, seq: req.cursor, Code: 0 } }
    return new Promise((resolve) => {
      const done = (r: FeedReply) => {
        clearTimeout(timer)
        this.held.delete(done)
        resolve(r)
      }
      const timer = setTimeout(() => done(idle), req.timeoutSec * 1000)
      req.signal.addEventListener('abort', () => done(idle))
      this.held.add(done)
    })
  }
  watched: string[][] = []
  setWatched(exts: readonly string[]) {
    this.watched.push([...exts])
  }
  get heldCount() {
    return this.held.size
  }
  retries = 0
  retry() {
    this.retries++
  }
  call(id: string) {
    return this.calls.get(id)
  }
  ready() {
    return this.isReady && !this.closed
  }
  async close() {
    this.closed = true
    for (const done of [...this.held]) done({ status: 200, body: { Data: {}, seq: 0, Code: 0 } })
  }
}

export class FakePbx {
  sent: { method: PbxMethod; params: Record<string, string> }[] = []
  next: ((method: PbxMethod) => Promise<Record<string, unknown> & { Code: number }>) | null = null
  call: CallPbx = async (method, params) => {
    this.sent.push({ method, params })
    if (this.next) return this.next(method)
    return method === 'dial' ? { Code: 0, Message: 'Dialing', SessionID: 's-1' } : { Code: 0, Message: 'ok' }
  }
}

/** Every line the server logged, as text. */
export function logCapture() {
  const lines: string[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk))
      cb()
    },
  })
  return { lines, logger: createLogger({ apiKey: TEST_KEY, stream, level: 'debug' }) }
}

export function testConfig(env: Record<string, string> = {}, over: Partial<Config> = {}): Config {
  const base = parseConfig(
    {
      NOOJEE_URL: 'https://pbx.example.com',
      NOOJEE_API_KEY: TEST_KEY,
      SWITCHBOARD_USERS_FILE: '/nonexistent/users.json',
      SESSION_SECRET: 'x'.repeat(40),
      ...env,
    },
    { production: true },
  ).config
  return { ...base, ...over }
}

export async function testApp(opts: { config?: Config; deps?: Partial<AppDeps>; policy?: Partial<DialPolicy> } = {}) {
  const feed = new FakeFeed()
  const pbx = new FakePbx()
  const log = logCapture()
  const app = await buildApp(opts.config ?? testConfig(), {
    callPbx: pbx.call,
    feed,
    logger: log.logger,
    auth: fakeAuth(opts.policy),
    ...opts.deps,
  })
  await app.ready()
  return { app, feed, pbx, log }
}

/** A same-origin request from the panel, as a browser sends it. */
export const panel = (who?: string) => ({
  'sec-fetch-site': 'same-origin',
  'x-switchboard': '1',
  'content-type': 'application/x-www-form-urlencoded',
  ...(who ? { 'x-test-user': who } : {}),
})
