/**
 * pg-boss on the hub's database: through its own pool on PostgreSQL, through the PGlite instance itself when
 * embedded. Queues are created at start, never inside a request, and their metadata cache is primed outside any
 * transaction: on PGlite's single connection a cold cache inside a transaction would wait on itself forever.
 *
 * @module
 */

import type { Transaction } from 'kysely'
import { fromKysely, fromPglite, PgBoss } from 'pg-boss'
import type { HubDatabase } from '../db/database.ts'
import type { Database } from '../db/schema.ts'
import { deadLetterOf, QUEUE_OPTIONS, QUEUES, type QueueName } from './queues.ts'

/** Options of {@link startBoss}. */
export interface BossOptions {
  /** Run maintenance and cron in this process (default `true`; tests turn it off). */
  readonly supervise?: boolean
  readonly schedule?: boolean
  /**
   * How often the supervisor looks for jobs whose worker died (stale heartbeat) or expired, in seconds
   * (default 60).
   */
  readonly superviseIntervalSeconds?: number
  /** The heartbeat every job must keep while running (default 30 s, at least 10). */
  readonly heartbeatSeconds?: number
  /**
   * The longest wait between two retries of a connection's work (pulls, write-backs, imports), in seconds: how soon
   * the hub tries a source system again after an outage (defaults 600 s for pulls, 3,600 s for the others).
   */
  readonly connectorRetryMaxSeconds?: number
  /** Receives pg-boss's background errors. */
  readonly onError?: (error: Error) => void
}

const CONNECTOR_QUEUES = new Set<string>([QUEUES.connectionPull, QUEUES.writeBack, QUEUES.connectionImport])

/**
 * Starts pg-boss on a database and creates the pipeline's queues.
 *
 * @example
 * ```ts
 * const boss = await startBoss(database)
 * ```
 */
export async function startBoss(database: HubDatabase, options: BossOptions = {}): Promise<PgBoss> {
  const common = {
    schema: 'pgboss',
    supervise: options.supervise ?? true,
    schedule: options.schedule ?? true,
    ...(options.superviseIntervalSeconds
      ? {
          superviseIntervalSeconds: options.superviseIntervalSeconds,
          monitorIntervalSeconds: options.superviseIntervalSeconds,
        }
      : {}),
  }
  const boss =
    database.kind === 'pglite'
      ? new PgBoss({ ...common, db: fromPglite(database.pglite as never), backend: 'pglite' })
      : new PgBoss({ ...common, connectionString: database.url as string, max: 5, application_name: 'ksef-hub-queue' })
  boss.on('error', (error) => options.onError?.(error))
  await boss.start()
  for (const [name, queueOptions] of Object.entries(QUEUE_OPTIONS)) {
    const deadLetter = deadLetterOf(name as QueueName)
    await boss.createQueue(deadLetter, { retentionSeconds: 90 * 24 * 3600 })
    const settings = {
      ...queueOptions,
      deadLetter,
      ...(options.heartbeatSeconds ? { heartbeatSeconds: options.heartbeatSeconds } : {}),
      ...(options.connectorRetryMaxSeconds && CONNECTOR_QUEUES.has(name)
        ? { retryDelayMax: options.connectorRetryMaxSeconds }
        : {}),
    }
    await boss.createQueue(name, settings)
    // createQueue leaves an existing queue as it was: bring its options up to date (the policy is fixed).
    const { policy: _policy, ...updatable } = settings
    await boss.updateQueue(name, updatable)
  }
  // Prime the queue cache outside any transaction (see the module comment).
  for (const name of Object.keys(QUEUE_OPTIONS)) await boss.findJobs(name, {})
  return boss
}

/**
 * The connection option that makes a pg-boss call part of a kysely transaction: the job row commits or rolls
 * back with the rows it acts on.
 *
 * @example
 * ```ts
 * await boss.send(QUEUES.submit, { invoiceId }, { db: inTransaction(trx) })
 * ```
 */
export function inTransaction(trx: Transaction<Database>): { db: ReturnType<typeof fromKysely> } {
  return { db: fromKysely(trx) }
}
