/**
 * Handing KSeF's answer back to the system an invoice came from, through its connector: the KSeF number, the
 * acceptance date, the UPO and the verification link. Connectors see their own config, secrets, fetch and logger
 * only.
 *
 * @module
 */
import { isConnectorError, type WriteBackOutcome } from '@ksef-hub/connector-sdk'
import type { JobWithMetadata } from 'pg-boss'
import { appendAudit } from '../audit/audit.ts'
import { getSecret, secretNames } from '../secrets/store.ts'
import { getTenant } from '../tenants/tenants.ts'
import type { InvoiceJob, WorkerEnv } from './env.ts'
import { verificationUrl } from './upo-store.ts'

function timedFetch(timeoutMs: number): typeof fetch {
  return (input, init) => fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(timeoutMs) })
}

async function connectorSecrets(
  env: WorkerEnv,
  tenantId: string,
  connectorId: string,
): Promise<Record<string, string>> {
  const prefix = `connector:${connectorId}:`
  const secrets: Record<string, string> = {}
  for (const name of await secretNames(env.context.db, tenantId)) {
    if (!name.startsWith(prefix)) continue
    secrets[name.slice(prefix.length)] = (await getSecret(env.context.db, env.context.keys, tenantId, name)) as string
  }
  return secrets
}

/** Settles a write-back that has no one to go to (the connector is gone, off, or does not write back). */
async function markNothingToDo(env: WorkerEnv, invoiceId: string): Promise<void> {
  await env.context.db.updateTable('invoices').set({ writeback_state: 'none' }).where('id', '=', invoiceId).execute()
}

/** Settles a write-back as failed, with the reason the tenant sees on the invoice. */
async function markFailed(
  env: WorkerEnv,
  invoice: { id: string; tenant_id: string },
  connectorId: string,
  reason: string,
  details: Record<string, unknown>,
): Promise<void> {
  await env.context.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('invoices')
      .set({ writeback_state: 'failed', writeback_error: reason.slice(0, 1000) })
      .where('id', '=', invoice.id)
      .where('writeback_state', '<>', 'done')
      .execute()
    await appendAudit(trx, {
      tenantId: invoice.tenant_id,
      invoiceId: invoice.id,
      kind: 'writeback.failed',
      actor: 'worker',
      details: { connector: connectorId, reason, ...details },
    })
  })
}

/**
 * The handler of the write-back queue (registered with `includeMetadata`, so the last attempt is known). A
 * connector's permanent failure settles the write-back as `failed` at once; a transient one is retried with the
 * queue's backoff, and the last failed attempt settles it as `failed` too while its job goes to the dead-letter
 * queue, from which a replay tries again.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.writeBack, { includeMetadata: true }, writeBackHandler(env))
 * ```
 */
export function writeBackHandler(env: WorkerEnv): (jobs: JobWithMetadata<InvoiceJob>[]) => Promise<void> {
  return async ([job]) => {
    if (!job) return
    const invoice = await env.context.db
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
        'writeback_state',
      ])
      .where('id', '=', job.data.invoiceId)
      .executeTakeFirst()
    // `failed` is written back again only when a job asks for it (a replayed dead letter); `done` never is.
    if (invoice?.state !== 'confirmed' || !invoice.ksef_number) return
    if (invoice.writeback_state !== 'pending' && invoice.writeback_state !== 'failed') return
    const connector = env.connectors.get(invoice.source)
    const tenant = await getTenant(env.context.db, invoice.tenant_id)
    const settings = tenant.settings.connectors[invoice.source]
    if (!connector || !settings?.enabled) {
      await markNothingToDo(env, invoice.id)
      return
    }
    const upo = await env.context.db
      .selectFrom('upos')
      .select('xml')
      .where('invoice_id', '=', invoice.id)
      .executeTakeFirstOrThrow()
    const logger = env.context.logger.child({ tenantId: tenant.id, connector: connector.id })
    const config = connector.configSchema.safeParse(settings.config)
    const secrets = connector.secretsSchema.safeParse(await connectorSecrets(env, tenant.id, connector.id))
    if (!config.success || !secrets.success) {
      // Retrying cannot help: a person must fix the tenant's connector settings or secrets.
      const what = config.success ? 'secrets' : 'configuration'
      await markFailed(env, invoice, connector.id, `the ${connector.id} connector's ${what} is invalid`, {})
      return
    }
    const instance = connector.create({
      tenantId: tenant.id,
      config: config.data,
      secrets: secrets.data,
      fetch: timedFetch(30_000),
      logger,
      signal: job.signal,
    })
    if (!instance.writeBack) {
      await markNothingToDo(env, invoice.id)
      return
    }
    const issueDate =
      typeof invoice.issue_date === 'string'
        ? invoice.issue_date
        : new Date(invoice.issue_date).toISOString().slice(0, 10)
    let outcome: WriteBackOutcome
    try {
      outcome = await instance.writeBack(
        { sourceRef: invoice.source_ref },
        {
          invoiceId: invoice.id,
          ksefNumber: invoice.ksef_number,
          acquisitionDate: invoice.acquisition_date ?? env.context.now(),
          upoXml: new Uint8Array(upo.xml),
          verificationUrl: verificationUrl(
            tenant.environment,
            invoice.seller_nip,
            issueDate,
            invoice.invoice_hash ?? '',
          ),
        },
      )
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const kind = isConnectorError(error) ? error.kind : 'unexpected'
      if (isConnectorError(error) && !error.retryable) {
        await markFailed(env, invoice, connector.id, message, { kind })
        return
      }
      if (job.retryCount >= job.retryLimit) {
        const attempts = job.retryCount + 1
        await markFailed(env, invoice, connector.id, `gave up after ${attempts} attempts: ${message}`, {
          kind,
          attempts,
        })
      }
      // pg-boss retries with backoff; past the last retry the job lands in the dead-letter queue for a replay.
      throw error
    }
    await env.context.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('invoices')
        .set({ writeback_state: 'done', writeback_error: null })
        .where('id', '=', invoice.id)
        .execute()
      await appendAudit(trx, {
        tenantId: tenant.id,
        invoiceId: invoice.id,
        kind: 'writeback.done',
        actor: 'worker',
        details: { connector: connector.id, method: outcome.method },
      })
    })
  }
}
