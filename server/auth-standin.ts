// STAND-IN until server/auth/ (plugin.ts, rights.ts) lands on main: the same names and options, local-dev
// sign-in only. Removed when main has the real plugin.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Action, DialPolicy, ExtensionSet, SessionUser } from './types.ts'

export interface AuthPluginOptions {
  mode: 'local-dev' | 'accounts'
  usersFile?: string
  oidc?: { issuer: string; clientId: string; clientSecret: string } | null
  sessionSecret: string
  publicUrl?: string
  simulated?: boolean
}

export interface AuthApi {
  dialPolicy(user: SessionUser): DialPolicy
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

const inSet = (set: ExtensionSet, ext: string) => set.all || set.exts.has(ext.replace(/^[A-Za-z][A-Za-z0-9]*\//, ''))

export function can(user: SessionUser | null, action: Action, ext: string): boolean {
  if (!user) return false
  return action === 'watch' ? inSet(user.watch, ext) : inSet(user.act, ext)
}

async function standIn(app: FastifyInstance, opts: AuthPluginOptions) {
  app.decorateRequest('user', null)
  app.addHook('onRequest', async (request) => {
    request.user = opts.mode === 'local-dev' ? LOCAL_DEVELOPER : null
  })
  app.decorate('auth', {
    dialPolicy: () => ({ perMinute: 10, allowPrefixes: [], denyPrefixes: [] }),
    checkDial: async () => ({ ok: true }),
  } satisfies AuthApi)
  app.get('/api/session', async (request, reply) => {
    if (!request.user) return reply.code(401).send({ error: 'unauthenticated', message: 'Sign in', oidc: null })
    return {
      user: { ...request.user, act: [], watch: [], allExtensions: true },
      simulated: !!opts.simulated,
      oidc: null,
    }
  })
}

export const authPlugin = fp(standIn, { name: 'switchboard-auth', fastify: '5.x' })
