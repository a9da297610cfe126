/**
 * The dead letters of a tenant: invoices parked after their sends kept failing, and jobs of the other steps
 * (fan-outs of bulk intakes, status polls, UPO downloads, write-backs, webhooks) that ran out of retries. Both can be listed and replayed,
 * one invoice or all.
 *
 * @module
 */
import type { PipelineContext } from '../context.ts'
import { PipelineError } from '../errors.ts'
import { type InvoiceView, toInvoiceView } from '../invoices/queries.ts'
import { transition } from '../invoices/transition.ts'
import { deadLetterOf, QUEUES, type QueueName } from '../queue/queues.ts'
import { queueSubmitJobs } from '../queue/submit-jobs.ts'

/** A dead-lettered job of a step other than sending. */
export interface DeadJob {
  readonly queue: QueueName
  readonly jobId: string
  readonly invoiceId: string | null
  readonly failedAt: Date
  readonly output: unknown
}

/** What is dead-lettered for a tenant. */
export interface DeadLetters {
  /** Invoices whose sending kept failing (technical state `dead`). */
  readonly invoices: InvoiceView[]
  /** Jobs of other steps that ran out of retries. */
  readonly jobs: DeadJob[]
}

const OTHER_STEPS: QueueName[] = [
  // A dead fan-out leaves its invoices `received` with no submit job: replaying it gives them theirs.
  QUEUES.submitMany,
  QUEUES.pollSession,
  QUEUES.upo,
  QUEUES.writeBack,
  QUEUES.reconcileInvoice,
  QUEUES.webhook,
]

/**
 * Lists a tenant's dead letters.
 *
 * @example
 * ```ts
 * const { invoices, jobs } = await listDeadLetters(context, 'acme')
 * ```
 */
export async function listDeadLetters(context: PipelineContext, tenantId: string): Promise<DeadLetters> {
  const rows = await context.db
    .selectFrom('invoices')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('state', '=', 'dead')
    .orderBy('created_at')
    .execute()
  const jobs: DeadJob[] = []
  for (const queue of OTHER_STEPS) {
    for (const job of await context.boss.findJobs<{ tenantId: string; invoiceId?: string }>(deadLetterOf(queue), {
      data: { tenantId },
    })) {
      jobs.push({
        queue,
        jobId: job.id,
        invoiceId: job.data.invoiceId ?? null,
        failedAt: job.createdOn,
        output: job.sourceOutput,
      })
    }
  }
  return { invoices: rows.map(toInvoiceView), jobs }
}

/**
 * Replays dead letters: parked invoices go back in the queue, dead-lettered jobs back to their queues. With
 * `invoiceIds`, only those invoices (and their jobs); otherwise all of the tenant's.
 *
 * @returns the invoices put back in line and how many jobs went back to their queues
 * @throws {@link PipelineError} `NOT_FOUND` when a given invoice is not one of the tenant's dead letters
 * @example
 * ```ts
 * await replayDeadLetters(context, 'acme', [invoiceId])
 * ```
 */
export async function replayDeadLetters(
  context: PipelineContext,
  tenantId: string,
  invoiceIds?: readonly string[],
): Promise<{ replayed: string[]; jobs: number }> {
  const dead = await context.db
    .selectFrom('invoices')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('state', '=', 'dead')
    .$if(invoiceIds !== undefined, (query) =>
      query.where('id', 'in', invoiceIds?.length ? invoiceIds : ['00000000-0000-0000-0000-000000000000']),
    )
    .execute()
  const deadIds = dead.map((row) => row.id)
  let jobs = 0
  for (const queue of OTHER_STEPS) {
    const filters = invoiceIds ? invoiceIds.map((invoiceId) => ({ tenantId, invoiceId })) : [{ tenantId }]
    for (const data of filters) jobs += await context.boss.redrive(deadLetterOf(queue), { data, destination: queue })
  }
  if (invoiceIds && deadIds.length === 0 && jobs === 0) {
    throw new PipelineError('NOT_FOUND', `none of the given invoices is dead-lettered for tenant ${tenantId}`)
  }
  const replayed = await context.db.transaction().execute(async (trx) => {
    const moved = await transition(trx, {
      invoiceIds: deadIds,
      from: ['dead'],
      to: 'queued',
      patch: { send_attempts: 0 },
      actor: `api:${tenantId}`,
      details: { reason: 'replayed by an operator' },
    })
    if (moved.length) await queueSubmitJobs(context.boss, trx, tenantId, moved)
    return moved
  })
  return { replayed, jobs }
}
