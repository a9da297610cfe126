/**
 * Pulling a tenant's purchase invoices on request, beside the schedule's pulls.
 *
 * @module
 */
import type { PipelineContext } from '../context.ts'
import { QUEUES } from '../queue/queues.ts'
import type { IncomingJob } from '../worker/incoming.ts'

/**
 * Asks the worker to pull a tenant's incoming invoices now. Without `force`, a tenant pulled less than 15 minutes
 * ago is left alone (KSeF asks for no more than one query per subject type every 15 minutes); `force` pulls anyway.
 *
 * @returns the job id, or `null` when a pull of the tenant is already waiting
 * @example
 * ```ts
 * await requestIncomingPull(context, 'acme', { force: true })
 * ```
 */
export async function requestIncomingPull(
  context: PipelineContext,
  tenantId: string,
  options: { force?: boolean } = {},
): Promise<{ jobId: string | null }> {
  const data: IncomingJob = { tenantId, force: options.force ?? false }
  const jobId = await context.boss.send(QUEUES.incoming, data, {
    // A forced request is not swallowed by a scheduled pull already waiting (which may be skipped as too soon).
    singletonKey: options.force ? `incoming:${tenantId}:forced` : `incoming:${tenantId}`,
    group: { id: tenantId },
  })
  return { jobId }
}
