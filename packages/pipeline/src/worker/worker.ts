/**
 * The worker: every queue's handler registered on pg-boss, and the scheduled chores. Any number of worker
 * processes can run against one database: jobs are claimed exclusively, KSeF's rate limits and the circuit
 * breaker are shared through the database, and each step is committed with the job that acts next.
 *
 * @module
 */
import type { AnyConnector } from '@ksef-hub/connector-sdk'
import type { Job } from 'pg-boss'
import { importHandler } from '../connections/imports.ts'
import { pullHandler } from '../connections/pull.ts'
import { connectorRegistry } from '../connections/registry.ts'
import { scheduleConnections } from '../connections/schedule.ts'
import { writeBackHandler } from '../connections/writeback.ts'
import type { PipelineContext } from '../context.ts'
import { type BreakerOptions, CircuitBreaker } from '../ksef/breaker.ts'
import { KsefClientPool } from '../ksef/clients.ts'
import { QUEUES } from '../queue/queues.ts'
import { deliverWebhook, type WebhookJob } from '../webhooks/deliver.ts'
import { closeSessionsHandler, stuckHandler } from './chores.ts'
import { eachJob } from './each-job.ts'
import { DEFAULT_TUNING, type WorkerEnv, type WorkerTuning } from './env.ts'
import { incomingHandler } from './incoming.ts'
import { OnlineSessions } from './online-sessions.ts'
import { pollHandler } from './poll.ts'
import { reconcileInvoiceHandler } from './reconcile-invoice.ts'
import { reconcileTenantHandler } from './reconcile-tenant.ts'
import { fanOutHandler } from './submit/fan-out.ts'
import { submitHandler } from './submit/submit.ts'
import { upoHandler } from './upo.ts'

/** How a worker is set up. */
export interface WorkerOptions {
  /** The connectors this hub runs (the registry of `plugins/` and configured packages). */
  readonly connectors?: readonly AnyConnector[]
  /** Time for one HTTP exchange with a source system (default 30 s). */
  readonly connectorTimeoutMs?: number
  /** The hub's public address, for the webhook URL a connector subscribes with (none: connectors only pull). */
  readonly publicUrl?: string
  readonly tuning?: Partial<WorkerTuning>
  /** The client-side KSeF rate limiter: `official` limits (default) or `off`. */
  readonly rateLimits?: 'official' | 'off'
  /** Whether webhooks may be delivered to private addresses (default `block`: see `webhooks/destination.ts`). */
  readonly webhookPrivateNetworks?: 'allow' | 'block'
  readonly breaker?: BreakerOptions
  /** Time for one HTTP exchange with KSeF (default 30 s). */
  readonly ksefTimeoutMs?: number
  /** Register the cron schedules of the chores (default `true`; one scheduler suffices, more are harmless). */
  readonly schedules?: boolean
  /** How often idle queues are polled for work (default 1 s; pg-boss's minimum is 0.5 s). */
  readonly pollingIntervalSeconds?: number
}

/** A running worker. */
export interface RunningWorker {
  readonly env: WorkerEnv
  /** Stops taking jobs, waits for the running ones, and writes pending audit entries. */
  stop(): Promise<void>
}

const SCHEDULES: readonly [string, string][] = [
  [QUEUES.closeSessions, '* * * * *'],
  [QUEUES.stuck, '*/5 * * * *'],
  [QUEUES.incoming, '*/5 * * * *'],
  [QUEUES.reconcileTenant, '17 * * * *'],
  [QUEUES.connectionsSchedule, '* * * * *'],
]

/**
 * Starts a worker on a pipeline context (whose pg-boss must be started).
 *
 * @example
 * ```ts
 * const worker = await startWorker(context, { connectors: [hubspot] })
 * process.once('SIGTERM', () => worker.stop())
 * ```
 */
