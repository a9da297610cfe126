/**
 * What acceptance adds to an invoice: the KSeF number (seller NIP, the Warsaw day it was accepted for
 * processing, 12 random hex digits, CRC-8), the acquisition and permanent-storage dates, the invoicing mode
 * (offline when declared, or when issued on an earlier day than accepted) and the metadata.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { formatKsefNumber, type Invoice } from '@ksef-hub/fa3'
import { warsawDay } from '../core/warsaw.ts'
import type { InvoiceRecord } from '../store/invoice-store.ts'
import { invoiceMetadata, partyNips } from './metadata.ts'
import { INVOICE_STATUS } from './statuses.ts'

/**
 * The record of an accepted invoice.
 *
 * @example
 * ```ts
 * invoices.save(acceptedRecord(record, invoice, clock.now()))
 * ```
 */
export function acceptedRecord(record: InvoiceRecord, invoice: Invoice, now: Date): InvoiceRecord {
  const invoicingDate = new Date(record.invoicingDate)
  const ksefNumber = formatKsefNumber(invoice.seller.nip, warsawDay(invoicingDate), randomBytes(6).toString('hex'))
  const acquisitionDate = new Date(Math.max(invoicingDate.getTime(), now.getTime() - 1)).toISOString()
  const permanentStorageDate = new Date(Math.max(invoicingDate.getTime(), now.getTime())).toISOString()
  const offline = record.offlineMode || invoice.details.issueDate < warsawDay(invoicingDate)
  const invoicingMode = offline ? 'Offline' : 'Online'
  const parties = partyNips(invoice)
  return {
    ...record,
    status: INVOICE_STATUS.success,
    ksefNumber,
    acquisitionDate,
    permanentStorageDate,
    invoicingMode,
    buyerNip: parties.buyer,
    thirdPartyNips: parties.third,
    authorizedNip: parties.authorized,
    metadata: invoiceMetadata(invoice, {
      ksefNumber,
      invoiceHash: record.invoiceHash,
      invoicingDate: record.invoicingDate,
      acquisitionDate,
      permanentStorageDate,
      invoicingMode,
      hashOfCorrectedInvoice: record.hashOfCorrectedInvoice,
    }),
  }
}
