// Sessions and sign-in counters in the database (no Redis): a restart with SESSION_SECRET set keeps people
// signed in. Same contract as session-store.ts; values are stored as JSON text, opaque here.
import type { Kysely } from 'kysely'
import type { Schema } from '../db/schema.ts'
import type { SessionStore } from './session-store.ts'

export function dbSessionStore(db: Kysely<Schema>, now = () => Date.now()): SessionStore {
  const live = async (key: string) => {
    const row = await db
      .selectFrom('sessions')
      .select(['value', 'expires_at'])
      .where('key', '=', key)
      .executeTakeFirst()
    return row && Number(row.expires_at) > now() ? { value: row.value, until: Number(row.expires_at) } : undefined
  }
  const put = (key: string, value: string, until: number, tx: Kysely<Schema> = db) =>
    tx
      .insertInto('sessions')
      .values({ key, value, expires_at: until })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, expires_at: until }))
      .execute()
  // Expired rows go on read, and in a sweep (the daily purge does it too, for a process that sleeps).
  const sweep = setInterval(() => {
    void db
      .deleteFrom('sessions')
      .where('expires_at', '<=', now())
      .execute()
      .catch(() => {})
  }, 10 * 60_000)
  sweep.unref()
  return {
    async get<T>(key: string) {
      const e = await live(key)
      return e ? (JSON.parse(e.value) as T) : undefined
    },
    async set(key, value, ttlMs) {
      await put(key, JSON.stringify(value), now() + Math.max(1, Math.round(ttlMs)))
    },
    async take<T>(key: string) {
      const e = await db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('sessions')
          .select(['value', 'expires_at'])
          .where('key', '=', key)
          .executeTakeFirst()
        await tx.deleteFrom('sessions').where('key', '=', key).execute()
        return row && Number(row.expires_at) > now() ? row : undefined
      })
      return e ? (JSON.parse(e.value) as T) : undefined
    },
    async delete(key) {
      await db.deleteFrom('sessions').where('key', '=', key).execute()
    },
    async hit(key, windowMs) {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('sessions')
          .select(['value', 'expires_at'])
          .where('key', '=', key)
          .executeTakeFirst()
        const alive = row && Number(row.expires_at) > now()
        const count = alive ? Number(row.value) + 1 : 1
        const until = alive ? Number(row.expires_at) : now() + windowMs
        await put(key, String(count), until, tx)
        return { count, resetMs: until - now() }
      })
    },
    async peek(key) {
      const e = await live(key)
      return e ? { count: Number(e.value), resetMs: e.until - now() } : { count: 0, resetMs: 0 }
    },
    async close() {
      clearInterval(sweep)
    },
  }
}
