/**
 * Fetching the UPO of an accepted invoice: first from the pre-signed URL KSeF gave with the status (no token,
 * no rate limit), then by KSeF number within its session.
 *
 * @module
 */
import { isKsefError, type Upo } from '@ksef-hub/ksef-client'
import type { Job } from 'pg-boss'
import type { InvoiceJob, WorkerEnv } from './env.ts'
import { storeUpo } from './upo-store.ts'

/**
 * The handler of the UPO queue.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.upo, upoHandler(env))
 * ```
 */
export function upoHandler(env: WorkerEnv): (jobs: Job<InvoiceJob>[]) => Promise<void> {
  return async ([job]) => {
    if (!job) return
    const invoice = await env.context.db
      .selectFrom('invoices')
      .select(['id', 'tenant_id', 'state', 'ksef_number', 'ksef_session_ref', 'upo_download_url', 'invoice_number'])
      .where('id', '=', job.data.invoiceId)
      .executeTakeFirst()
    if (invoice?.state !== 'accepted' || !invoice.ksef_number || !invoice.ksef_session_ref) return
    const { client } = await env.pool.forTenant(invoice.tenant_id)
    let upo: Upo | undefined
    if (invoice.upo_download_url) {
      try {
        upo = await client.downloadUpoFromUrl(invoice.upo_download_url)
      } catch (error) {
        // The pre-signed URL expires; the authenticated download below still works.
        if (!isKsefError(error)) throw error
      }
    }
    upo ??= await client.downloadInvoiceUpo(invoice.ksef_session_ref, { ksefNumber: invoice.ksef_number })
    const stored = upo
    const ksefNumber = invoice.ksef_number
    await env.context.db.transaction().execute((trx) =>
      storeUpo(
        trx,
        env,
        {
          id: invoice.id,
          tenant_id: invoice.tenant_id,
          ksef_number: ksefNumber,
          invoice_number: invoice.invoice_number,
        },
        stored,
      ),
    )
  }
}
