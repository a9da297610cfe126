/**
 * A pipeline context on an open database, as tests and benchmarks need one: the one place that starts pg-boss
 * without its supervisor and schedules (no maintenance running under a measurement) and gives a fresh master key.
 *
 * @module
 */
import type { PipelineContext } from '../context.ts'
import type { HubDatabase } from '../db/database.ts'
import { type Logger, silentLogger } from '../logging/logger.ts'
import { startBoss } from '../queue/boss.ts'
import { generateMasterKey, masterKeyRing } from '../secrets/master-key.ts'

/** Options of {@link contextOn}. */
export interface ContextOptions {
  /** The clock (default: the system's). */
  readonly now?: () => Date
  /** Default: silent. */
  readonly logger?: Logger
  /** The master key (base64), when a process started beside this one must read the same secrets; default: new. */
  readonly masterKey?: string
}

/**
 * Starts pg-boss on `database` and returns a context on both; stop it with `context.boss.stop()`.
 *
 * @example
 * ```ts
 * const context = await contextOn(await openDatabase({ url }))
 * await submitInvoice(context, { tenantId: 'bench', invoice })
 * ```
 */
export async function contextOn(database: HubDatabase, options: ContextOptions = {}): Promise<PipelineContext> {
  const boss = await startBoss(database, { supervise: false, schedule: false })
  return {
    db: database.db,
    boss,
    keys: masterKeyRing(options.masterKey ?? generateMasterKey()),
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? silentLogger,
  }
}
