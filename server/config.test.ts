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
    // The server adds the API's path itself (issue 22): a path or query in NOOJEE_URL is a mistake.
    [{ ...REAL, NOOJEE_URL: 'https://pbx.example.com/servicemanager/rest' }, /NOOJEE_URL must be .* with no path/],
    [
      { ...REAL, NOOJEE_URL: 'https://pbx.example.com/pbx/' },
      /with no path \(example: NOOJEE_URL=https:\/\/pbx.example.com\)/,
    ],
    [{ ...REAL, NOOJEE_URL: 'https://pbx.example.com/?a=1' }, /query string/],
    [{ ...REAL, SWITCHBOARD_GROUPS: 'sales' }, /SWITCHBOARD_GROUPS: "sales" is not name=extensions/],
    [{ ...REAL, SWITCHBOARD_GROUPS: 'sales=400;sales=401' }, /group "sales" is given twice/],
    [{ ...REAL, SWITCHBOARD_GROUPS: 'sales=400-x' }, /SWITCHBOARD_GROUPS \(sales\): "400-x" is not an extension/],
    [{ ...REAL, SWITCHBOARD_GROUPS: 'sales=499-400' }, /range 499-400 runs backwards/],
    [{ ...REAL, SWITCHBOARD_GROUPS: 'sales=' }, /group "sales" has no extensions/],
    [{ ...REAL, SWITCHBOARD_GROUPS: 'a b=400' }, /SWITCHBOARD_GROUPS/],
    [{ ...REAL, SWITCHBOARD_MY_EXTENSIONS: 'x y' }, /SWITCHBOARD_MY_EXTENSIONS/],
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

  it('refuses TRUST_PROXY=true at start, saying why and what to give instead', () => {
    const why = refusal(() => prod({ ...REAL, TRUST_PROXY: 'true' }))
    expect(why).toMatch(/^TRUST_PROXY=true would believe X-Forwarded-\* from any client/)
    expect(why).toMatch(/TRUST_PROXY=1/)
    // A hop count believes whoever connects: said at start unless only this machine can connect.
    expect(prod({ ...REAL, TRUST_PROXY: '1', HOST: '0.0.0.0' }).warnings.join()).toMatch(
      /TRUST_PROXY=1 believes X-Forwarded-\* from whoever connects/,
    )
    expect(prod({ ...REAL, TRUST_PROXY: '1' }).warnings.join()).not.toMatch(/TRUST_PROXY/)
  })

  it('reads the session secret from SESSION_SECRET_FILE (kept out of docker inspect), not with SESSION_SECRET too', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-secret-'))
    writeFileSync(path.join(dir, 's'), `${'s'.repeat(40)}\n`)
    const { config } = prod({ ...REAL, SESSION_SECRET_FILE: path.join(dir, 's') })
    expect(config.sessionSecret).toBe('s'.repeat(40))
    expect(config.sessionSecretGenerated).toBe(false)
    writeFileSync(path.join(dir, 'short'), 'short')
    expect(refusal(() => prod({ ...REAL, SESSION_SECRET_FILE: path.join(dir, 'short') }))).toMatch(/32 characters/)
    expect(refusal(() => prod({ ...REAL, SESSION_SECRET_FILE: path.join(dir, 'nope') }))).toMatch(
      /SESSION_SECRET_FILE: cannot read .*nope \(ENOENT\)/,
    )
    expect(
      refusal(() => prod({ ...REAL, SESSION_SECRET: 'x'.repeat(40), SESSION_SECRET_FILE: path.join(dir, 's') })),
    ).toMatch(/not both/)
  })

  it('reads SWITCHBOARD_GROUPS and SWITCHBOARD_MY_EXTENSIONS when it starts', () => {
    const { config } = prod({
      ...REAL,
      SWITCHBOARD_GROUPS: ' sales=400-402 ; support=SIP/410,411;',
      SWITCHBOARD_MY_EXTENSIONS: '410',
    })
    expect(config.groups).toEqual({ sales: ['400', '401', '402'], support: ['410', '411'] })
    expect(config.myExtensions).toEqual(['410'])
    expect(prod(REAL).config).toMatchObject({ groups: {}, myExtensions: [], extensions: [] })
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

describe('dial settings (issue 23)', () => {
  it('default to Australia, feature codes refused; take +64 or 1; refuse anything else with one line', () => {
    expect(prod(REAL).config.dial).toEqual({ homeCountryCode: '61', allowFeatureCodes: false })
    const nz = prod({ ...REAL, SWITCHBOARD_HOME_COUNTRY_CODE: '+64', SWITCHBOARD_DIAL_ALLOW_FEATURE_CODES: '1' })
    expect(nz.config.dial).toEqual({ homeCountryCode: '64', allowFeatureCodes: true })
    expect(refusal(() => prod({ ...REAL, SWITCHBOARD_HOME_COUNTRY_CODE: 'AU' }))).toMatch(
      /SWITCHBOARD_HOME_COUNTRY_CODE/,
    )
    expect(refusal(() => prod({ ...REAL, SWITCHBOARD_HOME_COUNTRY_CODE: '0061' }))).toMatch(/1 to 3 digits/)
    expect(refusal(() => prod({ ...REAL, SWITCHBOARD_DIAL_ALLOW_FEATURE_CODES: 'yes' }))).toMatch(/1 or 0/)
  })
})

describe('records settings', () => {
  it('defaults: ./data under the checkout, 90 days of calls, a year of audit, 20 s service level', () => {
    expect(dev({}).config.records).toMatchObject({
      dataDir: '/srv/sb/data',
      databaseUrl: null,
      retentionDays: 90,
      auditRetentionDays: 365,
      serviceLevelS: 20,
    })
    expect(dev({ SWITCHBOARD_RETENTION_DAYS: '400' }).config.records.auditRetentionDays).toBe(400)
    expect(
      dev({ SWITCHBOARD_DATA_DIR: '/var/sb', DATABASE_URL: 'postgres://sb@db/sb', SWITCHBOARD_SERVICE_LEVEL_S: '30' })
        .config.records,
    ).toMatchObject({ dataDir: '/var/sb', databaseUrl: 'postgres://sb@db/sb', serviceLevelS: 30 })
  })

  it.each([
    [{ SWITCHBOARD_RETENTION_DAYS: '0' }, /SWITCHBOARD_RETENTION_DAYS must be a whole number from 1/],
    [{ SWITCHBOARD_RETENTION_DAYS: '30.5' }, /SWITCHBOARD_RETENTION_DAYS/],
    [{ SWITCHBOARD_AUDIT_RETENTION_DAYS: 'x' }, /SWITCHBOARD_AUDIT_RETENTION_DAYS/],
    [
      { SWITCHBOARD_RETENTION_DAYS: '100', SWITCHBOARD_AUDIT_RETENTION_DAYS: '30' },
      /SWITCHBOARD_AUDIT_RETENTION_DAYS \(30\) must be at least SWITCHBOARD_RETENTION_DAYS \(100\)/,
    ],
    [{ SWITCHBOARD_SERVICE_LEVEL_S: '0' }, /SWITCHBOARD_SERVICE_LEVEL_S/],
    [{ DATABASE_URL: 'mysql://x/y' }, /DATABASE_URL must start with postgres:\/\//],
  ])('refuses %j', (env, message) => expect(refusal(() => dev(env))).toMatch(message))
})
