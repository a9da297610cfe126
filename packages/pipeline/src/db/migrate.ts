/**
 * Runs the migrations at start. Safe to run twice and from several processes at once: kysely's migrator keeps
 * the applied names in `hub.kysely_migration` and serializes runs through its lock table.
 *
 * @module
 */
import { type Kysely, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { MIGRATIONS } from './migrations/index.ts'
import type { Database } from './schema.ts'

/**
 * Brings the schema up to date.
 *
 * @returns the names of the migrations applied by this call (empty when already up to date)
 * @example
 * ```ts
 * await migrate(db)
 * ```
 */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    migrationTableSchema: 'hub',
    provider: {
      async getMigrations() {
        return Object.fromEntries(
          MIGRATIONS.map((migration) => [
            migration.name,
            {
              async up(trx: Kysely<unknown>) {
                for (const statement of migration.up) await sql.raw(statement).execute(trx)
              },
            },
          ]),
        )
      },
    },
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName)
}
