// The server's configuration, read once from the environment. A bad or missing value stops the
// server with one line that says which variable and what to do (ConfigError).
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import path from 'node:path'
import { z } from 'zod'
import { extKey } from '../src/features/pbx/extension.ts'

/** The PBX the server talks to: a real Noojee PBX, or the built-in simulated one. */
export type PbxConfig =
  { kind: 'real'; url: string; apiKey: string; insecureTls: boolean } | { kind: 'simulated'; demo: boolean }

export interface OidcConfig {
  issuer: string
  clientId: string
  clientSecret: string
}

export interface Config {
  pbx: PbxConfig
  /** How people sign in. 'local-dev': nobody configured, loopback only, everyone is the local developer. */
  signIn: 'accounts' | 'local-dev'
  usersFile: string | null
  oidc: OidcConfig | null
  /** The origin browsers reach the server at (behind a proxy); null: the request's own Host. */
  publicUrl: string | null
  sessionSecret: string
  /** SESSION_SECRET was unset: sessions end when the server restarts. */
  sessionSecretGenerated: boolean
  /** Fastify's trustProxy: false, true, a hop count, or addresses/CIDRs. */
  trustProxy: boolean | number | string[]
  host: string
  port: number
  /** SWITCHBOARD_EXTENSIONS: the panel's default extensions (bare). */
  extensions: string[]
  /** For the feed hub (server/feed/): shared event log and sessions across instances. */
  redisUrl: string | null
  /** SWITCHBOARD_RECONCILE_S: the feed checks the PBX's snapshot against its log at least this often (seconds). */
  reconcileS?: number
  /** The built panel (index.html and assets). */
  distDir: string
  limits: Limits
}

export interface Limits {
  bodyBytes: number
  /** Held subscribes at once: per session, per user, in all. */
  pollsPerSession: number
  pollsPerUser: number
  pollsTotal: number
  /** A browser's subscribe is held at most this long. */
  maxPollSec: number
  /** How long an action waits for the PBX. */
  pbxTimeoutMs: number
}

export const DEFAULT_LIMITS: Limits = {
  bodyBytes: 16 * 1024,
  pollsPerSession: 6,
  pollsPerUser: 20,
  pollsTotal: 2000,
  maxPollSec: 25,
  pbxTimeoutMs: 15_000,
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

/** 127.0.0.0/8, ::1, localhost: where plain http cannot be read by anyone else. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h.endsWith('.localhost')) return true
  if (isIP(h) === 4) return h.startsWith('127.')
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h)
  return false
}

const blank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim())

/** Extension lists: `400,410` or ranges `400-405`, tech prefixes (SIP/400) stripped. */
function extensionList(raw: string): string[] {
  const out: string[] = []
  for (const part of raw.split(',').map((s) => extKey(s.trim()))) {
    if (!part) continue
    const range = /^(\d+)-(\d+)$/.exec(part)
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])]
      if (b < a || b - a > 10_000) throw new ConfigError(`SWITCHBOARD_EXTENSIONS: bad range "${part}"`)
      for (let n = a; n <= b; n++) out.push(String(n))
    } else if (/^[\w*#+.-]{1,40}$/.test(part)) out.push(part)
    else throw new ConfigError(`SWITCHBOARD_EXTENSIONS: "${part}" is not an extension (example: 400,410-419)`)
  }
  return [...new Set(out)]
}

