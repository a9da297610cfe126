/**
 * Pulling purchase invoices (the tenant as buyer, Subject2): incremental by permanent-storage date from the
 * high-water mark, by export (one call brings up to 10,000 invoices; downloads one by one are limited to 64 an
 * hour), at most every 15 minutes as KSeF asks, deduplicated by KSeF number.
 *
 * @module
 */
import { type Invoice, parseInvoiceXml } from '@ksef-hub/fa3'
import { type InvoiceMetadata, nextIncrementalFrom } from '@ksef-hub/ksef-client'
import { sql } from 'kysely'
import type { Job } from 'pg-boss'
import { queueImports } from '../connections/imports.ts'
import { emitEvents } from '../events/events.ts'
import { newRecordId } from '../invoices/keys.ts'
import { QUEUES } from '../queue/queues.ts'
import { listTenants } from '../tenants/tenants.ts'
import type { WorkerEnv } from './env.ts'

/** A pull request: one tenant, or (from the schedule) every tenant that is due. */
export interface IncomingJob {
  readonly tenantId?: string
  /** Pull even if the tenant was pulled less than 15 minutes ago (an operator's explicit request). */
  readonly force?: boolean
}

const SUBJECT = 'Subject2'
// KSeF asks clients not to query a subject type more often than this.
const MIN_INTERVAL_MS = 15 * 60_000
// The first pull of a tenant looks back this far.
const FIRST_LOOKBACK_MS = 30 * 24 * 3600_000

function modelOf(bytes: Uint8Array): Invoice | null {
  try {
    return parseInvoiceXml(bytes)
  } catch {
    // Stored anyway: the XML is the legal document; the model is a convenience.
    return null
  }
}

/** Whether a tenant was pulled too recently to ask KSeF again (it asks for at most one query per 15 minutes). */
function tooSoon(lastRunAt: Date | null | undefined, now: Date): boolean {
  return lastRunAt !== null && lastRunAt !== undefined && now.getTime() - lastRunAt.getTime() < MIN_INTERVAL_MS
}

/**
 * Pulls a tenant's new purchase invoices from its high-water mark on, unless it was pulled less than 15 minutes
 * ago (then nothing is asked of KSeF, unless `force`).
 *
 * @returns how many invoices were new, or `null` when the pull was skipped as too soon
 * @example
 * ```ts
 * await pullTenant(env, 'acme', { force: true })
 * ```
 */
async function pullTenant(env: WorkerEnv, tenantId: string, options: { force?: boolean } = {}): Promise<number | null> {
  const now = env.context.now()
  const state = await env.context.db
    .selectFrom('incoming_sync')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('subject_type', '=', SUBJECT)
    .executeTakeFirst()
  if (!options.force && tooSoon(state?.last_run_at, now)) {
    env.context.logger.info({ tenantId }, 'incoming pull skipped: the last one was less than 15 minutes ago')
    return null
  }
  const from = state?.high_water_mark ?? new Date(now.getTime() - FIRST_LOOKBACK_MS)
  const tc = await env.pool.forTenant(tenantId)
  const contents = await tc.client.exportInvoices({
    subjectType: SUBJECT,
    dateRange: { dateType: 'PermanentStorage', from: from.toISOString(), restrictToPermanentStorageHwmDate: true },
  })
  const metadata = new Map<string, InvoiceMetadata>(
    (contents.metadata ?? []).map((record) => [record.ksefNumber, record]),
  )
  const next = nextIncrementalFrom(contents.package)
  return env.context.db.transaction().execute(async (trx) => {
    const fresh: { id: string; ksefNumber: string; number: string; sellerNip: string }[] = []
    for (const file of contents.invoices) {
      const model = modelOf(file.bytes)
      const meta = metadata.get(file.ksefNumber)
      const sellerNip = meta?.seller.nip ?? model?.seller.nip ?? file.ksefNumber.slice(0, 10)
      const number = meta?.invoiceNumber ?? model?.details.number ?? ''
      const id = newRecordId()
      const inserted = await trx
        .insertInto('incoming_invoices')
        .values({
          id,
          tenant_id: tenantId,
          ksef_number: file.ksefNumber,
          seller_nip: sellerNip,
          seller_name: meta?.seller.name ?? model?.seller.name ?? null,
          invoice_number: number,
          invoice_type: model?.details.type ?? meta?.invoiceType ?? 'VAT',
          issue_date: meta?.issueDate ?? model?.details.issueDate ?? now.toISOString().slice(0, 10),
          currency: meta?.currency ?? model?.details.currency ?? 'PLN',
          net_amount: meta?.netAmount ?? null,
          vat_amount: meta?.vatAmount ?? null,
          gross_amount: meta?.grossAmount ?? model?.details.totals.totalDue ?? null,
          acquisition_date: meta?.acquisitionDate ? new Date(meta.acquisitionDate) : null,
          permanent_storage_date: meta?.permanentStorageDate ? new Date(meta.permanentStorageDate) : null,
          metadata: JSON.stringify(meta ?? {}),
          xml: Buffer.from(file.bytes),
          model: model ? JSON.stringify(model) : null,
        })
        .onConflict((conflict) => conflict.columns(['tenant_id', 'ksef_number']).doNothing())
        .returning('id')
        .executeTakeFirst()
      if (inserted) fresh.push({ id, ksefNumber: file.ksefNumber, number, sellerNip })
    }
    await emitEvents(
      trx,
      env.context.boss,
      fresh.map((invoice) => ({
        tenantId,
        type: 'incoming.received' as const,
        data: {
          incomingInvoiceId: invoice.id,
          ksefNumber: invoice.ksefNumber,
          number: invoice.number,
          sellerNip: invoice.sellerNip,
        },
      })),
    )
    await queueImports(
      trx,
      env.context.boss,
      tenantId,
      fresh.map((invoice) => invoice.id),
    )
    const highWaterMark = next ? new Date(next) : from
    await trx
      .insertInto('incoming_sync')
      .values({ tenant_id: tenantId, subject_type: SUBJECT, high_water_mark: highWaterMark, last_run_at: now })
      .onConflict((conflict) =>
        conflict.columns(['tenant_id', 'subject_type']).doUpdateSet({
          // Two pulls overlapping (a forced one and the schedule's): the one finishing last must not move it back.
          high_water_mark: sql<Date>`greatest(incoming_sync.high_water_mark, excluded.high_water_mark)`,
          last_run_at: now,
        }),
      )
      .execute()
    return fresh.length
  })
}

/**
 * The handler of the incoming queue.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.incoming, incomingHandler(env))
 * ```
 */
export function incomingHandler(env: WorkerEnv): (jobs: Job<IncomingJob>[]) => Promise<void> {
  return async ([job]) => {
    if (!job) return
    if (job.data.tenantId) {
      await pullTenant(env, job.data.tenantId, { force: job.data.force ?? false })
      return
    }
    const now = env.context.now()
    for (const tenant of await listTenants(env.context.db)) {
      if (tenant.disabled || !tenant.settings.pullIncoming) continue
      const state = await env.context.db
        .selectFrom('incoming_sync')
        .select('last_run_at')
        .where('tenant_id', '=', tenant.id)
        .where('subject_type', '=', SUBJECT)
        .executeTakeFirst()
      if (tooSoon(state?.last_run_at, now)) continue
      await env.context.boss.send(
        QUEUES.incoming,
        { tenantId: tenant.id },
        { singletonKey: `incoming:${tenant.id}`, group: { id: tenant.id } },
      )
    }
  }
}

export { pullTenant }
