/**
 * Opens the hub's database: PostgreSQL when `DATABASE_URL` is set, embedded PGlite otherwise. The same kysely
 * code runs on both; only how pg-boss reaches the database differs (see `queue/boss.ts`).
 *
 * @module
 */
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect, PostgresDialect, WithSchemaPlugin } from 'kysely'
import pg from 'pg'
import { lockDataDir } from './data-dir-lock.ts'
import { migrate } from './migrate.ts'
import type { Database } from './schema.ts'

/** Where the data lives. */
export interface DatabaseConfig {
  /** A PostgreSQL connection string; when absent, embedded PGlite is used. */
  readonly url?: string
  /** PGlite's data directory; absent means in memory (tests). */
  readonly dataDir?: string
  /** A PGlite data-directory dump to start from (tests start from a migrated template). */
  readonly loadDataDir?: Blob | File
  /** Pool size for PostgreSQL (default 10). */
  readonly poolSize?: number
  /** Apply migrations when opening (default `true`). */
  readonly migrate?: boolean
  /**
   * Told when an idle pooled connection fails (PostgreSQL restarted, the connection was terminated). The pool
   * drops that connection and opens a new one when needed; without a listener the error would end the process.
   */
  readonly onError?: (error: Error) => void
}

/** An open database. */
export interface HubDatabase {
  readonly db: Kysely<Database>
  readonly kind: 'postgres' | 'pglite'
  /** The PGlite instance (embedded mode). */
  readonly pglite?: PGlite
  /** The connection string (PostgreSQL mode), for pg-boss's own pool. */
  readonly url?: string
  /** Closes kysely and the underlying pool or PGlite. */
  close(): Promise<void>
}

// numeric and bigint come back as strings from pg: money stays exact, and so do bigint ids.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => value)

/**
 * Opens (and by default migrates) the database.
 *
 * @example
 * ```ts
 * const database = await openDatabase({ url: process.env.DATABASE_URL, dataDir: '.data/pglite' })
 * try { ... } finally { await database.close() }
 * ```
 */
export async function openDatabase(config: DatabaseConfig = {}): Promise<HubDatabase> {
  let database: HubDatabase
  if (config.url) {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize ?? 10,
      // Every statement is bounded: a stuck query must not hold a worker forever.
      statement_timeout: 60_000,
      connectionTimeoutMillis: 10_000,
      application_name: 'ksef-hub',
    })
    pool.on('error', (error) => config.onError?.(error))
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new WithSchemaPlugin('hub')] })
    database = {
      db,
      kind: 'postgres',
      url: config.url,
      close: async () => {
        await db.destroy()
      },
    }
  } else {
    // A folder on disk is one process's at a time; in memory (tests) there is nothing to share.
    const lock = config.dataDir ? await lockDataDir(config.dataDir) : undefined
    let pglite: PGlite
    try {
      pglite = await PGlite.create({
        ...(config.dataDir ? { dataDir: config.dataDir } : {}),
        ...(config.loadDataDir ? { loadDataDir: config.loadDataDir } : {}),
      })
    } catch (error) {
      await lock?.release()
      throw error
    }
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), plugins: [new WithSchemaPlugin('hub')] })
    database = {
      db,
      kind: 'pglite',
      pglite,
      close: async () => {
        try {
          await db.destroy()
          if (!pglite.closed) await pglite.close()
        } finally {
          await lock?.release()
        }
      },
    }
  }
  if (config.migrate ?? true) {
    try {
      await migrate(database.db)
    } catch (error) {
      await database.close()
      throw error
    }
  }
  return database
}
