/**
 * Settling an ambiguous send before anything is resent: the invoice is looked up in the session it went to (by
 * the hash of its exact bytes). Found: its status there applies. A batch still being processed: look again
 * later. Not there once the session could have shown it: KSeF never registered it, and it goes back in line.
 * Should KSeF hold it after all, the resend meets 440 and the original is adopted by hash.
 *
 * @module
 */
import { isKsefError } from '@ksef-hub/ksef-client'
import type { Job } from 'pg-boss'
import { transition } from '../invoices/transition.ts'
import { inTransaction } from '../queue/boss.ts'
import { QUEUES } from '../queue/queues.ts'
import type { InvoiceJob, SessionJob, WorkerEnv } from './env.ts'
import { applyInvoiceStatus, requeue } from './outcomes.ts'

// Batch session codes while KSeF is still working on it.
const BATCH_IN_PROGRESS = new Set([100, 150])

// KSeF's refusals to close a batch session whose parts did not all arrive (21205: a declared part was not
// uploaded; 21157: a part's size differs from the declared one): such a session is never processed.
const NEVER_PROCESSED = new Set([21205, 21157])

/** Thrown to have pg-boss look again later (the job's retry with backoff), once the looks below run out. */
class NotYet extends Error {}

/**
 * Looks at a batch KSeF is still processing, a grace apart, before the queue's backoff takes over: a batch takes
 * seconds to minutes, and the backoff (15 s doubling to 10 minutes) left its invoices ambiguous far longer.
 */
const MAX_LOOKS = 120

/** A reconciliation job: the invoice, and how many times a batch in progress sent it back. */
interface ReconcileJob extends InvoiceJob {
  readonly looks?: number
}

/**
 * The handler of the invoice reconciliation queue.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.reconcileInvoice, reconcileInvoiceHandler(env))
 * ```
 */
export function reconcileInvoiceHandler(env: WorkerEnv): (jobs: Job<ReconcileJob>[]) => Promise<void> {
  return async ([job]) => {
    if (!job) return
    const invoice = await env.context.db
      .selectFrom('invoices')
      .select(['id', 'tenant_id', 'state', 'invoice_hash', 'invoice_number', 'ksef_session_ref', 'session_kind'])
      .where('id', '=', job.data.invoiceId)
      .executeTakeFirst()
    if (invoice?.state !== 'ambiguous') return
    const tc = await env.pool.forTenant(invoice.tenant_id)
    const sessionRef = invoice.ksef_session_ref
    if (sessionRef && invoice.invoice_hash) {
      if (invoice.session_kind === 'batch') {
        let status: number
        try {
          status = (await tc.client.getSessionStatus(sessionRef)).status.code
        } catch (error) {
          if (isKsefError(error) && error.httpStatus === 404) status = 440
          else throw error
        }
        if (status === 100) {
          // Opened but maybe never closed (the close failed): closing it again is harmless if it was.
          const refused = await tc.client.closeBatchSession(sessionRef).then(
            () => undefined,
            (error: unknown) => error,
          )
          if (isKsefError(refused) && refused.ksefCode !== undefined && NEVER_PROCESSED.has(refused.ksefCode)) {
            // The worker died before its parts were all uploaded: KSeF processes a batch only once it is closed,
            // and this one cannot be, so none of its invoices was registered. They go back in line now rather
            // than when KSeF cancels the session at the end of its upload window (20 minutes a part).
            await env.context.db.transaction().execute((trx) =>
              requeue(trx, env, invoice, {
                reconciled: 'batch never complete',
                session: sessionRef,
                ksefCode: refused.ksefCode,
              }),
            )
            return
          }
        }
        if (BATCH_IN_PROGRESS.has(status)) {
          const looks = job.data.looks ?? 0
          if (looks >= MAX_LOOKS) throw new NotYet(`batch session ${sessionRef} is still being processed`)
          await env.context.boss.send(
            QUEUES.reconcileInvoice,
            { ...job.data, looks: looks + 1 },
            { startAfter: new Date(Date.now() + env.tuning.reconcileGraceMs), group: { id: invoice.tenant_id } },
          )
          return
        }
      }
      const found = await tc.client.findInSession(sessionRef, invoice.invoice_hash)
      if (found) {
        const applied = await applyInvoiceStatus(env, tc.client, invoice, found, sessionRef)
        if (applied === 'pending') {
          // Registered and still processing: an ordinary sent invoice, polled with its session.
          await env.context.db.transaction().execute(async (trx) => {
            await transition(trx, {
              invoiceIds: [invoice.id],
              from: ['ambiguous'],
              to: 'sent',
              patch: { ksef_invoice_ref: found.referenceNumber, sent_at: env.context.now() },
              actor: 'worker',
              details: { reconciled: 'found in session' },
            })
            const poll: SessionJob = { tenantId: invoice.tenant_id, sessionRef, kind: invoice.session_kind ?? 'online' }
            await env.context.boss.send(QUEUES.pollSession, poll, {
              ...inTransaction(trx),
              singletonKey: sessionRef,
              group: { id: invoice.tenant_id },
            })
          })
        }
        return
      }
    }
    await env.context.db
      .transaction()
      .execute((trx) => requeue(trx, env, invoice, { reconciled: 'not in KSeF', session: sessionRef }))
  }
}