function httpUrl(name: string, raw: string, { httpsUnlessLoopback }: { httpsUnlessLoopback: boolean }): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} is not a URL: "${raw}" (example: ${name}=https://pbx.example.com)`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`${name} must start with https:// (got "${url.protocol}")`)
  if (url.username || url.password) throw new ConfigError(`${name} must not hold a user name or password`)
  if (url.search || url.hash) throw new ConfigError(`${name} must not have a query string or fragment`)
  if (httpsUnlessLoopback && url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new ConfigError(
      `${name} must use https:// for a PBX that is not on this machine (the key would travel in clear text): "${raw}"`,
    )
  return url
}

function readSecretFile(name: string, file: string): string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new ConfigError(`${name}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  const value = text.trim()
  if (!value) throw new ConfigError(`${name}: ${file} is empty`)
  return value
}

function trustProxy(raw: string | undefined): Config['trustProxy'] {
  if (raw === undefined || raw === 'false' || raw === '0') return false
  if (raw === 'true') return true
  if (/^\d+$/.test(raw)) return Number(raw)
  const list = raw.split(',').map((s) => s.trim())
  for (const a of list)
    if (isIP(a.split('/')[0]) === 0 && !['loopback', 'linklocal', 'uniquelocal'].includes(a))
      throw new ConfigError(
        `TRUST_PROXY must be true, false, a hop count or proxy addresses (example: TRUST_PROXY=10.0.0.5); got "${raw}"`,
      )
  return list
}

const portSchema = z.coerce.number().int().min(1).max(65535)

export interface ParseOptions {
  /** `npm start` (production) rather than the Vite dev server. */
  production: boolean
  /** Where the repository is (dist/ and the users file are relative to it). */
  root?: string
}

/**
 * Read the environment. Throws ConfigError (one line) on a bad or missing value. `warnings` are
 * for the log (an unset SESSION_SECRET).
 */
export function parseConfig(env: Env, opts: ParseOptions): { config: Config; warnings: string[] } {
  const warnings: string[] = []
  const root = opts.root ?? process.cwd()

  const url = blank(env.NOOJEE_URL)
  const keyText = blank(env.NOOJEE_API_KEY)
  const keyFile = blank(env.NOOJEE_API_KEY_FILE)
  if (keyText && keyFile) throw new ConfigError('Set NOOJEE_API_KEY or NOOJEE_API_KEY_FILE, not both')
  let pbx: PbxConfig
  if (!url) {
    if (keyText || keyFile)
      throw new ConfigError('NOOJEE_API_KEY is set but NOOJEE_URL is not: set both, or neither to use the built-in PBX')
    pbx = { kind: 'simulated', demo: env.SWITCHBOARD_SIM_DEMO !== '0' }
  } else {
    const parsed = httpUrl('NOOJEE_URL', url, { httpsUnlessLoopback: true })
    const apiKey = keyFile ? readSecretFile('NOOJEE_API_KEY_FILE', keyFile) : keyText
    if (!apiKey)
      throw new ConfigError(
        'NOOJEE_URL is set but NOOJEE_API_KEY (or NOOJEE_API_KEY_FILE) is not: the PBX needs its key',
      )
    if (/[\s\0]/.test(apiKey)) throw new ConfigError('NOOJEE_API_KEY holds a space or control character')
    const insecure = blank(env.NOOJEE_INSECURE_TLS)
    if (insecure && insecure !== '1' && insecure !== '0')
      throw new ConfigError(`NOOJEE_INSECURE_TLS must be 1 or 0 (got "${insecure}")`)
    pbx = {
      kind: 'real',
      url: parsed.origin + parsed.pathname.replace(/\/+$/, ''),
      apiKey,
      insecureTls: insecure === '1',
    }
  }

  const usersFileRaw = blank(env.SWITCHBOARD_USERS_FILE)
  const usersFile = usersFileRaw ? path.resolve(root, usersFileRaw) : null

  const issuer = blank(env.OIDC_ISSUER)
  const clientId = blank(env.OIDC_CLIENT_ID)
  const clientSecret = blank(env.OIDC_CLIENT_SECRET)
  let oidc: OidcConfig | null = null
  if (issuer || clientId || clientSecret) {
    if (!issuer || !clientId || !clientSecret)
      throw new ConfigError('Single sign-on needs all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET')
    httpUrl('OIDC_ISSUER', issuer, { httpsUnlessLoopback: true })
    // Rights come from the users file by username or email, so it must be there.
    if (!usersFile) throw new ConfigError('OIDC_ISSUER is set: SWITCHBOARD_USERS_FILE is needed too (it holds rights)')
    oidc = { issuer, clientId, clientSecret }
  }

  const publicRaw = blank(env.PUBLIC_URL)
  let publicUrl: string | null = null
  if (publicRaw) {
    const u = httpUrl('PUBLIC_URL', publicRaw, { httpsUnlessLoopback: false })
    if (u.pathname !== '/')
      throw new ConfigError('PUBLIC_URL must be an origin with no path (example: https://switchboard.example.com)')
    publicUrl = u.origin
  }
  if (oidc && !publicUrl)
    throw new ConfigError('OIDC_ISSUER is set: PUBLIC_URL is needed too (for the sign-in callback)')

  const host = blank(env.HOST) ?? '127.0.0.1'
  const portRaw = blank(env.PORT) ?? '8080'
  const port = portSchema.safeParse(portRaw)
  if (!port.success) throw new ConfigError(`PORT must be a number from 1 to 65535 (got "${portRaw}")`)

  const signIn = usersFile || oidc ? 'accounts' : 'local-dev'
  if (signIn === 'local-dev') {
    if (opts.production && pbx.kind === 'real')
      throw new ConfigError(
        'No way to sign in: set SWITCHBOARD_USERS_FILE (add a user with `npm run --silent user -- add NAME ...`) or OIDC_ISSUER',
      )
    if (!isLoopbackHost(host))
      throw new ConfigError(
        `HOST=${host} with no accounts: without SWITCHBOARD_USERS_FILE or OIDC the server listens on loopback only`,
      )
  }

  let sessionSecret = blank(env.SESSION_SECRET)
  let sessionSecretGenerated = false
  if (sessionSecret) {
    if (sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET must be at least 32 characters')
  } else {
    sessionSecret = randomBytes(32).toString('base64url')
    sessionSecretGenerated = true
    if (signIn === 'accounts')
      warnings.push('SESSION_SECRET is not set: a new one was generated, so everyone signs in again after a restart')
  }

  const reconcileRaw = blank(env.SWITCHBOARD_RECONCILE_S) ?? '60'
  const reconcile = z.coerce.number().int().min(5).max(3600).safeParse(reconcileRaw)
  if (!reconcile.success)
    throw new ConfigError(
      `SWITCHBOARD_RECONCILE_S must be a whole number of seconds from 5 to 3600 (got "${reconcileRaw}")`,
    )

  const redisRaw = blank(env.REDIS_URL)
  if (redisRaw && !/^rediss?:\/\//.test(redisRaw))
    throw new ConfigError('REDIS_URL must start with redis:// or rediss://')

  return {
    config: {
      pbx,
      signIn,
      usersFile,
      oidc,
      publicUrl,
      sessionSecret,
      sessionSecretGenerated,
      trustProxy: trustProxy(blank(env.TRUST_PROXY)),
      host,
      port: port.data,
      extensions: extensionList(env.SWITCHBOARD_EXTENSIONS ?? ''),
      redisUrl: redisRaw ?? null,
      reconcileS: reconcile.data,
      distDir: path.resolve(root, 'dist'),
      limits: { ...DEFAULT_LIMITS },
    },
    warnings,
  }
}
