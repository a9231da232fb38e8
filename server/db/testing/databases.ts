// Every query test runs on both databases: SQLite in a temporary folder, and PostgreSQL on a cluster this
// test file starts (postgres-server.ts). Call in a describe body; `open(kind)` gives a fresh, migrated one.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { openDatabase, type Database } from '../database.ts'
import { SKIP_POSTGRES, startPostgres, type TestPostgres } from './postgres-server.ts'

export type Kind = 'sqlite' | 'postgres'
export const KINDS: Kind[] = ['sqlite', 'postgres']

if (SKIP_POSTGRES) console.warn(SKIP_POSTGRES)

export function testDatabases() {
  let pg: TestPostgres | null = null
  const opened: Database[] = []
  const dirs: string[] = []
  beforeAll(async () => {
    if (!SKIP_POSTGRES) pg = await startPostgres()
  }, 60_000)
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((d) => d.close().catch(() => {})))
  })
  afterAll(async () => {
    await pg?.stop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })
  return {
    /** A folder for SQLite (removed after the file's tests). */
    tempDir() {
      const d = mkdtempSync(path.join(tmpdir(), 'sb-db-'))
      dirs.push(d)
      return d
    },
    /** Options for a fresh database of that kind (open it yourself, e.g. twice to test a restart). */
    async options(kind: Kind): Promise<{ dataDir: string; databaseUrl: string | null }> {
      if (kind === 'sqlite') return { dataDir: this.tempDir(), databaseUrl: null }
      return { dataDir: '', databaseUrl: await pg!.freshDatabase() }
    },
    async open(kind: Kind): Promise<Database> {
      const d = await openDatabase(await this.options(kind))
      opened.push(d)
      return d
    },
    track(d: Database) {
      opened.push(d)
      return d
    },
  }
}

/** describe.each's skip for the PostgreSQL half when it is not installed (the message says so above). */
export const skipKind = (kind: Kind) => kind === 'postgres' && !!SKIP_POSTGRES
