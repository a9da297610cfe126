/**
 * A fresh, empty PostgreSQL database for a CLI test file (the commands migrate it on first use, as they would a
 * new deployment's).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'

const SERVER = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** A database and how to drop it. */
export interface FreshDatabase {
  readonly url: string
  drop(): Promise<void>
}

/**
 * Creates a database named after the test's purpose.
 *
 * @example
 * ```ts
 * const database = await freshDatabase('cli')
 * afterAll(() => database.drop())
 * ```
 */
export async function freshDatabase(prefix: string): Promise<FreshDatabase> {
  const name = `ksef_hub_${prefix}_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: SERVER })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(SERVER)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: SERVER })
      await client.connect()
      await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}
