import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { testBackends } from '../testing/backends.ts'
import { postgresUrl, TEST_POSTGRES_URL } from '../testing/template.ts'
import { type HubDatabase, openDatabase } from './database.ts'
import { migrate } from './migrate.ts'
import { MIGRATIONS } from './migrations/index.ts'

/** An empty PostgreSQL database (no template: the migrations run from nothing), dropped after the file. */
async function emptyPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `ksef_hub_empty_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  return {
    url: postgresUrl(name),
    async drop() {
      const cleanup = new pg.Client({ connectionString: TEST_POSTGRES_URL })
      await cleanup.connect()
      await cleanup.query(`drop database if exists ${name} with (force)`)
      await cleanup.end()
    },
  }
}

describe.each(testBackends())('migrations (%s)', (backend) => {
  const cleanups: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup()
  })

  async function fresh(options: { migrate: boolean }): Promise<HubDatabase> {
    if (backend === 'pglite') {
      const database = await openDatabase({ migrate: options.migrate })
      cleanups.push(() => database.close())
      return database
    }
    const empty = await emptyPostgres()
    cleanups.push(() => empty.drop())
    const database = await openDatabase({ url: empty.url, poolSize: 4, migrate: options.migrate })
    cleanups.push(() => database.close())
    return database
  }

  it('applies every migration once from an empty database, and nothing when run again', async () => {
    const database = await fresh({ migrate: false })
    expect(await migrate(database.db)).toEqual(MIGRATIONS.map((migration) => migration.name))
    expect(await migrate(database.db)).toEqual([])
    const tables = await sql<{ name: string }>`
      select table_name as name from information_schema.tables where table_schema = 'hub'`.execute(database.db)
    expect(tables.rows.map((row) => row.name)).toEqual(expect.arrayContaining(['tenants', 'invoices', 'upos']))
  })

  it('compresses invoice documents with lz4 where the server has it, and migrates where it does not', async () => {
    const database = await fresh({ migrate: true })
    const columns = await sql<{ name: string; compression: string }>`
      select attname as name, attcompression as compression from pg_attribute
      where attrelid = 'hub.invoices'::regclass and attname in ('model', 'xml') order by attname`.execute(database.db)
    // PostgreSQL from Debian is built with lz4; PGlite is not, and keeps the default ('' = pglz).
    const expected = backend === 'postgres' ? 'l' : ''
    expect(columns.rows).toEqual([
      { name: 'model', compression: expected },
      { name: 'xml', compression: expected },
    ])
  })

  it('is safe when several openers migrate the same database at once', async () => {
    if (backend === 'pglite') {
      // One process owns an embedded database; concurrent runs there share one connection and queue up.
      const database = await fresh({ migrate: false })
      const runs = await Promise.all([migrate(database.db), migrate(database.db)])
      expect(runs.flat().sort()).toEqual(MIGRATIONS.map((migration) => migration.name).sort())
      return
    }
    const empty = await emptyPostgres()
    cleanups.push(() => empty.drop())
    const openers = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ url: empty.url, poolSize: 2, migrate: false })),
    )
    for (const opener of openers) cleanups.push(() => opener.close())
    const runs = await Promise.all(openers.map((opener) => migrate(opener.db)))
    // Each migration applied by exactly one of them.
    expect(runs.flat().sort()).toEqual(MIGRATIONS.map((migration) => migration.name).sort())
  })
})

describe.each(testBackends().filter((backend) => backend === 'postgres'))('the connection pool (%s)', () => {
  it('survives an idle connection being terminated, tells onError, and reconnects', async () => {
    const empty = await emptyPostgres()
    const errors: Error[] = []
    const database = await openDatabase({ url: empty.url, poolSize: 2, onError: (error) => errors.push(error) })
    try {
      const pid = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(database.db)
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
      await admin.connect()
      await admin.query('select pg_terminate_backend($1)', [pid.rows[0]?.pid])
      await admin.end()
      await expect.poll(() => errors.length).toBe(1)
      expect(errors[0]?.message).toMatch(/terminat/)
      const after = await sql<{ one: number }>`select 1 as one`.execute(database.db)
      expect(after.rows).toEqual([{ one: 1 }])
    } finally {
      await database.close()
      await empty.drop()
    }
  })
})
