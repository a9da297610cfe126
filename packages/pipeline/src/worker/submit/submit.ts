/**
 * The submit handler: the jobs of a fetch are grouped by tenant (tenants go side by side, so one tenant's
 * backlog does not hold up another's); each tenant's invoices go online one by one when they trickle in, and by
 * batch session when a backlog has built up. While KSeF is down, jobs are put off until the breaker's next
 * probe instead of burning retries; invoices whose retries run out are parked as `dead` for an operator.
 *
 * @module
 */
import type { JobResult, JobWithMetadata } from 'pg-boss'
import { transition } from '../../invoices/transition.ts'
import { inTransaction } from '../../queue/boss.ts'
import { QUEUES } from '../../queue/queues.ts'
import { getSecret } from '../../secrets/store.ts'
import type { InvoiceJob, WorkerEnv } from '../env.ts'
import { sendByBatch } from './batch.ts'
import { claimInvoices } from './claim.ts'
import type { SendOutcome } from './marks.ts'
import { sendOnline } from './online.ts'

type Job = JobWithMetadata<InvoiceJob>

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Puts jobs off until `retryAt` (KSeF is down): new jobs carry the invoices; the current ones complete. */
async function defer(env: WorkerEnv, tenantId: string, jobs: readonly Job[], retryAt: Date): Promise<JobResult[]> {
  const tenant = (await env.pool.forTenant(tenantId)).tenant
  const offline =
    tenant.settings.offlinePolicy === 'offline' &&
    (await getSecret(env.context.db, env.context.keys, tenantId, 'ksef-offline-certificate')) !== undefined
  if (offline) {
    // Invoices taken in without the full checks (the API's fast path) have no XML yet: checked now, they are
    // issued offline at once rather than after the breaker's next probe (up to its longest cool-down).
    await claimInvoices(
      env,
      tenantId,
      jobs.map((job) => job.data.invoiceId),
    )
  }
  await env.context.db.transaction().execute(async (trx) => {
    if (offline) {
      // By the tenant's policy the invoices are issued in offline mode now (QR codes I and II) and sent later.
      await transition(trx, {
        invoiceIds: jobs.map((job) => job.data.invoiceId),
        from: ['queued'],
        to: 'offline',
        patch: { offline: true },
        actor: 'worker',
        details: { reason: 'KSeF unavailable; issued in offline mode' },
      })
    }
    await env.context.boss.insert(
      QUEUES.submit,
      jobs.map((job) => ({ data: job.data, startAfter: retryAt, group: { id: tenantId } })),
      inTransaction(trx),
    )
  })
  return jobs.map((job) => ({ id: job.id, status: 'completed', output: { deferredUntil: retryAt.toISOString() } }))
}

/** The result of a job whose invoice must be sent again later; a job out of retries parks its invoice as dead. */
async function retryOrPark(env: WorkerEnv, job: Job): Promise<JobResult> {
  if (job.retryCount < job.retryLimit) return { id: job.id, status: 'failed', output: { retry: true } }
  await env.context.db.transaction().execute((trx) =>
    transition(trx, {
      invoiceIds: [job.data.invoiceId],
      from: ['queued', 'received'],
      to: 'dead',
      actor: 'worker',
      details: { reason: `sending failed ${job.retryCount + 1} times; waiting for an operator's replay` },
    }),
  )
  return { id: job.id, status: 'deadletter', output: { parked: true } }
}

async function submitForTenant(env: WorkerEnv, tenantId: string, jobs: readonly Job[]): Promise<JobResult[]> {
  const tc = await env.pool.forTenant(tenantId)
  const verdict = await env.breaker.check(tc.scope)
  if (!verdict.allowed) return defer(env, tenantId, jobs, verdict.retryAt)
  const ids = [...new Set(jobs.map((job) => job.data.invoiceId))]
  const claimed = await claimInvoices(env, tenantId, ids)
  const { batchThreshold, maxBatchSize } = tc.tenant.settings
  const outcomes = new Map<string, SendOutcome>()
  if (claimed.ready.length >= batchThreshold) {
    for (const chunk of chunks(claimed.ready, maxBatchSize)) {
      for (const [id, outcome] of await sendByBatch(env, tc, chunk)) outcomes.set(id, outcome)
    }
  } else if (claimed.ready.length) {
    for (const [id, outcome] of await sendOnline(env, tc, claimed.ready)) outcomes.set(id, outcome)
  }
  const busy = new Set(claimed.busy)
  const results: JobResult[] = []
  const again: Job[] = []
  for (const job of jobs) {
    const outcome = outcomes.get(job.data.invoiceId)
    if (outcome === 'retry') again.push(job)
    else if (busy.has(job.data.invoiceId)) results.push(await retryOrPark(env, job))
    else results.push({ id: job.id, status: 'completed', output: { outcome: outcome ?? 'nothing to do' } })
  }
  if (again.length === 0) return results
  // The send failed and the breaker opened (or a probe failed): KSeF is down, not these invoices wrong. They wait
  // for the next probe as deferred jobs; spending their retries would park them as dead during a long outage.
  const breaker = await env.breaker.state(tc.scope)
  if (breaker.state !== 'closed' && breaker.retryAt && breaker.retryAt > env.context.now()) {
    return [...results, ...(await defer(env, tenantId, again, breaker.retryAt))]
  }
  for (const job of again) results.push(await retryOrPark(env, job))
  return results
}

/**
 * The handler of the submit queue (batch fetch, per-job results).
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.submit, { batchSize: 500, includeMetadata: true, perJobResults: true }, submitHandler(env))
 * ```
 */
export function submitHandler(env: WorkerEnv): (jobs: Job[]) => Promise<JobResult[]> {
  return async (jobs) => {
    const byTenant = new Map<string, Job[]>()
    for (const job of jobs) byTenant.set(job.data.tenantId, [...(byTenant.get(job.data.tenantId) ?? []), job])
    const results = await Promise.all(
      [...byTenant].map(async ([tenantId, tenantJobs]) => {
        try {
          return await submitForTenant(env, tenantId, tenantJobs)
        } catch (error) {
          env.context.logger.error({ tenantId, error: String(error) }, 'submit failed for a tenant')
          return Promise.all(tenantJobs.map((job) => retryOrPark(env, job)))
        }
      }),
    )
    return results.flat()
  }
}
