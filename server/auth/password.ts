// Password hashes: node:crypto scrypt (no native build), per-user salt, parameters stored with the hash.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** N = 2^15, r = 8, p = 1: about 32 MiB and ~50-100 ms per check (OWASP's scrypt floor is N = 2^17 at r 8; kept lower for a two-core box, raise with care). */
const DEFAULT = { N: 32768, r: 8, p: 1 }
const KEY_LEN = 32

const derive = (password: string, salt: Buffer, o: ScryptOptions & { N: number }) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, { ...o, maxmem: 256 * o.N * (o.r ?? 8) }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  )

/** `scrypt$N$r$p$salt$hash` (salt and hash base64url): everything needed to check it later. */
export async function hashPassword(password: string, params = DEFAULT): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, params)
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/

export const isPasswordHash = (s: string) => {
  const m = FORMAT.exec(s)
  if (!m) return false
  const N = Number(m[1])
  return (
    N >= 1024 &&
    N <= 2 ** 20 &&
    (N & (N - 1)) === 0 &&
    Number(m[2]) >= 1 &&
    Number(m[2]) <= 32 &&
    Number(m[3]) >= 1 &&
    Number(m[3]) <= 16
  )
}

/** A hash nobody has the password of: checked for unknown users so their reply takes as long as a known user's. */
let dummy: Promise<string> | undefined

/** Constant-time compare of the derived key; a null hash (unknown user) still costs one derivation. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const hash =
    stored && isPasswordHash(stored) ? stored : await (dummy ??= hashPassword(randomBytes(16).toString('hex')))
  const [, N, r, p, salt, key] = hash.split('$')
  const expected = Buffer.from(key, 'base64url')
  const got = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(N), r: Number(r), p: Number(p) })
  return got.length === expected.length && timingSafeEqual(got, expected) && hash === stored
}
