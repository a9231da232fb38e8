// @vitest-environment node
// Two instances sharing sessions and sign-in failure counts through a real redis-server started here.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import { authApp, cookieFrom, login, tempUsersFile } from './test-helpers.ts'

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

let server: ChildProcess
let port: number
const clients: Redis[] = []

beforeAll(async () => {
  port = await freePort()
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  // Wait until it accepts connections (a loaded machine takes a moment).
  for (let tries = 0; ; tries++) {
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null })
    probe.on('error', () => undefined)
    const up = await probe.connect().then(
      () => true,
      () => false,
    )
    probe.disconnect()
    if (up) break
    if (tries > 100) throw new Error('redis-server did not start')
    await new Promise((r) => setTimeout(r, 100))
  }
})

afterAll(async () => {
  for (const c of clients) c.disconnect()
  server?.kill()
})

const connect = () => {
  const c = new Redis({ port, host: '127.0.0.1' })
  clients.push(c)
  return c
}

describe('sessions in Redis', () => {
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
      expect((await a.inject({ url: '/api/session', headers: { cookie } })).statusCode).toBe(401)

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
