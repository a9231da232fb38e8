// @vitest-environment node
// Without Redis, sessions live in the database: a restart (a new app and a new connection on the same data,
// the same SESSION_SECRET) keeps the user signed in; with the memory store it did not. Both databases.
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../db/database.ts'
import { KINDS, skipKind, testDatabases } from '../db/testing/databases.ts'
import { dbSessionStore } from './db-sessions.ts'
import { authApp, cookieFrom, login, tempUsersFile } from './test-helpers.ts'

const BOB = { name: 'bob', pass: 'bob-password', act: ['410'], supervisor: true, watch: ['400-499'] }

describe.each(KINDS)('sessions in %s', { timeout: 30_000 }, (kind) => {
  const dbs = testDatabases()
  it.skipIf(skipKind(kind))('survive a restart of the server; sign-out ends them for good', async () => {
    const f = await tempUsersFile([BOB])
    const opts = await dbs.options(kind)
    const start = async () => {
      const database = dbs.track(await openDatabase(opts))
      const app = await authApp({ usersFile: f.file, sessionStore: dbSessionStore(database.db) })
      return { app, database }
    }
    try {
      const first = await start()
      const cookie = cookieFrom(await login(first.app, 'bob', 'bob-password'))
      await first.app.close()
      await first.database.close()

      const second = await start()
      const who = await second.app.inject({ url: '/api/whoami', headers: { cookie } })
      expect([who.statusCode, who.json()]).toEqual([200, { name: 'bob', act: ['410'] }])
      expect((await second.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie } })).statusCode).toBe(
        204,
      )
      await second.app.close()

      const third = await start()
      expect((await third.app.inject({ url: '/api/whoami', headers: { cookie } })).statusCode).toBe(401)
      await third.app.close()
    } finally {
      await f.cleanup()
    }
  })
})
