// @vitest-environment node
// Two instances sharing sessions and sign-in failure counts through a real redis-server started here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { startRedis, type TestRedis } from '../feed/testing/redis-server.ts'
import { authApp, cookieFrom, login, tempUsersFile } from './test-helpers.ts'

let server: TestRedis
const clients: Redis[] = []

beforeAll(async () => {
  server = await startRedis()
}, 30_000)

afterAll(async () => {
  for (const c of clients) c.disconnect()
  await server?.stop()
})

const connect = () => {
  const c = new Redis(server.url)
  clients.push(c)
  return c
}

describe('sessions in Redis', { timeout: 30_000 }, () => {
  it('a sign-in on one instance holds on another; sign-out on either ends it on both; failure counts are shared', async () => {
    const f = await tempUsersFile([{ name: 'alice', pass: 'alice-password', act: ['400'] }])
    const limits = { perUser: 2, perIp: 100, windowMs: 60_000 }
    const a = await authApp({ usersFile: f.file, redis: connect(), loginLimits: limits })
    const b = await authApp({ usersFile: f.file, redis: connect(), loginLimits: limits })
    try {
      const cookie = cookieFrom(await login(a, 'alice', 'alice-password'))
      const onB = await b.inject({ url: '/api/session', headers: { cookie } })
      expect(onB.statusCode).toBe(200)
      expect(onB.json().user.act).toEqual(['400'])
      expect((await b.inject({ method: 'POST', url: '/api/logout', headers: { cookie } })).statusCode).toBe(204)
      expect((await a.inject({ url: '/api/session', headers: { cookie } })).json().user).toBeNull()

      expect((await login(a, 'alice', 'nope')).statusCode).toBe(401)
      expect((await login(b, 'alice', 'nope')).statusCode).toBe(401)
      expect((await login(a, 'alice', 'alice-password')).statusCode).toBe(429)
    } finally {
      await a.close()
      await b.close()
      await f.cleanup()
    }
  })
})
