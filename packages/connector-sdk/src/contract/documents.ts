/**
 * What flows between the hub and a connector: source documents pulled in pages behind a cursor, the invoice a
 * document maps to, KSeF's answer written back, and purchase invoices from KSeF imported into the system.
 *
 * @module
 */
import type { Invoice, InvoiceInput } from '@ksef-hub/fa3'

/** A document of the source system, as a pull found it. */
export interface SourceDocument {
  /** Its id in the source, unique within the connection (the invoice's `sourceRef`). */
  readonly ref: string
  /** When the source last changed it (ISO 8601 with a zone), for people reading the hub's view. */
  readonly updatedAt?: string
  /** The document as the source gave it (JSON). The hub keeps it until it becomes an invoice (at most 1 MB). */
  readonly data: unknown
}

/** One page of a pull. */
export interface PullPage<Cursor> {
  readonly documents: readonly SourceDocument[]
  /** Where the next pull starts. The hub saves it only after every document of this page is stored. */
  readonly cursor: Cursor
  /** Whether more pages are ready now: the hub pulls again at once instead of waiting for the schedule. */
  readonly more: boolean
}

/** What a document maps to: an invoice to send, or a reason it is not for KSeF (a draft, a pro forma). */
export type MapResult = { readonly invoice: InvoiceInput } | { readonly skip: string }

/** A document the hub's invoice came from. */
export interface DocumentRef {
  /** The document's id in the source (`SourceDocument.ref`). */
  readonly ref: string
}

/** What KSeF decided about an invoice, handed back to the system it came from. */
export interface WriteBackResult {
  /** The hub's invoice id. */
  readonly invoiceId: string
  readonly ksefNumber: string
  /** When KSeF assigned the number (the legal receipt date). */
  readonly acquisitionDate: Date
  /** The UPO, exactly as KSeF issued it. */
  readonly upoXml: Uint8Array
  /** The QR code I link of the invoice (what a buyer scans to verify it). */
  readonly verificationUrl: string
  /** The invoice's number (P_2) and type, as sent. */
  readonly invoiceNumber: string
  readonly invoiceType: string
}

/** How a write-back went. */
export interface WriteBackOutcome {
  /**
   * Where the KSeF number went: a field, a note, an attachment, a webhook to the system; `already` when it was there
   * before; `none` when this connection writes nothing back (its settings say so).
   */
  readonly method: 'field' | 'note' | 'attachment' | 'webhook' | 'already' | 'none'
}

/** A purchase invoice received from KSeF (the tenant is the buyer), to import as a bill. */
export interface IncomingDocument {
  readonly ksefNumber: string
  readonly sellerNip: string
  readonly sellerName: string | null
  readonly invoiceNumber: string
  readonly invoiceType: string
  /** `YYYY-MM-DD` (P_1). */
  readonly issueDate: string
  readonly currency: string
  readonly grossAmount: string | null
  /** The FA(3) XML exactly as KSeF holds it. */
  readonly xml: Uint8Array
  /** The same invoice as the hub's model, when it could be parsed. */
  readonly invoice: Invoice | null
}

/** How an import went. */
export interface ImportOutcome {
  /** The bill's id in the system. */
  readonly ref: string
  /** `false` when a bill for this KSeF number was there before (nothing was created). */
  readonly created: boolean
}
