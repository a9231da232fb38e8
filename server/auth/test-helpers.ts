// Helpers for the auth tests: a users file in a temp folder, an app with only the auth plugin, cookies.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import { authPlugin, type AuthPluginOptions } from './plugin.ts'
import { hashPassword } from './password.ts'
import { writeUsersFile, type UserRecord, type UsersFileData } from './users-file.ts'

export const SECRET = 'a-test-session-secret-of-at-least-32-chars'
/** Cheap scrypt parameters: tests hash many passwords. */
export const FAST = { N: 1024, r: 8, p: 1 }

export type TestUser = Partial<UserRecord> & { name: string; pass?: string }

export async function usersData(users: TestUser[], dialPolicy?: UsersFileData['dialPolicy']): Promise<UsersFileData> {
  const records = await Promise.all(
    users.map(async ({ pass, ...u }) => ({
      supervisor: false,
      act: [],
      watch: [],
      ...u,
      ...(pass ? { password: await hashPassword(pass, FAST) } : {}),
    })),
  )
  return {
    version: 1,
    dialPolicy: dialPolicy ?? { perMinute: 10, allowPrefixes: [], denyPrefixes: ['1900', '0011'] },
    users: records,
  }
}

export async function tempUsersFile(users: TestUser[]) {
  const dir = await mkdtemp(path.join(tmpdir(), 'switchboard-auth-'))
  const file = path.join(dir, 'users.json')
  await writeUsersFile(file, await usersData(users))
  return { dir, file, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/** Fastify with the auth plugin and one route that says who asked (as buildApp's routes will see it). */
export async function authApp(opts: Partial<AuthPluginOptions>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false })
  await app.register(authPlugin, { mode: 'accounts', sessionSecret: SECRET, usersCheckMs: 200, ...opts })
  app.get('/api/whoami', async (request, reply) =>
    request.user
      ? { name: request.user.name, act: [...(request.user.act.all ? ['*'] : request.user.act.exts)] }
      : reply.code(401).send({ error: 'unauthenticated' }),
  )
  await app.ready()
  return app
}

/** The `name=value` pair of a reply's Set-Cookie for that cookie. */
export function cookieFrom(res: LightMyRequestResponse, name = '__Host-switchboard'): string {
  const raw = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`))
  if (!raw) throw new Error(`no ${name} cookie in ${JSON.stringify(res.headers['set-cookie'])}`)
  return raw.split(';')[0]
}

export const login = (app: FastifyInstance, username: string, password: string, ip = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/login', payload: { username, password }, remoteAddress: ip })
