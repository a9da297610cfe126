/**
 * A pulled BC document as the SDK's sales document: BC's number as P_2, the document date as P_1, the seller from
 * the company's information, the buyer (`buyer.ts`), the lines (`lines.ts`), the currency (BC's empty code is the
 * company's local currency) with its rate, the due date, and for a credit memo the invoice it corrects.
 *
 * @module
 */
import { type CorrectedDocument, type MappedLine, MappingError, type SalesDocument } from '@ksef-hub/connector-sdk'
import { buyerOf } from './buyer.ts'
import type { DocumentData } from './document-data.ts'
import { salesLinesOf } from './lines.ts'
import { isSetId, refOf } from './refs.ts'
import type { Settings } from './settings.ts'

/** BC writes an empty date as the first day of year 1. */
const EMPTY_DATE = '0001-01-01'

/**
 * A BC date, or `undefined` when BC left it empty.
 *
 * @example
 * ```ts
 * dateOf('0001-01-01') // undefined
 * ```
 */
export function dateOf(value: string | null | undefined): string | undefined {
  const day = value?.slice(0, 10)
  return day && day !== EMPTY_DATE && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : undefined
}

/**
 * The issue date of a pulled document (its Document Date), or a mapping error.
 *
 * @example
 * ```ts
 * issueDateOf(data, 'BC sales invoice 103001') // '2026-11-20'
 * ```
 */
export function issueDateOf(data: DocumentData, label: string): string {
  const field = data.kind === 'salesInvoices' ? 'invoiceDate' : 'creditMemoDate'
  const day = dateOf(data.document[field]) ?? dateOf(data.document.postingDate)
  if (!day) {
    throw new MappingError('FIELD_INVALID', field, `${label} has no document date`, {
      fix: 'give the document its Document Date in Business Central',
    })
  }
  return day
}

/** The company's local currency (BC answers its code in `companyInformation.currencyCode`). */
function localCurrencyOf(data: DocumentData): string {
  return (data.company?.currencyCode || 'PLN').trim().toUpperCase()
}

function sellerOf(data: DocumentData, label: string): SalesDocument['seller'] {
  const company = data.company
  const line1 = [company?.addressLine1, company?.addressLine2].filter((part) => part?.trim()).join(' ')
  if (!company?.displayName || !line1) {
    throw new MappingError(
      'FIELD_INVALID',
      'companyInformation.addressLine1',
      `${label}: the company has no name or address in Business Central`,
      {
        fix: 'fill in Company Information (name, address) in Business Central',
      },
    )
  }
  const line2 = [company.postalCode, company.city].filter((part) => part?.trim()).join(' ')
  return {
    name: company.displayName,
    address: { countryCode: (company.country || 'PL').toUpperCase(), line1, ...(line2 ? { line2 } : {}) },
  }
}

function correctionOf(data: DocumentData, settings: Settings): SalesDocument['correction'] {
  const record = data.document
  const original = data.original
  const number = original?.number || record.invoiceNumber || undefined
  const issueDate = dateOf(original?.invoiceDate) ?? dateOf(original?.postingDate)
  const start = settings.ksefStartDate
  const corrected: CorrectedDocument = {
    ...(isSetId(record.invoiceId) ? { ref: refOf(data.companyId, 'salesInvoices', record.invoiceId) } : {}),
    ...(number ? { number } : {}),
    ...(issueDate ? { issueDate } : {}),
    // An invoice dated before the KSeF start was issued outside KSeF: the correction says so (NrKSeFN).
    ...(start && issueDate && issueDate < start ? { outsideKsef: true } : {}),
  }
  return { original: corrected }
}

/**
 * The sales document of a pulled BC document, and its lines with their discounts.
 *
 * @throws {@link MappingError} for a document without a date, a customer without a NIP, a company without an address
 * @example
 * ```ts
 * const { sales, lines } = salesDocumentOf(data, context.settings, 'BC sales invoice 103001')
 * ```
 */
export function salesDocumentOf(
  data: DocumentData,
  settings: Settings,
  label: string,
): { sales: SalesDocument; lines: MappedLine[] } {
  const record = data.document
  const credit = data.kind === 'salesCreditMemos'
  const gross = record.pricesIncludeTax === true
  const records = (credit ? record.salesCreditMemoLines : record.salesInvoiceLines) ?? []
  const lines = salesLinesOf(records, { gross, credit })
  const issueDate = issueDateOf(data, label)
  const posting = dateOf(record.postingDate)
  const currency = (record.currencyCode || localCurrencyOf(data)).trim().toUpperCase()
  const due = dateOf(record.dueDate)
  const sales: SalesDocument = {
    kind: credit ? 'correction' : 'invoice',
    number: record.number,
    issueDate,
    ...(settings.documents.saleDate === 'postingDate' && posting ? { saleDate: posting } : {}),
    currency,
    ...(currency !== 'PLN' && data.exchangeRate ? { exchangeRate: data.exchangeRate } : {}),
    prices: gross ? 'gross' : 'net',
    seller: sellerOf(data, label),
    buyer: buyerOf(data, settings, label),
    lines: lines.map((item) => item.line),
    ...(due ? { payment: { dueDate: due } } : {}),
    ...(credit ? { correction: correctionOf(data, settings) } : {}),
  }
  return { sales, lines }
}
