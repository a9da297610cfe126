/**
 * The `invoices` table's rows and their mapping to {@link InvoiceRecord}.
 *
 * @module
 */
import type { InvoiceRecord } from './invoice-store.ts'

/** An invoices row as SQLite returns it. */
export interface InvoiceRow {
  reference_number: string
  session_reference: string | null
  ordinal: number
  status_code: number
  status_description: string
  status_details: string | null
  status_extensions: string | null
  invoice_hash: string
  invoice_size: number
  file_name: string | null
  invoice_number: string | null
  invoice_type: string | null
  seller_nip: string | null
  buyer_nip: string | null
  third_party_nips: string | null
  authorized_nip: string | null
  duplicate_key: string | null
  ksef_number: string | null
  invoicing_date: string
  acquisition_date: string | null
  permanent_storage_date: string | null
  issue_date: string | null
  invoicing_mode: string | null
  offline_mode: number
  hash_of_corrected_invoice: string | null
  metadata: string | null
  decrypt_error: number
  not_before_ms: number | null
}

/** Every column but the content (lists never load content). */
export const COLUMNS = `reference_number, session_reference, ordinal, status_code, status_description, status_details,
  status_extensions, invoice_hash, invoice_size, file_name, invoice_number, invoice_type, seller_nip, buyer_nip,
  third_party_nips, authorized_nip, duplicate_key, ksef_number, invoicing_date, acquisition_date,
  permanent_storage_date, issue_date, invoicing_mode, offline_mode, hash_of_corrected_invoice, metadata,
  decrypt_error, not_before_ms`

/**
 * A row as a record.
 *
 * @example
 * ```ts
 * db.all<InvoiceRow>(`SELECT ${COLUMNS} FROM invoices`).map(fromRow)
 * ```
 */
export function fromRow(row: InvoiceRow): InvoiceRecord {
  return {
    referenceNumber: row.reference_number,
    sessionReference: row.session_reference ?? undefined,
    ordinal: row.ordinal,
    status: {
      code: row.status_code,
      description: row.status_description,
      ...(row.status_details ? { details: JSON.parse(row.status_details) as string[] } : {}),
      ...(row.status_extensions ? { extensions: JSON.parse(row.status_extensions) as Record<string, string> } : {}),
    },
    invoiceHash: row.invoice_hash,
    invoiceSize: row.invoice_size,
    fileName: row.file_name ?? undefined,
    invoiceNumber: row.invoice_number ?? undefined,
    invoiceType: row.invoice_type ?? undefined,
    sellerNip: row.seller_nip ?? undefined,
    buyerNip: row.buyer_nip ?? undefined,
    thirdPartyNips: row.third_party_nips ? (JSON.parse(row.third_party_nips) as string[]) : [],
    authorizedNip: row.authorized_nip ?? undefined,
    duplicateKey: row.duplicate_key ?? undefined,
    ksefNumber: row.ksef_number ?? undefined,
    invoicingDate: row.invoicing_date,
    acquisitionDate: row.acquisition_date ?? undefined,
    permanentStorageDate: row.permanent_storage_date ?? undefined,
    issueDate: row.issue_date ?? undefined,
    invoicingMode: (row.invoicing_mode as InvoiceRecord['invoicingMode']) ?? undefined,
    offlineMode: row.offline_mode === 1,
    hashOfCorrectedInvoice: row.hash_of_corrected_invoice ?? undefined,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : undefined,
    decryptError: row.decrypt_error === 1,
    notBeforeMs: row.not_before_ms ?? undefined,
  }
}
