/**
 * Running a one-job handler over a fetched batch of jobs. pg-boss waits its polling interval after every fetch
 * unless a batch comes back full, so a queue fetched one job at a time moves one job per second per slot; a
 * thousand UPOs would take minutes for no reason. Fetching batches and reporting each job's own result keeps the
 * queue moving at the speed of the work, and one job's failure retries only that job.
 *
 * @module
 */
import type { Job, JobResult } from 'pg-boss'

/**
 * A batch handler with per-job results (`perJobResults: true`) from a handler of one job, running up to
 * `concurrency` jobs at once.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.upo, { batchSize: 20, perJobResults: true, burstWhenBatchFull: true },
 *   eachJob((job) => fetchUpo(job.data), 8))
 * ```
 */
export function eachJob<J extends Job<unknown>>(
  handler: (job: J) => Promise<unknown>,
  concurrency: number,
): (jobs: J[]) => Promise<JobResult[]> {
  return async (jobs) => {
    const results: JobResult[] = new Array(jobs.length)
    let next = 0
    const lane = async () => {
      for (let index = next++; index < jobs.length; index = next++) {
        const job = jobs[index] as J
        try {
          await handler(job)
          results[index] = { id: job.id, status: 'completed' }
        } catch (error) {
          // The message only: errors of the KSeF client are already redacted, and a stack says nothing here.
          const failure = error instanceof Error ? error : new Error(String(error))
          const code = (failure as { code?: unknown }).code
          results[index] = {
            id: job.id,
            status: 'failed',
            output: { message: failure.message, ...(typeof code === 'string' ? { code } : {}) },
          }
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, lane))
    return results
  }
}
