/**
 * Seeding purchase invoices: FA(3) XML issued by another seller to a tenant's NIP becomes an accepted invoice
 * (with a KSeF number) that the buyer sees through the query, download and export endpoints.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { duplicateKey, Fa3Error, formatIssue, parseInvoiceXml } from '@ksef-hub/fa3'
import type { Simulator } from '../context.ts'
import { newReferenceNumber } from '../core/reference-number.ts'
import { acceptedRecord } from '../processing/accept.ts'
import { INVOICE_STATUS } from '../processing/statuses.ts'
import { type InvoiceRecord, InvoiceStore } from '../store/invoice-store.ts'

/**
 * Why seeding failed (`INVALID_INVOICE` -> 422, `DUPLICATE` -> 409 in the admin API).
 *
 * @example
 * ```ts
 * if (error instanceof SeedError && error.code === 'DUPLICATE') return c.json({ error: error.message }, 409)
 * ```
 */
export class SeedError extends Error {
  readonly code: 'INVALID_INVOICE' | 'DUPLICATE'
  readonly details: string[]
  constructor(code: 'INVALID_INVOICE' | 'DUPLICATE', message: string, details: string[] = []) {
    super(message)
    this.name = 'SeedError'
    this.code = code
    this.details = details
  }
}

/**
 * Stores a purchase invoice as accepted.
 *
 * @throws {@link SeedError} for invalid XML or a duplicate key.
 * @example
 * ```ts
 * const record = seedIncomingInvoice(sim, xmlBytes)
 * ```
 */
export function seedIncomingInvoice(sim: Simulator, bytes: Uint8Array, invoicingDate?: Date): InvoiceRecord {
  let invoice: ReturnType<typeof parseInvoiceXml>
  try {
    invoice = parseInvoiceXml(bytes)
  } catch (error) {
    if (error instanceof Fa3Error) throw new SeedError('INVALID_INVOICE', error.message, error.issues.map(formatIssue))
    throw error
  }
  const store = new InvoiceStore(sim.db)
  const key = duplicateKey(invoice).value
  return sim.db.tx(() => {
    const original = store.accepted(key)
    if (original) throw new SeedError('DUPLICATE', `duplicate of ${original.ksefNumber}`, [original.ksefNumber ?? ''])
    const now = sim.clock.now()
    const at = invoicingDate ?? now
    const record = acceptedRecord(
      {
        referenceNumber: newReferenceNumber('EE', at),
        sessionReference: undefined,
        ordinal: 0,
        status: INVOICE_STATUS.accepted,
        invoiceHash: createHash('sha256').update(bytes).digest('base64'),
        invoiceSize: bytes.length,
        fileName: undefined,
        invoiceNumber: invoice.details.number,
        invoiceType: invoice.details.type,
        sellerNip: invoice.seller.nip,
        buyerNip: undefined,
        thirdPartyNips: [],
        authorizedNip: undefined,
        duplicateKey: key,
        ksefNumber: undefined,
        invoicingDate: at.toISOString(),
        acquisitionDate: undefined,
        permanentStorageDate: undefined,
        issueDate: invoice.details.issueDate,
        invoicingMode: undefined,
        offlineMode: false,
        hashOfCorrectedInvoice: undefined,
        metadata: undefined,
        decryptError: false,
        notBeforeMs: undefined,
      },
      invoice,
      new Date(Math.max(at.getTime(), now.getTime())),
    )
    store.save(record, bytes)
    return record
  })
}
