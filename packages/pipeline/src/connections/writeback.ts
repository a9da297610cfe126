/**
 * Handing KSeF's answer back to the system an invoice came from, through its connection: the KSeF number, the
 * acceptance date, the UPO and the verification link. The invoice's `source` names the connection; the connection
 * gives the connector, its settings and its secrets (the one place they live).
 *
 * @module
 */
import { isConnectorError, type WriteBackOutcome } from '@ksef-hub/connector-sdk'
import type { JobWithMetadata } from 'pg-boss'
import { appendAudit } from '../audit/audit.ts'
import type { PipelineContext } from '../context.ts'
import { QUEUES } from '../queue/queues.ts'
import { getTenant } from '../tenants/tenants.ts'
import { verificationUrl } from '../worker/upo-store.ts'
import { toConnectionRecord } from './connections.ts'
import { settleFailure } from './health.ts'
import { type HostOptions, hostConnection } from './host.ts'

/** A write-back job (the data of `invoice.writeback`). */
export interface WriteBackJob {
  readonly invoiceId: string
  readonly tenantId: string
  /** How many times a rate limit deferred it in a row (bounded). */
  readonly deferrals?: number
}

const MAX_DEFERRALS = 50

/** Settles a write-back that has no one to go to (the connection is gone, off, or does not write back). */
async function markNothingToDo(context: PipelineContext, invoiceId: string): Promise<void> {
  await context.db.updateTable('invoices').set({ writeback_state: 'none' }).where('id', '=', invoiceId).execute()
}

/**
 * Settles a write-back as failed, with the reason the tenant sees on the invoice; `parked` when the connection
 * waits for re-authorization (the schedule resumes it once new secrets are set).
 */
async function markFailed(
  context: PipelineContext,
  invoice: { id: string; tenant_id: string },
  connection: string,
  reason: string,
  details: Record<string, unknown>,
  state: 'failed' | 'parked' = 'failed',
): Promise<void> {
  await context.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('invoices')
      .set({ writeback_state: state, writeback_error: reason.slice(0, 1000) })
      .where('id', '=', invoice.id)
      .where('writeback_state', '<>', 'done')
      .execute()
    await appendAudit(trx, {
      tenantId: invoice.tenant_id,
      invoiceId: invoice.id,
      kind: `writeback.${state}`,
      actor: 'worker',
      details: { connection, reason, ...details },
    })
  })
}

async function loadInvoice(context: PipelineContext, invoiceId: string) {
  return context.db
    .selectFrom('invoices')
    .select([
      'id',
      'tenant_id',
      'state',
      'source',
      'source_ref',
      'ksef_number',
      'acquisition_date',
      'seller_nip',
      'issue_date',
      'invoice_hash',
      'invoice_number',
      'invoice_type',
      'writeback_state',
    ])
    .where('id', '=', invoiceId)
    .executeTakeFirst()
}

/**
 * The handler of the write-back queue (registered with `includeMetadata`, so the last attempt is known). A refused
 * grant parks the connection (`needs_reauth`) and the write-back as failed, a rate limit defers the job to the
 * system's `Retry-After`, a transient failure is retried with the queue's backoff (the last failed attempt
 * settles it as `failed` while its job goes to the dead-letter queue, from which a replay tries again), and any
 * other failure settles it as `failed` at once with the connector's reason.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.writeBack, { includeMetadata: true }, eachJob(one(writeBackHandler(context, options)), 4))
 * ```
 */
export function writeBackHandler(
  context: PipelineContext,
  options: HostOptions,
): (jobs: JobWithMetadata<WriteBackJob>[]) => Promise<void> {
  return async ([job]) => {
    if (!job) return
    const invoice = await loadInvoice(context, job.data.invoiceId)
    // `failed` is written back again only when a job asks for it (a replayed dead letter); `done` never is.
    if (invoice?.state !== 'confirmed' || !invoice.ksef_number) return
    if (invoice.writeback_state !== 'pending' && invoice.writeback_state !== 'failed') return
    const row = await context.db
      .selectFrom('connections')
      .selectAll()
      .where('tenant_id', '=', invoice.tenant_id)
      .where('name', '=', invoice.source)
      .executeTakeFirst()
    const connector = row ? options.registry.get(row.connector) : undefined
    // A connection whose plugin this hub does not load is a configuration to fix, not one that writes nothing back:
    // settled as `none`, its invoices' write-backs were lost without a word.
    if (row?.enabled && !connector) {
      await markFailed(context, invoice, row.name, `connector ${row.connector} is not installed in this hub`, {})
      return
    }
    if (!row?.enabled || !connector?.writeBack) {
      await markNothingToDo(context, invoice.id)
      return
    }
    const connection = toConnectionRecord(row)
    if (connection.status === 'needs_reauth') {
      const reason = `the ${connection.name} connection needs re-authorization`
      await markFailed(context, invoice, connection.name, reason, {}, 'parked')
      return
    }
    const upo = await context.db
      .selectFrom('upos')
      .select('xml')
      .where('invoice_id', '=', invoice.id)
      .executeTakeFirstOrThrow()
    const tenant = await getTenant(context.db, invoice.tenant_id)
    const issueDate =
      typeof invoice.issue_date === 'string'
        ? invoice.issue_date
        : new Date(invoice.issue_date).toISOString().slice(0, 10)
    let outcome: WriteBackOutcome
    try {
      const work = await hostConnection(context, options, connector, connection, job.signal)
      outcome = await connector.writeBack(
        work,
        { ref: invoice.source_ref },
        {
          invoiceId: invoice.id,
          ksefNumber: invoice.ksef_number,
          acquisitionDate: invoice.acquisition_date ?? context.now(),
          upoXml: new Uint8Array(upo.xml),
          verificationUrl: verificationUrl(
            tenant.environment,
            invoice.seller_nip,
            issueDate,
            invoice.invoice_hash ?? '',
          ),
          invoiceNumber: invoice.invoice_number,
          invoiceType: invoice.invoice_type,
        },
      )
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const kind = isConnectorError(error) ? error.kind : 'unexpected'
      const action = await settleFailure(context, connection, error)
      if (action.kind === 'defer' && (job.data.deferrals ?? 0) < MAX_DEFERRALS) {
        await context.boss.send(
          QUEUES.writeBack,
          { ...job.data, deferrals: (job.data.deferrals ?? 0) + 1 },
          { startAfter: new Date(Date.now() + action.afterMs), group: { id: invoice.tenant_id } },
        )
        return
      }
      if (action.kind === 'stop') {
        // A refused grant parks the write-back until the connection is authorized again; the rest need a person.
        await markFailed(context, invoice, connection.name, message, { kind }, kind === 'auth' ? 'parked' : 'failed')
        return
      }
      if (job.retryCount >= job.retryLimit) {
        const attempts = job.retryCount + 1
        await markFailed(context, invoice, connection.name, `gave up after ${attempts} attempts: ${message}`, {
          kind,
          attempts,
        })
      }
      // pg-boss retries with backoff; past the last retry the job lands in the dead-letter queue for a replay.
      throw error
    }
    await context.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('invoices')
        // `none`: the connection's settings say it writes nothing back.
        .set({ writeback_state: outcome.method === 'none' ? 'none' : 'done', writeback_error: null })
        .where('id', '=', invoice.id)
        .execute()
      await appendAudit(trx, {
        tenantId: invoice.tenant_id,
        invoiceId: invoice.id,
        kind: 'writeback.done',
        actor: 'worker',
        details: { connection: connection.name, method: outcome.method },
      })
    })
  }
}
