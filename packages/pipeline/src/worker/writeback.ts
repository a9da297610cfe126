/**
 * Handing KSeF's answer back to the system an invoice came from, through its connector: the KSeF number, the
 * acceptance date, the UPO and the verification link. Connectors see their own config, secrets, fetch and logger
 * only.
 *
 * @module
 */
import { isConnectorError, type WriteBackOutcome } from '@ksef-hub/connector-sdk'
import type { Job } from 'pg-boss'
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

/**
 * The handler of the write-back queue.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.writeBack, writeBackHandler(env))
 * ```
 */
export function writeBackHandler(env: WorkerEnv): (jobs: Job<InvoiceJob>[]) => Promise<void> {
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
    if (invoice?.state !== 'confirmed' || invoice.writeback_state !== 'pending' || !invoice.ksef_number) return
    const connector = env.connectors.get(invoice.source)
    const tenant = await getTenant(env.context.db, invoice.tenant_id)
    const settings = tenant.settings.connectors[invoice.source]
    if (!connector || !settings?.enabled) {
      await env.context.db
        .updateTable('invoices')
        .set({ writeback_state: 'none' })
        .where('id', '=', invoice.id)
        .execute()
      return
    }
    const upo = await env.context.db
      .selectFrom('upos')
      .select('xml')
      .where('invoice_id', '=', invoice.id)
      .executeTakeFirstOrThrow()
    const logger = env.context.logger.child({ tenantId: tenant.id, connector: connector.id })
    const instance = connector.create({
      tenantId: tenant.id,
      config: connector.configSchema.parse(settings.config),
      secrets: connector.secretsSchema.parse(await connectorSecrets(env, tenant.id, connector.id)),
      fetch: timedFetch(30_000),
      logger,
      signal: job.signal,
    })
    if (!instance.writeBack) return
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
      if (isConnectorError(error) && !error.retryable) {
        await env.context.db.transaction().execute(async (trx) => {
          await trx
            .updateTable('invoices')
            .set({ writeback_state: 'failed', writeback_error: error.message.slice(0, 1000) })
            .where('id', '=', invoice.id)
            .execute()
          await appendAudit(trx, {
            tenantId: tenant.id,
            invoiceId: invoice.id,
            kind: 'writeback.failed',
            actor: 'worker',
            details: { connector: connector.id, kind: error.kind, message: error.message },
          })
        })
        return
      }
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
