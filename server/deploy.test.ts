// @vitest-environment node
// Docker cannot run here: the Dockerfile and compose.yaml are checked as files, and the commands the image
// runs are the ones `npm test` runs (npm ci, npm run build, then e2e/security.spec.ts starts
// dist-server/server/main.js as the image's CMD does).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const read = (f: string) => readFileSync(path.join(root, f), 'utf8')
const dockerfile = read('Dockerfile')
const lines = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; engines: { node: string } }

describe('Dockerfile', () => {
  it('is multi-stage on a Debian-based image of the current Node LTS (24; Node 20 ended April 2026)', () => {
    const froms = lines.filter((l) => l.startsWith('FROM '))
    expect(froms.length).toBeGreaterThanOrEqual(2)
    for (const f of froms) expect(f).toMatch(/^FROM node:24-(trixie|bookworm)(-slim)?\b/)
    // The code keeps running on the Node 20 these machines have.
    expect(pkg.engines.node).toBe('>=20.19')
    expect(lines.some((l) => /^COPY --from=build /.test(l))).toBe(true)
  })

  it('runs as a non-root user, with a health check on /healthz, stopped by SIGTERM', () => {
    const users = lines.filter((l) => l.startsWith('USER '))
    expect(users.at(-1)).toMatch(/^USER (node|\d{3,})$/)
    expect(lines.find((l) => l.startsWith('HEALTHCHECK'))).toContain('/healthz')
    expect(lines).toContain('STOPSIGNAL SIGTERM')
  })

  it('builds with the commands npm test runs, and starts what npm start starts', () => {
    const runs = lines.filter((l) => l.startsWith('RUN ')).map((l) => l.slice(4))
    expect(runs).toContain('npm ci --no-audit --no-fund')
    expect(runs.some((r) => r.startsWith('npm run build'))).toBe(true)
    expect(pkg.scripts.test).toContain('npm run build')
    const cmd = JSON.parse(lines.find((l) => l.startsWith('CMD '))!.slice(4)) as string[]
    expect(`${cmd.join(' ')}`).toBe(pkg.scripts.start)
    // What the final stage copies is what the build makes (and the users CLI).
    for (const from of ['dist', 'dist-server'])
      expect(lines.some((l) => l.includes(`/app/${from} ./${from}`))).toBe(true)
    expect(read('.dockerignore')).toMatch(/^secrets$/m)
    expect(read('.dockerignore')).toMatch(/^\.env$/m)
  })

  it('holds no key or secret', () => {
    expect(dockerfile).not.toMatch(/NOOJEE_API_KEY=|SESSION_SECRET=/)
    expect(read('.dockerignore')).toMatch(/^secrets$/m)
  })
})

describe('compose.yaml', () => {
  const compose = read('compose.yaml')
  it('builds this Dockerfile, passes the key as a secret file, keeps the users file in a volume', () => {
    expect(compose).toMatch(/^\s+build: \.$/m)
    expect(compose).toContain('NOOJEE_API_KEY_FILE: /run/secrets/noojee-key')
    expect(compose).not.toMatch(/NOOJEE_API_KEY:/)
    expect(compose).toMatch(/SWITCHBOARD_USERS_FILE: \/var\/lib\/switchboard\/users\.json/)
    expect(compose).toMatch(/switchboard-users:\/var\/lib\/switchboard/)
    expect(compose).toMatch(/stop_grace_period: \d+s/)
  })

  it('keeps the session secret out of the environment, and mounts the users file read-only for the server', () => {
    const server = compose.slice(compose.indexOf('  switchboard:'), compose.indexOf('  users:'))
    expect(server).toContain('SESSION_SECRET_FILE: /run/secrets/session-secret')
    expect(compose).not.toMatch(/SESSION_SECRET:/)
    expect(compose).toMatch(/session-secret:\n\s+file: \.\/secrets\/session-secret/)
    expect(server).toContain("'switchboard-users:/var/lib/switchboard:ro'")
    // Only the on-demand CLI service writes it.
    const users = compose.slice(compose.indexOf('  users:'), compose.indexOf('\nnetworks:'))
    expect(users).toContain("volumes: ['switchboard-users:/var/lib/switchboard']")
    expect(users).toContain('profiles: [tools]')
  })

  it('trusts X-Forwarded-* from the network gateway (where a proxy on the host connects from), not `loopback` or `true`', () => {
    const gateway = /gateway: ([\d.]+)/.exec(compose)?.[1]
    expect(gateway).toBeTruthy()
    expect(compose).toContain(`TRUST_PROXY: \${TRUST_PROXY:-${gateway}}`)
    expect(compose).toMatch(/ports: \['127\.0\.0\.1:8080:8080'\]/)
  })
})
