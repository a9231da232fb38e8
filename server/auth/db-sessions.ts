// Sessions and sign-in counters in the database (no Redis): a restart with SESSION_SECRET set keeps people
// signed in. Same contract as session-store.ts; values are stored as JSON text, opaque here.
import { sql, type Kysely } from 'kysely'
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
    // One statement, so attempts sent at once each see the ones before them (sign-in limits count before checking).
    async hit(key, windowMs, by = 1) {
      const t = now()
      const row =
        by < 0
          ? // A give-back never creates a counter and never goes below 0.
            await db
              .updateTable('sessions')
              .set({
                value: sql`CAST(CASE WHEN CAST(value AS INTEGER) + ${by} < 0 THEN 0 ELSE CAST(value AS INTEGER) + ${by} END AS TEXT)`,
              })
              .where('key', '=', key)
              .where('expires_at', '>', t)
              .returning(['value', 'expires_at'])
              .executeTakeFirst()
          : await db
              .insertInto('sessions')
              .values({ key, value: String(by), expires_at: t + windowMs })
              .onConflict((oc) =>
                oc.column('key').doUpdateSet({
                  value: sql`CASE WHEN sessions.expires_at > ${t} THEN CAST(CAST(sessions.value AS INTEGER) + ${by} AS TEXT) ELSE ${String(by)} END`,
                  expires_at: sql`CASE WHEN sessions.expires_at > ${t} THEN sessions.expires_at ELSE ${t + windowMs} END`,
                }),
              )
              .returning(['value', 'expires_at'])
              .executeTakeFirst()
      return row ? { count: Number(row.value), resetMs: Number(row.expires_at) - t } : { count: 0, resetMs: 0 }
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
