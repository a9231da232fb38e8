// @vitest-environment node
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, isLoopbackHost, parseConfig } from './config.ts'

const prod = (env: Record<string, string>) => parseConfig(env, { production: true, root: '/srv/sb' })
const dev = (env: Record<string, string>) => parseConfig(env, { production: false, root: '/srv/sb' })
const refusal = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    expect((e as Error).message).not.toContain('\n')
    return (e as Error).message
  }
  throw new Error('accepted')
}
const REAL = {
  NOOJEE_URL: 'https://pbx.example.com/',
  NOOJEE_API_KEY: 'secret-key',
  SWITCHBOARD_USERS_FILE: 'users.json',
}

describe('parseConfig', () => {
  it('has defaults: loopback, 8080, the simulated PBX, local-dev sign-in, a generated session secret', () => {
    const { config } = dev({})
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      pbx: { kind: 'simulated', demo: true },
      signIn: 'local-dev',
      sessionSecretGenerated: true,
      trustProxy: false,
      redisUrl: null,
    })
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32)
  })

  it('reads a real PBX with a users file, and warns of a generated session secret', () => {
    const { config, warnings } = prod({ ...REAL, SWITCHBOARD_EXTENSIONS: '400,SIP/410,420-422' })
    expect(config.pbx).toEqual({
      kind: 'real',
      url: 'https://pbx.example.com',
      apiKey: 'secret-key',
      insecureTls: false,
    })
    expect(config.usersFile).toBe('/srv/sb/users.json')
    expect(config.signIn).toBe('accounts')
    expect(config.extensions).toEqual(['400', '410', '420', '421', '422'])
    expect(warnings.join()).toMatch(/SESSION_SECRET/)
  })

  it('reads the key from NOOJEE_API_KEY_FILE', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-cfg-'))
    writeFileSync(path.join(dir, 'key'), 'file-key\n')
    const rest: Record<string, string> = { ...REAL }
    delete rest.NOOJEE_API_KEY
    const { config } = prod({ ...rest, NOOJEE_API_KEY_FILE: path.join(dir, 'key') })
    expect(config.pbx).toMatchObject({ apiKey: 'file-key' })
    expect(refusal(() => prod({ ...rest, NOOJEE_API_KEY_FILE: path.join(dir, 'nope') }))).toMatch(
      /cannot read .*ENOENT/,
    )
  })

  it('allows plain http only for a PBX on loopback', () => {
    expect(prod({ ...REAL, NOOJEE_URL: 'http://127.0.0.1:9000' }).config.pbx).toMatchObject({
      url: 'http://127.0.0.1:9000',
    })
    expect(refusal(() => prod({ ...REAL, NOOJEE_URL: 'http://pbx.example.com' }))).toMatch(/must use https/)
  })

  it.each([
    [{ NOOJEE_URL: 'https://pbx.example.com', NOOJEE_API_KEY: 'k' }, /No way to sign in/],
    [{ NOOJEE_API_KEY: 'k' }, /NOOJEE_URL is not/],
    [{ ...REAL, NOOJEE_API_KEY: '' }, /NOOJEE_API_KEY/],
    [{ ...REAL, NOOJEE_URL: 'pbx.example.com' }, /not a URL/],
    [{ ...REAL, NOOJEE_URL: 'ftp://pbx' }, /https/],
    [{ ...REAL, NOOJEE_URL: 'https://u:p@pbx' }, /password/],
    [{ ...REAL, PORT: '99999' }, /PORT/],
    [{ ...REAL, PORT: 'x' }, /PORT/],
    [{ ...REAL, SESSION_SECRET: 'short' }, /SESSION_SECRET/],
    [{ ...REAL, OIDC_ISSUER: 'https://id.example.com' }, /OIDC_CLIENT_ID/],
    [{ ...REAL, OIDC_ISSUER: 'https://id', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's' }, /PUBLIC_URL/],
    [{ ...REAL, PUBLIC_URL: 'https://sb.example.com/app' }, /PUBLIC_URL/],
    [{ ...REAL, TRUST_PROXY: 'yes please' }, /TRUST_PROXY/],
    [{ ...REAL, REDIS_URL: 'localhost:6379' }, /REDIS_URL/],
    [{ ...REAL, NOOJEE_INSECURE_TLS: 'true' }, /NOOJEE_INSECURE_TLS/],
    [{ ...REAL, SWITCHBOARD_EXTENSIONS: '400;410' }, /SWITCHBOARD_EXTENSIONS/],
    [{ HOST: '0.0.0.0' }, /loopback only/],
  ])('refuses %o with one clear line', (env, why) => {
    expect(refusal(() => prod(env))).toMatch(why)
  })

  it('lets a developer run a real PBX without accounts, but only in dev and only on loopback', () => {
    const { config } = dev({ NOOJEE_URL: 'https://pbx.example.com', NOOJEE_API_KEY: 'k' })
    expect(config.signIn).toBe('local-dev')
    expect(refusal(() => dev({ NOOJEE_URL: 'https://pbx.example.com', NOOJEE_API_KEY: 'k', HOST: '0.0.0.0' }))).toMatch(
      /loopback/,
    )
  })

  it('reads SWITCHBOARD_RECONCILE_S (60 by default) and refuses a bad one with a clear message', () => {
    expect(dev({}).config.reconcileS).toBe(60)
    expect(dev({ SWITCHBOARD_RECONCILE_S: '15' }).config.reconcileS).toBe(15)
    for (const bad of ['0', '2', 'soon', '1.5', '99999'])
      expect(() => dev({ SWITCHBOARD_RECONCILE_S: bad })).toThrow(/SWITCHBOARD_RECONCILE_S must be a whole number/)
  })

  it('reads TRUST_PROXY and OIDC', () => {
    const oidc = { OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'c', OIDC_CLIENT_SECRET: 's' }
    const { config } = prod({
      ...REAL,
      ...oidc,
      PUBLIC_URL: 'https://sb.example.com',
      TRUST_PROXY: '10.0.0.1,loopback',
    })
    expect(config.trustProxy).toEqual(['10.0.0.1', 'loopback'])
    expect(config.oidc).toEqual({ issuer: 'https://id.example.com', clientId: 'c', clientSecret: 's' })
    expect(config.publicUrl).toBe('https://sb.example.com')
    expect(prod({ ...REAL, TRUST_PROXY: '1' }).config.trustProxy).toBe(1)
  })
})

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.9.9.9', true],
    ['[::1]', true],
    ['localhost', true],
    ['10.0.0.1', false],
    ['pbx.example.com', false],
    ['127.0.0.1.nip.io', false],
  ])('%s → %s', (h, want) => expect(isLoopbackHost(h)).toBe(want))
})
