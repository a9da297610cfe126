/**
 * A fresh, migrated database per test file, on PGlite or PostgreSQL, and a pipeline context on it.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { inject } from 'vitest'
import type { PipelineContext } from '../context.ts'
import { type HubDatabase, openDatabase } from '../db/database.ts'
import type { Backend } from './backends.ts'
import { contextOn } from './context.ts'
import { postgresUrl, TEST_POSTGRES_URL } from './template.ts'

/** A test database and how to throw it away. */
export interface TestDatabase extends HubDatabase {
  readonly backend: Backend
  /** Closes and, on PostgreSQL, drops the database. */
  destroy(): Promise<void>
}

/**
 * A new migrated database copied from the run's template.
 *
 * @example
 * ```ts
 * const database = await openTestDatabase('pglite')
 * afterAll(() => database.destroy())
 * ```
 */
export async function openTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const dump = await readFile(inject('pgliteTemplate'))
    const database = await openDatabase({ loadDataDir: new Blob([dump]) })
    return { ...database, backend, destroy: () => database.close() }
  }
  const name = `ksef_hub_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL })
  await admin.connect()
  try {
    await admin.query(`create database ${name} template ${inject('postgresTemplate')}`)
  } finally {
    await admin.end()
  }
  const database = await openDatabase({ url: postgresUrl(name), poolSize: 5 })
  return {
    ...database,
    backend,
    async destroy() {
      await database.close()
      const cleanup = new pg.Client({ connectionString: TEST_POSTGRES_URL })
      await cleanup.connect()
      await cleanup.query(`drop database if exists ${name} with (force)`)
      await cleanup.end()
    },
  }
}

/** A pipeline context for tests, with the database and queue it runs on. */
export interface TestContext extends PipelineContext {
  readonly database: TestDatabase
  readonly boss: PgBoss
  /** Stops the queue and destroys the database. */
  close(): Promise<void>
}

/**
 * A pipeline context on a fresh database, with pg-boss started (no background maintenance) and a random
 * master key.
 *
 * @example
 * ```ts
 * const context = await openTestContext('postgres')
 * afterAll(() => context.close())
 * ```
 */
export async function openTestContext(backend: Backend, options: { now?: () => Date } = {}): Promise<TestContext> {
  const database = await openTestDatabase(backend)
  const context = await contextOn(database, options)
  return {
    ...context,
    database,
    async close() {
      await context.boss.stop({ graceful: false, close: database.kind !== 'pglite' })
      await database.destroy()
    },
  }
}
