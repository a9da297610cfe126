/**
 * Status polling per KSeF session: one listing of the session's invoices settles all of them (KSeF allows
 * 1,200 single-invoice status reads an hour but pages of 1,000 on a listing). The next poll comes soon while
 * invoices keep finishing, and backs off while nothing moves.
 *
 * @module
 */
import type { SessionInvoiceStatus } from '@ksef-hub/ksef-client'
import type { Job } from 'pg-boss'
import { inTransaction } from '../queue/boss.ts'
import { QUEUES } from '../queue/queues.ts'
import type { SessionJob, WorkerEnv } from './env.ts'
import { applyInvoiceStatus, requeue } from './outcomes.ts'

// Batch session codes after which KSeF will not process (more of) the session: every invoice it holds without a
// result of its own was not registered.
const BATCH_FAILED = new Set([405, 415, 420, 430, 435, 440, 500])

/**
 * The delay before the next poll: the first interval while invoices finish, doubling per idle poll up to the
 * longest.
 *
 * @example
 * ```ts
 * nextPollMs(DEFAULT_TUNING, 3) // 16 s
 * ```
 */
export function nextPollMs(tuning: { pollFirstMs: number; pollMaxMs: number }, idlePolls: number): number {
  return Math.min(tuning.pollFirstMs * 2 ** idlePolls, tuning.pollMaxMs)
}

/**
 * The handler of the session poll queue.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.pollSession, pollHandler(env))
 * ```
 */
export function pollHandler(env: WorkerEnv): (jobs: Job<SessionJob>[]) => Promise<void> {
  return async ([job]) => {
    if (!job) return
    const { tenantId, sessionRef, kind } = job.data
    const waiting = await env.context.db
      .selectFrom('invoices')
      .select(['id', 'tenant_id', 'state', 'invoice_hash', 'invoice_number', 'ksef_invoice_ref'])
      .where('ksef_session_ref', '=', sessionRef)
      .where('state', '=', 'sent')
      .execute()
    if (waiting.length === 0) return
    const tc = await env.pool.forTenant(tenantId)
    const session = await tc.client.getSessionStatus(sessionRef)
    const results = await tc.client.sessionInvoiceResults(sessionRef)
    await env.breaker.success(tc.scope)
    const byRef = new Map<string, SessionInvoiceStatus>()
    const byHash = new Map<string, SessionInvoiceStatus>()
    for (const result of results) {
      byRef.set(result.referenceNumber, result)
      byHash.set(result.invoiceHash, result)
    }
    let progress = 0
    let unresolved = 0
    const sessionFailed = kind === 'batch' && BATCH_FAILED.has(session.status.code)
    for (const invoice of waiting) {
      const result =
        (invoice.ksef_invoice_ref ? byRef.get(invoice.ksef_invoice_ref) : undefined) ??
        (invoice.invoice_hash ? byHash.get(invoice.invoice_hash) : undefined)
      if (!result) {
        if (sessionFailed) {
          await env.context.db.transaction().execute((trx) =>
            requeue(trx, env, invoice, {
              sessionStatus: session.status.code,
              description: session.status.description,
            }),
          )
          progress++
        } else {
          unresolved++
        }
        continue
      }
      const applied = await applyInvoiceStatus(env, tc.client, invoice, result, sessionRef)
      if (applied === 'pending') unresolved++
      else progress++
    }
    if (kind === 'batch' && (session.status.code >= 200 || sessionFailed)) {
      await env.context.db
        .updateTable('ksef_sessions')
        .set({ status: sessionFailed ? 'failed' : 'processed', processed_at: env.context.now() })
        .where('reference_number', '=', sessionRef)
        .execute()
    }
    if (unresolved === 0) return
    const idlePolls = progress > 0 ? 0 : (job.data.idlePolls ?? 0) + 1
    const next: SessionJob = { ...job.data, idlePolls }
    await env.context.db.transaction().execute((trx) =>
      env.context.boss.send(QUEUES.pollSession, next, {
        ...inTransaction(trx),
        singletonKey: sessionRef,
        startAfter: new Date(Date.now() + nextPollMs(env.tuning, idlePolls)),
        group: { id: tenantId },
      }),
    )
  }
}
