/**
 * Opening the hub's pipeline the same way in every process (gateway, worker, `ksef-hub start`): master key,
 * database (migrated), pg-boss with its queues, a logger with redaction.
 *
 * @module
 */
import type { PipelineContext } from '../context.ts'
import { type HubDatabase, openDatabase } from '../db/database.ts'
import { createLogger, type Logger } from '../logging/logger.ts'
import { startBoss } from '../queue/boss.ts'
import { databaseConfigOf, type HubConfig } from './config.ts'
import { type MasterKeySource, resolveMasterKey } from './master-key-file.ts'

/** An open pipeline and how to close it. */
export interface OpenPipeline {
  readonly context: PipelineContext
  readonly database: HubDatabase
  /** Where the master key came from (warn once when it was generated now). */
  readonly masterKey: MasterKeySource
  /** Stops pg-boss (waiting for its work) and closes the database. */
  close(): Promise<void>
}

/**
 * Opens the pipeline for a configuration.
 *
 * @example
 * ```ts
 * const pipeline = await openPipeline(loadConfig(process.env))
 * const worker = await startWorker(pipeline.context)
 * process.once('SIGTERM', async () => { await worker.stop(); await pipeline.close() })
 * ```
 */
export async function openPipeline(
  config: HubConfig,
  options: { logger?: Logger; poolSize?: number } = {},
): Promise<OpenPipeline> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, name: 'ksef-hub' })
  const masterKey = await resolveMasterKey(config)
  const database = await openDatabase({
    ...databaseConfigOf(config),
    ...(options.poolSize ? { poolSize: options.poolSize } : {}),
    onError: (error) => logger.warn({ err: { message: error.message } }, 'database connection lost; reconnecting'),
  })
  let boss: Awaited<ReturnType<typeof startBoss>>
  try {
    boss = await startBoss(database, {
      ...(config.KSEF_HUB_JOB_HEARTBEAT_SECONDS ? { heartbeatSeconds: config.KSEF_HUB_JOB_HEARTBEAT_SECONDS } : {}),
      ...(config.KSEF_HUB_SUPERVISE_SECONDS ? { superviseIntervalSeconds: config.KSEF_HUB_SUPERVISE_SECONDS } : {}),
      ...(config.KSEF_HUB_CONNECTOR_RETRY_MAX_SECONDS
        ? { connectorRetryMaxSeconds: config.KSEF_HUB_CONNECTOR_RETRY_MAX_SECONDS }
        : {}),
      onError: (error) => logger.error({ err: { message: error.message } }, 'queue error'),
    })
  } catch (error) {
    await database.close()
    throw error
  }
  const context: PipelineContext = { db: database.db, boss, keys: masterKey.ring, now: () => new Date(), logger }
  let closing: Promise<void> | undefined
  return {
    context,
    database,
    masterKey,
    close() {
      closing ??= (async () => {
        // On PGlite the queue shares the database's only connection: closing it is the database's job.
        await boss.stop({ graceful: true, timeout: 10_000, close: database.kind !== 'pglite' })
        await database.close()
      })()
      return closing
    },
  }
}
