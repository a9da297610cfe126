/**
 * The related records a page's documents need for their mapping, read once per page: the company's information
 * (the seller, its local currency), bill-to customers other than the sell-to one (BC invoices the bill-to
 * customer, whose VAT Registration No. is the buyer's), the invoices credit memos correct (their number and date,
 * to tell an invoice issued before the KSeF start), and exchange rates of foreign currencies.
 *
 * @module
 */
import { isConnectorError, type SourceDocument } from '@ksef-hub/connector-sdk'
import { type BcContext, bc, bcJson, parseAnswer } from './bc-client.ts'
import { type DocumentData, originalRecord } from './document-data.ts'
import { exchangeRateOf } from './exchange-rates.ts'
import {
  type CompanyInformationRecord,
  type CustomerRecord,
  companyInformationRecord,
  customerRecord,
  listOf,
  type SalesDocumentRecord,
} from './records.ts'
import { isSetId, odataQuery, refOf } from './refs.ts'
import type { DocumentKind } from './settings-parts.ts'

/** A record, or `null` when BC answers 404 (deleted since). */
async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read()
  } catch (error) {
    if (isConnectorError(error) && error.kind === 'not_found') return null
    throw error
  }
}

/**
 * A customer as the mapping reads it: what an invoice says of its buyer, and the fields the connection takes the
 * NIP from. Nothing else (a balance, a credit limit), so a change the invoice does not show does not make the hub
 * map a document again.
 */
function buyerFields(context: BcContext, customer: CustomerRecord | null | undefined): CustomerRecord | null {
  if (!customer) return null
  const kept = ['id', 'number', 'displayName', 'type', 'country', 'addressLine1', 'addressLine2', 'city', 'postalCode']
  for (const field of context.settings.buyer.nipFields) {
    if (field.startsWith('customer.')) kept.push(field.slice('customer.'.length))
  }
  const record = customer as Record<string, unknown>
  return Object.fromEntries(
    kept.filter((key) => record[key] !== undefined).map((key) => [key, record[key]]),
  ) as CustomerRecord
}

/** Reads each key once per page. */
function memo<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const seen = new Map<string, Promise<T>>()
  return (key) => {
    let value = seen.get(key)
    if (!value) {
      value = read(key)
      seen.set(key, value)
    }
    return value
  }
}

/**
 * The company's information (the seller), or `null` when BC gives none.
 *
 * @example
 * ```ts
 * const seller = await companyInformationOf(context, companyId)
 * ```
 */
export async function companyInformationOf(
  context: BcContext,
  companyId: string,
): Promise<CompanyInformationRecord | null> {
  const response = await bc(context, { url: `/companies(${companyId})/companyInformation` })
  const page = parseAnswer(listOf(companyInformationRecord), response.json(), 'GET companyInformation')
  return page.value[0] ?? null
}

/** The day a document's rate is for: its posting date (the tax point in BC), else its document date. */
function rateDay(record: SalesDocumentRecord): string | undefined {
  const day = record.postingDate || record.invoiceDate || record.creditMemoDate
  return day && day !== '0001-01-01' ? day : undefined
}

/**
 * The page's records as source documents, each with what its mapping needs.
 *
 * @example
 * ```ts
 * const documents = await enrich(context, companyId, 'salesInvoices', page.value)
 * ```
 */
export async function enrich(
  context: BcContext,
  companyId: string,
  kind: DocumentKind,
  records: readonly SalesDocumentRecord[],
): Promise<SourceDocument[]> {
  if (records.length === 0) return []
  const company = await companyInformationOf(context, companyId)
  const localCurrency = (company?.currencyCode || 'PLN').toUpperCase()
  const customer = memo((id) =>
    orNull(() => bcJson(context, { url: `/companies(${companyId})/customers(${id})` }, customerRecord)),
  )
  const original = memo((id) =>
    orNull(() =>
      bcJson(
        context,
        {
          url: `/companies(${companyId})/salesInvoices(${id})${odataQuery({ $select: 'id,number,invoiceDate,postingDate,status' })}`,
        },
        originalRecord,
      ),
    ),
  )
  const rate = memo((key) => {
    const [currency, day] = key.split('|') as [string, string]
    return exchangeRateOf(context, companyId, currency, day)
  })
  const documents: SourceDocument[] = []
  // One at a time: BC allows five calls in flight per user, and a page's lookups mostly hit the memo.
  for (const record of records) {
    const data: DocumentData = {
      kind,
      companyId,
      document: { ...record, customer: buyerFields(context, record.customer) },
      company,
    }
    const billTo = record.billToCustomerId
    if (isSetId(billTo) && billTo.toLowerCase() !== (record.customerId ?? '').toLowerCase()) {
      data.billToCustomer = buyerFields(context, await customer(billTo.toLowerCase()))
    }
    if (kind === 'salesCreditMemos' && isSetId(record.invoiceId)) {
      data.original = await original(record.invoiceId.toLowerCase())
    }
    const currency = (record.currencyCode || localCurrency).toUpperCase()
    const day = rateDay(record)
    if (currency !== 'PLN' && day) data.exchangeRate = await rate(`${currency}|${day}`)
    documents.push({ ref: refOf(companyId, kind, record.id), updatedAt: record.lastModifiedDateTime, data })
  }
  return documents
}
