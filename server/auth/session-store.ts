// Where sessions and sign-in counters live: this process's memory, or Redis when REDIS_URL is set so every
// instance sees the same sessions, sign-out and failure counts.
import type { Redis } from 'ioredis'

export interface SessionStore {
  get<T>(key: string): Promise<T | undefined>
  /** Stores a value for ttlMs (replacing any). */
  set(key: string, value: unknown, ttlMs: number): Promise<void>
  /** Reads and deletes in one step (OIDC state is good for one callback). */
  take<T>(key: string): Promise<T | undefined>
  delete(key: string): Promise<void>
  /**
   * Adds `by` (default 1) to a counter that expires windowMs after its first count, atomically (attempts sent at
   * once each see the ones before them); the new count and the ms left. A negative `by` gives back a count that
   * was reserved (a sign-in that succeeded) and never creates the counter.
   */
  hit(key: string, windowMs: number, by?: number): Promise<{ count: number; resetMs: number }>
  /** A counter's count and the ms until it resets, without counting. */
  peek(key: string): Promise<{ count: number; resetMs: number }>
  close(): Promise<void>
}

export function memoryStore(now = () => Date.now()): SessionStore {
  const values = new Map<string, { value: string; until: number }>()
  const live = (key: string) => {
    const e = values.get(key)
    if (e && e.until <= now()) values.delete(key)
    return e && e.until > now() ? e : undefined
  }
  // Expired entries go on read; a sweep keeps the map from growing with never-read keys.
  const sweep = setInterval(() => {
    for (const [k, e] of values) if (e.until <= now()) values.delete(k)
  }, 60_000)
  sweep.unref()
  return {
    async get<T>(key: string) {
      const e = live(key)
      return e ? (JSON.parse(e.value) as T) : undefined
    },
    async set(key, value, ttlMs) {
      values.set(key, { value: JSON.stringify(value), until: now() + ttlMs })
    },
    async take<T>(key: string) {
      const e = live(key)
      values.delete(key)
      return e ? (JSON.parse(e.value) as T) : undefined
    },
    async delete(key) {
      values.delete(key)
    },
    async hit(key, windowMs, by = 1) {
      const e = live(key)
      if (!e && by < 0) return { count: 0, resetMs: 0 }
      const count = Math.max(0, e ? Number(e.value) + by : by)
      const until = e ? e.until : now() + windowMs
      values.set(key, { value: String(count), until })
      return { count, resetMs: until - now() }
    },
    async peek(key) {
      const e = live(key)
      return e ? { count: Number(e.value), resetMs: e.until - now() } : { count: 0, resetMs: 0 }
    },
    async close() {
      clearInterval(sweep)
      values.clear()
    },
  }
}

/** Takes ARGV[1] off a counter that exists, never below 0; the count left. */
const GIVE_BACK = `local n = redis.call('get', KEYS[1])
if not n then return 0 end
local left = math.max(0, tonumber(n) - tonumber(ARGV[1]))
redis.call('set', KEYS[1], left, 'KEEPTTL')
return left`

/** Keys under `prefix`; values JSON with PX expiry; counters INCRBY + PEXPIRE NX in one MULTI. */
export function redisStore(redis: Redis, prefix = 'switchboard:auth:'): SessionStore {
  const k = (key: string) => prefix + key
  const parse = <T>(s: string | null) => (s === null ? undefined : (JSON.parse(s) as T))
  return {
    async get<T>(key: string) {
      return parse<T>(await redis.get(k(key)))
    },
    async set(key, value, ttlMs) {
      await redis.set(k(key), JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)))
    },
    async take<T>(key: string) {
      return parse<T>(await redis.getdel(k(key)))
    },
    async delete(key) {
      await redis.del(k(key))
    },
    async hit(key, windowMs, by = 1) {
      if (by < 0) {
        const left = await redis.eval(GIVE_BACK, 1, k(key), -by)
        return { count: Number(left), resetMs: Math.max(0, Number(await redis.pttl(k(key)))) }
      }
      const res = await redis.multi().incrby(k(key), by).pexpire(k(key), windowMs, 'NX').pttl(k(key)).exec()
      if (!res) throw new Error('redis: counter transaction aborted')
      for (const [err] of res) if (err) throw err
      return { count: Number(res[0][1]), resetMs: Math.max(0, Number(res[2][1])) }
    },
    async peek(key) {
      const res = await redis.multi().get(k(key)).pttl(k(key)).exec()
      if (!res) throw new Error('redis: counter read aborted')
      for (const [err] of res) if (err) throw err
      return { count: Number(res[0][1] ?? 0), resetMs: Math.max(0, Number(res[1][1])) }
    },
    async close() {
      // The caller owns the connection.
    },
  }
}
