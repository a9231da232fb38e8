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
    const limits = { perUserIp: 2, perIp: 100, windowMs: 60_000 }
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

  it('attempts are reserved atomically in Redis: 41 at once across two instances, 5 checked (401), the rest 429', async () => {
    const f = await tempUsersFile([{ name: 'alice', pass: 'alice-password', act: ['400'] }])
    const wide = { running: 2, waiting: 100, perKey: 100 }
    const a = await authApp({ usersFile: f.file, redis: connect(), hashQueue: wide })
    const b = await authApp({ usersFile: f.file, redis: connect(), hashQueue: wide })
    try {
      const tries = [...Array.from({ length: 40 }, (_, i) => `wrong-${i}`), 'alice-password']
      const res = await Promise.all(tries.map((p, i) => login(i % 2 ? a : b, 'alice', p, '10.0.0.7')))
      const codes = res.map((r) => r.statusCode)
      expect(codes.filter((c) => c === 401)).toHaveLength(5)
      expect(codes.filter((c) => c === 429)).toHaveLength(36)
      // Refused attempts were given back: the count is the 5 failures, so the next is refused too.
      const store = connect()
      expect(await store.get('switchboard:auth:fail:user-ip:alice|10.0.0.7')).toBe('5')
      expect((await login(a, 'alice', 'alice-password', '10.0.0.7')).statusCode).toBe(429)
      expect((await login(b, 'alice', 'alice-password', '10.0.0.8')).statusCode).toBe(200)
    } finally {
      await a.close()
      await b.close()
      await f.cleanup()
    }
  })
})
