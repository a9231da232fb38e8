// The one database connection: SQLite in SWITCHBOARD_DATA_DIR by default (the `libsql` driver: a prebuilt
// binary from npm, better-sqlite3's API, so Kysely's own SqliteDialect drives it), or PostgreSQL through
// DATABASE_URL. Migrations run here, at start, before anything reads or writes.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely'
import { Migrator } from 'kysely/migration'
import Sqlite from 'libsql'
import pg from 'pg'
import { migrations } from './migrations.ts'
import type { Schema } from './schema.ts'

export interface Database {
  db: Kysely<Schema>
  kind: 'sqlite' | 'postgres'
  /** Where the data is, for logs: the SQLite file, or the PostgreSQL host and database (no password). */
  where: string
  close(): Promise<void>
}

export interface DatabaseOptions {
  /** DATABASE_URL (postgres://…): PostgreSQL; otherwise SQLite in dataDir. */
  databaseUrl?: string | null
  dataDir: string
}

// bigint (our times) and numeric (averages) come back as strings from pg; they are numbers we can hold.
const PG_INT8 = 20
const PG_NUMERIC = 1700
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === PG_INT8 || oid === PG_NUMERIC
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

export async function openDatabase(o: DatabaseOptions): Promise<Database> {
  let db: Kysely<Schema>
  let kind: Database['kind']
  let where: string
  if (o.databaseUrl) {
    const url = new URL(o.databaseUrl)
    where = `postgres://${url.host}${url.pathname}`
    kind = 'postgres'
    const pool = new pg.Pool({
      connectionString: o.databaseUrl,
      max: 10,
      connectionTimeoutMillis: 5000,
      // A hung statement must not hold the feed's writer or a report forever.
      statement_timeout: 30_000,
      types: pgTypes,
    })
    pool.on('error', () => {}) // an idle client's lost connection: the next query reconnects
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) })
  } else {
    mkdirSync(o.dataDir, { recursive: true })
    const file = path.join(o.dataDir, 'switchboard.sqlite')
    where = file
    kind = 'sqlite'
    const raw = new Sqlite(file)
    // WAL: readers (reports) never wait for the feed's writer; NORMAL is durable across a process crash.
    raw.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000')
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: raw as unknown as SqliteDatabase }) })
  }
  try {
    await migrate(db)
  } catch (e) {
    await db.destroy()
    throw new Error(`The database at ${where} could not be prepared: ${(e as Error).message}`, { cause: e })
  }
  return { db, kind, where, close: () => db.destroy() }
}

/** Runs every migration not yet run (forward only); throws with the failing one's name. */
export async function migrate(db: Kysely<Schema>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'switchboard_migrations',
    migrationLockTableName: 'switchboard_migrations_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error) throw new Error(failed ? `migration ${failed.migrationName} failed: ${String(error)}` : String(error))
  return (results ?? []).map((r) => r.migrationName)
}
