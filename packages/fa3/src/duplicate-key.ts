/**
 * The key KSeF uses to detect duplicate invoices: seller NIP, invoice type and invoice number. KSeF keeps it for
 * ten full years after the end of the year of issue; a second invoice with the same key gets status 440.
 *
 * @module
 */
import type { InvoiceType } from './model/details.ts'
import type { Invoice } from './model/invoice.ts'

/** The duplicate key of an invoice. */
export interface DuplicateKey {
  readonly sellerNip: string
  readonly invoiceType: InvoiceType
  readonly invoiceNumber: string
  /** One string for storage and unique indexes: `NIP|TYPE|NUMBER`. */
  readonly value: string
}

/**
 * The KSeF duplicate key of an invoice.
 *
 * @example
 * ```ts
 * duplicateKey(invoice).value // '5265877635|VAT|FV/2026/1'
 * ```
 */
export function duplicateKey(invoice: Pick<Invoice, 'seller' | 'details'>): DuplicateKey {
  const sellerNip = invoice.seller.nip
  const invoiceType = invoice.details.type
  const invoiceNumber = invoice.details.number
  return { sellerNip, invoiceType, invoiceNumber, value: `${sellerNip}|${invoiceType}|${invoiceNumber}` }
}