export async function startWorker(context: PipelineContext, options: WorkerOptions = {}): Promise<RunningWorker> {
  const tuning: WorkerTuning = { ...DEFAULT_TUNING, ...options.tuning }
  const env: WorkerEnv = {
    context,
    pool: new KsefClientPool(context, {
      rateLimits: options.rateLimits ?? 'official',
      rateLimitMarginMs: tuning.rateLimitMarginMs,
      ...(options.ksefTimeoutMs ? { timeoutMs: options.ksefTimeoutMs } : {}),
    }),
    sessions: new OnlineSessions(context),
    breaker: new CircuitBreaker(context.db, options.breaker, context.now),
    connectors: connectorRegistry(options.connectors ?? []),
    tuning,
  }
  const host = {
    registry: env.connectors,
    ...(options.connectorTimeoutMs ? { timeoutMs: options.connectorTimeoutMs } : {}),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
  }
  const polling = { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 }
  // Per-invoice queues fetch in batches and keep fetching while batches come back full (see each-job.ts).
  const perJob = { ...polling, batchSize: 16, perJobResults: true, burstWhenBatchFull: true }
  const one =
    <J>(handler: (jobs: J[]) => Promise<unknown>) =>
    (job: J) =>
      handler([job])
  const { boss } = context
  const registrations: [string, Promise<string>][] = []
  const work = ((name: string, ...rest: unknown[]) => {
    const id = (boss.work as (...args: unknown[]) => Promise<string>)(name, ...rest)
    registrations.push([name, id])
    return id
  }) as typeof boss.work
  await Promise.all([
    work(
      QUEUES.submit,
      {
        ...polling,
        batchSize: env.tuning.submitBatchSize,
        includeMetadata: true,
        perJobResults: true,
        localConcurrency: env.tuning.submitConcurrency,
      },
      submitHandler(env),
    ),
    // A few fan-outs a fetch, and no pause between full fetches: a backlog of bulk requests fans out at once.
    work(
      QUEUES.submitMany,
      { ...polling, batchSize: 4, burstWhenBatchFull: true, includeMetadata: true },
      fanOutHandler(env),
    ),
    work(QUEUES.pollSession, perJob, eachJob(one(pollHandler(env)), 4)),
    work(QUEUES.upo, perJob, eachJob(one(upoHandler(env)), 8)),
    work(QUEUES.reconcileInvoice, perJob, eachJob(one(reconcileInvoiceHandler(env)), 4)),
    work(QUEUES.writeBack, { ...perJob, includeMetadata: true }, eachJob(one(writeBackHandler(context, host)), 4)),
    // Pulls are long (pages of a source); a few at once, and one connection at a time (its lease).
    work(QUEUES.connectionPull, { ...perJob, batchSize: 4 }, eachJob(pullHandler(context, host), 2)),
    work(QUEUES.connectionImport, perJob, eachJob(importHandler(context, host), 4)),
    work(QUEUES.connectionsSchedule, polling, async () => {
      await scheduleConnections(context, env.connectors)
    }),
    work(QUEUES.reconcileTenant, polling, reconcileTenantHandler(env)),
    work(QUEUES.incoming, polling, incomingHandler(env)),
    work(QUEUES.closeSessions, polling, closeSessionsHandler(env)),
    work(QUEUES.stuck, polling, stuckHandler(env)),
    work(
      QUEUES.webhook,
      perJob,
      eachJob(
        (job: Job<WebhookJob>) =>
          deliverWebhook(context, job.data, { allowPrivateNetworks: options.webhookPrivateNetworks === 'allow' }),
        8,
      ),
    ),
  ])
  if (options.schedules ?? true) {
    for (const [name, cron] of SCHEDULES) await boss.schedule(name, cron, {}, { tz: 'Europe/Warsaw' })
  }
  return {
    env,
    async stop() {
      for (const [name, id] of registrations) await boss.offWork(name, { id: await id, wait: true })
      await env.pool.flush()
    },
  }
}
