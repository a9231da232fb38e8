// A PostgreSQL cluster per test file: initdb in a temporary folder, a free port, no fsync (as the Redis
// helper starts its own redis-server). As root (CI), initdb and pg_ctl run as the `postgres` user.
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { freePort } from '../../feed/testing/redis-server.ts'

export interface TestPostgres {
  /** A new empty database on the cluster, as a DATABASE_URL. */
  freshDatabase(): Promise<string>
  stop(): Promise<void>
}

/** Debian's binaries (not on PATH), or whatever PATH has; null when PostgreSQL is not installed. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql'
  if (existsSync(root))
    for (const v of readdirSync(root).sort().reverse())
      if (existsSync(path.join(root, v, 'bin', 'initdb'))) return path.join(root, v, 'bin')
  try {
    return path.dirname(execFileSync('which', ['initdb'], { encoding: 'utf8' }).trim()) || null
  } catch {
    return null
  }
}

export const SKIP_POSTGRES = postgresBin()
  ? ''
  : 'PostgreSQL is not installed (no initdb): the PostgreSQL half of these tests is skipped — apt-get install postgresql'

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBin()
  if (!bin) throw new Error(SKIP_POSTGRES)
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-pg-'))
  const root = process.getuid?.() === 0
  const run = (cmd: string, args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { stdio: 'pipe' })
      : execFileSync(path.join(bin, cmd), args, { stdio: 'pipe' })
  if (root) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), 0)
  const data = path.join(dir, 'data')
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'sb', '--no-sync'])
  const port = await freePort()
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`
  run('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start'])
  const base = `postgres://sb@127.0.0.1:${port}`
  let n = 0
  return {
    async freshDatabase() {
      const name = `t${process.pid}_${++n}_${Date.now() % 100000}`
      const c = new pg.Client({ connectionString: `${base}/postgres` })
      await c.connect()
      await c.query(`create database ${name}`)
      await c.end()
      return `${base}/${name}`
    },
    async stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}
