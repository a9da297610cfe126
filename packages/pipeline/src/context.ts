/**
 * What every pipeline operation runs with: the database, the queue, the master keys, a clock and a logger.
 *
 * @module
 */
import type { Kysely } from 'kysely'
import type { PgBoss } from 'pg-boss'
import type { Database } from './db/schema.ts'
import type { Logger } from './logging/logger.ts'
import type { MasterKeyRing } from './secrets/master-key.ts'

/** The pipeline's dependencies. */
export interface PipelineContext {
  readonly db: Kysely<Database>
  readonly boss: PgBoss
  readonly keys: MasterKeyRing
  /** The clock; tests move it. */
  readonly now: () => Date
  readonly logger: Logger
}
