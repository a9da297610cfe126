/**
 * Storing a UPO: the exact bytes KSeF issued, the fields the hub reads from them, and the invoice's last step
 * (confirmed), with the write-back to its source and the tenant's event, all in one transaction.
 *
 * @module
 */
import { invoiceQrLinkForHash } from '@ksef-hub/fa3'
import type { Upo } from '@ksef-hub/ksef-client'
import type { Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { emitEvents } from '../events/events.ts'
import { transition } from '../invoices/transition.ts'
import { inTransaction } from '../queue/boss.ts'
import { QUEUES } from '../queue/queues.ts'
import type { WorkerEnv } from './env.ts'

/** The invoice a UPO belongs to. */
export interface UpoTarget {
  readonly id: string
  readonly tenant_id: string
  readonly ksef_number: string
  readonly invoice_number: string
}

/**
 * Stores the UPO of an accepted invoice and confirms it. The UPO must name the invoice's KSeF number; its
 * document hash must be the hash of the bytes the hub sent.
 *
 * @returns `false` when the invoice was no longer waiting for its UPO (already stored)
 * @throws Error when the UPO is not this invoice's (wrong number or hash): the job retries, nothing is stored
 * @example
 * ```ts
 * await storeUpo(trx, env, invoice, upo)
 * ```
 */
export async function storeUpo(
  trx: Transaction<Database>,
  env: WorkerEnv,
  target: UpoTarget,
  upo: Upo,
): Promise<boolean> {
  const invoice = await trx
    .selectFrom('invoices')
    .select(['invoice_hash', 'source', 'seller_nip', 'issue_date', 'state'])
    .where('id', '=', target.id)
    .forUpdate()
    .executeTakeFirstOrThrow()
  if (invoice.state !== 'accepted') return false
  const document = upo.parsed?.documents.find((candidate) => candidate.ksefNumber === target.ksef_number)
  if (!document) {
    throw new Error(
      `the UPO does not name KSeF number ${target.ksef_number}${upo.parseError ? ` (${upo.parseError})` : ''}`,
    )
  }
  if (document.documentHash && invoice.invoice_hash && document.documentHash !== invoice.invoice_hash) {
    throw new Error(`the UPO of ${target.ksef_number} confirms a document with another hash than the one sent`)
  }
  await trx
    .insertInto('upos')
    .values({
      invoice_id: target.id,
      tenant_id: target.tenant_id,
      ksef_number: target.ksef_number,
      xml: Buffer.from(upo.bytes),
      document_hash: document.documentHash ?? null,
      ksef_number_assigned_at: document.ksefNumberAssignedAt ? new Date(document.ksefNumberAssignedAt) : null,
    })
    .onConflict((conflict) => conflict.column('invoice_id').doNothing())
    .execute()
  // Decided by the tenant's connections (the database), never by which plugins the storing worker has loaded: an
  // invoice of an enabled connection gets its write-back job; the job's handler settles it `none` if the
  // connector writes nothing back.
  const connection =
    invoice.source === 'api'
      ? undefined
      : await trx
          .selectFrom('connections')
          .select('id')
          .where('tenant_id', '=', target.tenant_id)
          .where('name', '=', invoice.source)
          .where('enabled', '=', true)
          .executeTakeFirst()
  const writeBack = connection !== undefined
  await transition(trx, {
    invoiceIds: [target.id],
    from: ['accepted'],
    to: 'confirmed',
    patch: { confirmed_at: env.context.now(), writeback_state: writeBack ? 'pending' : 'none' },
    actor: 'worker',
    details: { ksefNumber: target.ksef_number, upoSha256: upo.sha256 },
  })
  const issueDate =
    typeof invoice.issue_date === 'string'
      ? invoice.issue_date
      : new Date(invoice.issue_date).toISOString().slice(0, 10)
  await emitEvents(trx, env.context.boss, [
    {
      tenantId: target.tenant_id,
      type: 'invoice.confirmed',
      invoiceId: target.id,
      data: {
        invoiceId: target.id,
        number: target.invoice_number,
        ksefNumber: target.ksef_number,
        issueDate,
        ...(invoice.invoice_hash ? { invoiceHash: invoice.invoice_hash } : {}),
      },
    },
  ])
  if (writeBack) {
    await env.context.boss.send(
      QUEUES.writeBack,
      { invoiceId: target.id, tenantId: target.tenant_id },
      { ...inTransaction(trx), group: { id: target.tenant_id } },
    )
  }
  return true
}

/**
 * The KOD I link of a stored invoice.
 *
 * @example
 * ```ts
 * verificationUrl('test', '5265877635', '2026-11-02', invoiceHash)
 * ```
 */
export function verificationUrl(
  environment: 'test' | 'demo' | 'prod',
  sellerNip: string,
  issueDate: string,
  invoiceHash: string,
): string {
  return invoiceQrLinkForHash(environment, sellerNip, issueDate, invoiceHash)
}
