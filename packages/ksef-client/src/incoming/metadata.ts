/**
 * Invoice metadata as KSeF returns it, and the filters of a query or export. Amounts are kept as decimal strings
 * exactly as written in the JSON (never through a float).
 *
 * @module
 */

/** Whose invoices: Subject1 seller (sales), Subject2 buyer (purchases), Subject3 other party, SubjectAuthorized. */
export type InvoiceSubjectType = 'Subject1' | 'Subject2' | 'Subject3' | 'SubjectAuthorized'

/** Which date the range filters on. */
export type InvoiceDateType = 'Issue' | 'Invoicing' | 'PermanentStorage'

/** `InvoiceQueryFilters`. */
export interface InvoiceQueryFilters {
  readonly subjectType: InvoiceSubjectType
  readonly dateRange: {
    readonly dateType: InvoiceDateType
    /** ISO 8601; without an offset KSeF reads it as Europe/Warsaw. At most 3 months from `to`. */
    readonly from: string
    readonly to?: string
    readonly restrictToPermanentStorageHwmDate?: boolean
  }
  readonly ksefNumber?: string
  readonly invoiceNumber?: string
  readonly amount?: { readonly type: 'Brutto' | 'Netto' | 'Vat'; readonly from?: number; readonly to?: number }
  readonly sellerNip?: string
  readonly buyerIdentifier?: { readonly type: 'Nip' | 'VatUe' | 'Other' | 'None'; readonly value?: string }
  readonly currencyCodes?: readonly string[]
  readonly invoicingMode?: 'Online' | 'Offline'
  readonly isSelfInvoicing?: boolean
  readonly formType?: 'FA' | 'PEF' | 'FA_RR'
  readonly invoiceTypes?: readonly string[]
  readonly hasAttachment?: boolean
}

/** `InvoiceMetadata`, amounts as decimal strings. */
export interface InvoiceMetadata {
  readonly ksefNumber: string
  readonly invoiceNumber: string
  readonly issueDate: string
  readonly invoicingDate: string
  readonly acquisitionDate: string
  readonly permanentStorageDate: string
  readonly seller: { readonly nip: string; readonly name?: string | null }
  readonly buyer: {
    readonly identifier: { readonly type: string; readonly value?: string | null }
    readonly name?: string | null
  }
  readonly netAmount: string
  readonly grossAmount: string
  readonly vatAmount: string
  readonly currency: string
  readonly invoicingMode: 'Online' | 'Offline'
  readonly invoiceType: string
  readonly formCode: { readonly systemCode: string; readonly schemaVersion: string; readonly value: string }
  readonly isSelfInvoicing: boolean
  readonly hasAttachment: boolean
  readonly invoiceHash: string
  readonly hashOfCorrectedInvoice?: string | null
  readonly thirdSubjects?: readonly Record<string, unknown>[] | null
  readonly authorizedSubject?: Record<string, unknown> | null
}

const AMOUNT_KEYS = new Set(['netAmount', 'grossAmount', 'vatAmount'])

/**
 * Parses JSON keeping amount fields as the exact decimal text of the source.
 *
 * @example
 * ```ts
 * parseJsonWithAmounts<{ netAmount: string }>('{"netAmount": 0.10}').netAmount // '0.10'
 * ```
 */
export function parseJsonWithAmounts<T>(text: string): T {
  const reviver = (key: string, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && AMOUNT_KEYS.has(key) ? (context?.source ?? String(value)) : value
  return JSON.parse(text, reviver as (this: unknown, key: string, value: unknown) => unknown) as T
}

/**
 * The date of a record that a range of `dateType` compares, as a date-time (issue dates are days: midnight,
 * Warsaw time, as KSeF reads a date-time without offset).
 *
 * @example
 * ```ts
 * recordDate(metadata, 'PermanentStorage') // metadata.permanentStorageDate
 * ```
 */
export function recordDate(metadata: InvoiceMetadata, dateType: InvoiceDateType): string {
  if (dateType === 'Issue')
    return metadata.issueDate.length === 10 ? `${metadata.issueDate}T00:00:00` : metadata.issueDate
  if (dateType === 'Invoicing') return metadata.invoicingDate
  return metadata.permanentStorageDate
}
