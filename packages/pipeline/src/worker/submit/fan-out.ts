/**
 * The fan-out of a large bulk intake: the intake commits its invoices with one `invoice.submit-many` job per
 * group instead of a submit job per invoice (a quarter of the database's work per invoice), and this handler
 * gives each invoice its submit job later.
 *
 * Exactly once: the fan-out job is completed in the same transaction that inserts the submit jobs, fenced to
 * the attempt this worker fetched. A worker that dies before the commit leaves nothing behind and the job is
 * retried; an attempt whose claim lapsed (another worker took the job over) rolls back instead of inserting a
 * second set of jobs.
 *
 * @module
 */
import type { JobWithMetadata } from 'pg-boss'
import { isPipelineError, PipelineError } from '../../errors.ts'
import { inTransaction } from '../../queue/boss.ts'
import { QUEUES } from '../../queue/queues.ts'
import { queueSubmitJobs } from '../../queue/submit-jobs.ts'
import type { SubmitManyJob, WorkerEnv } from '../env.ts'

/**
 * The handler of the fan-out queue.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.submitMany, { includeMetadata: true }, fanOutHandler(env))
 * ```
 */
export function fanOutHandler(
  env: Pick<WorkerEnv, 'context'>,
): (jobs: JobWithMetadata<SubmitManyJob>[]) => Promise<void> {
  return async (jobs) => {
    const failures: unknown[] = []
    for (const job of jobs) {
      try {
        await fanOut(env, job)
      } catch (error) {
        // Another attempt holds the job: it does the work, and this one has rolled back. Nothing to retry here.
        if (isPipelineError(error, 'JOB_CLAIM_LOST')) env.context.logger.warn({ jobId: job.id }, error.message)
        else failures.push(error)
      }
    }
    // The jobs done are completed already (in their own transactions); failing the fetch retries only the others.
    if (failures.length > 0) throw failures[0]
  }
}

async function fanOut(env: Pick<WorkerEnv, 'context'>, job: JobWithMetadata<SubmitManyJob>): Promise<void> {
  const { db, boss } = env.context
  await db.transaction().execute(async (trx) => {
    const output = { submitJobs: job.data.invoiceIds.length }
    // pg-boss 12's declared CommandResponse is empty; at run time it carries `affected`, the jobs settled.
    const settled = (await boss.complete(QUEUES.submitMany, job, output, inTransaction(trx))) as {
      affected?: number
    }
    if (settled.affected !== 1) {
      // Thrown inside the transaction: it rolls back, and the attempt that holds the job does the work.
      throw new PipelineError('JOB_CLAIM_LOST', `fan-out job ${job.id} is no longer held by this worker`)
    }
    await queueSubmitJobs(boss, trx, job.data.tenantId, job.data.invoiceIds)
  })
}
