/**
 * A pulled BC document -> an FA(3) invoice, or the reason it is not one. In order: a document not posted yet (or of
 * a status the connection leaves out) and one dated before the KSeF start are skipped with that reason; a
 * prepayment invoice, a company that is not the tenant, a line without a mapped tax code and a foreign currency
 * without a rate stop the document with a `MappingError` naming the BC field and what to do in BC or the settings;
 * the rest is composed by the SDK (`composeInvoice`: NIP checks, the tax table, totals in decimal, the corrected
 * invoice's KSeF number, a wait while it has none).
 *
 * @module
 */
import {
  beforeKsefStart,
  composeInvoice,
  type MappedLine,
  MappingError,
  type MapResult,
  normalizeNip,
  pulledData,
  type SourceDocument,
  taxCodeEntry,
  withDiscounts,
} from '@ksef-hub/connector-sdk'
import type { BcContext } from './bc-client.ts'
import { type DocumentData, documentData } from './document-data.ts'
import { issueDateOf, salesDocumentOf } from './sales.ts'
import type { Settings } from './settings.ts'

const NOT_POSTED = new Set(['Draft', 'In Review', ' ', ''])
const LINES = { salesInvoices: 'salesInvoiceLines', salesCreditMemos: 'salesCreditMemoLines' } as const

/**
 * How messages name a document: its kind, number and company.
 *
 * @example
 * ```ts
 * labelOf(data) // 'BC sales invoice 103001 (company CRONUS sp. z o.o.)'
 * ```
 */
export function labelOf(data: DocumentData): string {
  const kind = data.kind === 'salesInvoices' ? 'sales invoice' : 'sales credit memo'
  const company = data.company?.displayName ? ` (company ${data.company.displayName})` : ''
  return `BC ${kind} ${data.document.number}${company}`
}

function skipReason(data: DocumentData, settings: Settings, label: string): string | undefined {
  const status = data.document.status ?? ''
  if (!(settings.documents.statuses as readonly string[]).includes(status)) {
    return NOT_POSTED.has(status)
      ? `${label} is not posted yet (status ${status.trim() || 'blank'}): it goes to KSeF once posted`
      : `${label} has status ${status}, which settings.documents.statuses does not send`
  }
  return beforeKsefStart(label, issueDateOf(data, label), settings.ksefStartDate)
}

function refusePrepayment(data: DocumentData, settings: Settings, label: string): void {
  const { numberPrefixes, accounts } = settings.prepayment
  const record = data.document
  const lines = record[LINES[data.kind]] ?? []
  const byNumber = numberPrefixes.find((prefix) => record.number.startsWith(prefix))
  const byAccount = lines.find((line) => line.lineType === 'Account' && accounts.includes(line.lineObjectNumber ?? ''))
  if (!byNumber && !byAccount) return
  const why = byNumber
    ? `its number starts with ${byNumber} (settings.prepayment.numberPrefixes)`
    : `a line is on prepayment account ${byAccount?.lineObjectNumber} (settings.prepayment.accounts)`
  throw new MappingError('DOCUMENT_TYPE_UNSUPPORTED', 'number', `${label} is a prepayment invoice: ${why}`, {
    fix:
      'issue it in KSeF as an advance invoice (ZAL) another way: a ZAL states the order it pays for, which ' +
      'Business Central API v2.0 does not give; if it is not a prepayment, correct settings.prepayment',
  })
}

function checkSeller(data: DocumentData, tenantNip: string, label: string): void {
  const nip = normalizeNip(data.company?.taxRegistrationNumber)
  if (nip === undefined || nip === tenantNip) return
  throw new MappingError(
    'FIELD_INVALID',
    'companyInformation.taxRegistrationNumber',
    `${label}: the company's VAT Registration No. ${data.company?.taxRegistrationNumber} is not the tenant's NIP ${tenantNip}`,
    {
      fix: "connect this company to the tenant with its NIP (settings.companies), or correct the company's VAT Registration No. in Company Information",
    },
  )
}

function checkTaxCodes(data: DocumentData, lines: readonly MappedLine[], settings: Settings): void {
  for (const { line, source } of lines) {
    const field = `${LINES[data.kind]}[${source}].taxCode`
    if (!line.taxCode) {
      throw new MappingError('TAX_CODE_UNMAPPED', field, `line ${source + 1} (${line.name}) has no tax code`, {
        fix: 'give the line a VAT Prod. Posting Group in Business Central',
      })
    }
    taxCodeEntry(settings.taxCodes, line.taxCode, field)
  }
}

function checkRate(data: DocumentData, currency: string, label: string): void {
  if (currency === 'PLN' || data.exchangeRate) return
  throw new MappingError(
    'FIELD_INVALID',
    'currencyCode',
    `${label} is in ${currency}, and Business Central gave no ${currency} exchange rate before its posting date`,
    {
      fix: `enter the ${currency} rate (NBP, the working day before the posting date) in Currency Exchange Rates in Business Central${
        data.exchangeRate === undefined ? ' (or set settings.exchangeRates: bc)' : ''
      }, then retry the document (POST /v1/connections/{id}/documents/retry): the hub reads it again`,
    },
  )
}

/**
 * Maps one pulled document.
 *
 * @example
 * ```ts
 * const result = await mapDocument(context, page.documents[0])
 * if ('skip' in result) console.log(result.skip) // 'BC sales invoice 1001 is not posted yet (status Draft): …'
 * ```
 */
export async function mapDocument(context: BcContext, document: SourceDocument): Promise<MapResult> {
  const { settings } = context
  const data = pulledData(documentData, document, {
    noun: 'document',
    fix: 'check the document in Business Central; the hub reads it again when it changes',
  })
  const label = labelOf(data)
  const skip = skipReason(data, settings, label)
  if (skip) return { skip }
  refusePrepayment(data, settings, label)
  checkSeller(data, context.tenant.nip, label)
  const { sales, lines } = salesDocumentOf(data, settings, label)
  checkTaxCodes(data, lines, settings)
  checkRate(data, sales.currency, label)
  const invoice = await composeInvoice(sales, {
    tenant: context.tenant,
    taxCodes: settings.taxCodes,
    hub: context.hub,
    label,
  })
  return { invoice: withDiscounts(invoice, lines) }
}
