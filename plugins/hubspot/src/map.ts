/**
 * A pulled HubSpot invoice -> an FA(3) invoice, or the reason it is not one. In order: an invoice of a status the
 * connection does not send (a draft, a voided one) and one dated before the KSeF start are skipped with that
 * reason; a missing number or date, a line whose tax-rate group the table leaves out, a buyer without a NIP and a
 * foreign currency without its rate stop the invoice with a `MappingError` naming the HubSpot field and what to do;
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
  pulledData,
  type SalesDocument,
  type SourceDocument,
  withDiscounts,
} from '@ksef-hub/connector-sdk'
import { Decimal } from 'decimal.js'
import { buyerOf } from './buyer.ts'
import { correctionOf } from './corrections.ts'
import { type DocumentData, documentData } from './document-data.ts'
import type { HubSpotContext } from './hubspot.ts'
import { salesLinesOf } from './lines.ts'
import type { Settings } from './settings.ts'
import { dayOf } from './warsaw.ts'

const RETRY = 'then retry the invoice (POST /v1/connections/{id}/documents/retry): the hub reads it again'

/**
 * How messages name an invoice: its number and record id.
 *
 * @example
 * ```ts
 * labelOf(data) // 'HubSpot invoice INV-1042 (id 391820334561)'
 * ```
 */
export function labelOf(data: DocumentData): string {
  const number = data.invoice.properties.hs_number?.trim()
  return `HubSpot invoice ${number || '(no number)'} (id ${data.invoice.id})`
}

function skipReason(data: DocumentData, settings: Settings, label: string): string | undefined {
  const status = data.invoice.properties.hs_invoice_status?.trim() || 'blank'
  if (!(settings.documents.statuses as readonly string[]).includes(status)) {
    if (status === 'draft') return `${label} is a draft: it goes to KSeF once it is finalized`
    if (status === 'voided') {
      return `${label} is voided: never sent (if it reached KSeF before, issue a correction in HubSpot)`
    }
    return `${label} has status ${status}, which settings.documents.statuses does not send`
  }
  return beforeKsefStart(label, dayOf(data.invoice.properties.hs_invoice_date), settings.ksefStartDate)
}

function required(data: DocumentData, property: string, what: string, label: string): string {
  const value = data.invoice.properties[property]?.trim()
  if (value) return value
  throw new MappingError('FIELD_INVALID', property, `${label} has no ${what}`, {
    fix: `give the invoice its ${what} in HubSpot (${property}), ${RETRY}`,
  })
}

/** PLN per unit of a foreign currency, from the invoice property the settings name (HubSpot keeps no rate). */
function exchangeRateOf(data: DocumentData, settings: Settings, currency: string, label: string): string | undefined {
  if (currency === 'PLN') return undefined
  const property = settings.currency.exchangeRateProperty
  const value = data.invoice.properties[property]?.trim().replace(',', '.')
  let rate: Decimal | undefined
  try {
    rate = value ? new Decimal(value) : undefined
  } catch {
    rate = undefined
  }
  if (rate?.isPositive()) return rate.toDecimalPlaces(6).toFixed()
  throw new MappingError(
    'FIELD_INVALID',
    property,
    `${label} is in ${currency}, and its ${property} property gives no rate to PLN${value ? ` ("${value}")` : ''}`,
    {
      fix: `enter the ${currency} rate (NBP average rate of the last working day before the invoice date, PLN per 1 ${currency}) in the invoice property ${property} in HubSpot (settings.currency.exchangeRateProperty)`,
    },
  )
}

/**
 * A pulled invoice as the SDK's sales document, and its lines with their discounts.
 *
 * @throws {@link MappingError} naming the HubSpot field and the fix
 * @example
 * ```ts
 * const { sales, lines } = salesDocumentOf(data, context.settings, 'HubSpot invoice INV-1042 (id 3918…)')
 * ```
 */
export function salesDocumentOf(
  data: DocumentData,
  settings: Settings,
  label: string,
): { sales: SalesDocument; lines: MappedLine[] } {
  const number = required(data, 'hs_number', 'number', label)
  const issueDate = dayOf(required(data, 'hs_invoice_date', 'invoice date', label))
  if (!issueDate) {
    throw new MappingError('FIELD_INVALID', 'hs_invoice_date', `${label} has an unreadable invoice date`, {
      fix: `set the invoice date in HubSpot, ${RETRY}`,
    })
  }
  const currency = (data.invoice.properties.hs_currency?.trim() || settings.currency.default).toUpperCase()
  const exchangeRate = exchangeRateOf(data, settings, currency, label)
  const buyer = buyerOf(data, settings, label)
  const lines = salesLinesOf(data, settings, label)
  const correction = correctionOf(data, settings, label)
  const due = dayOf(data.invoice.properties.hs_due_date)
  const sales: SalesDocument = {
    kind: correction ? 'correction' : 'invoice',
    number,
    issueDate,
    currency,
    ...(exchangeRate ? { exchangeRate } : {}),
    prices: 'net',
    seller: settings.seller,
    buyer,
    lines: lines.map((item) => item.line),
    ...(due ? { payment: { dueDate: due } } : {}),
    ...(correction ? { correction } : {}),
  }
  return { sales, lines }
}

/**
 * Maps one pulled invoice.
 *
 * @example
 * ```ts
 * const result = await mapDocument(context, page.documents[0])
 * if ('skip' in result) console.log(result.skip) // 'HubSpot invoice INV-1042 (id 3918…) is a draft: …'
 * ```
 */
export async function mapDocument(context: HubSpotContext, document: SourceDocument): Promise<MapResult> {
  const { settings } = context
  const data = pulledData(documentData, document, {
    noun: 'invoice',
    fix: 'check the invoice in HubSpot; the hub reads it again when it changes',
  })
  const label = labelOf(data)
  const skip = skipReason(data, settings, label)
  if (skip) return { skip }
  const { sales, lines } = salesDocumentOf(data, settings, label)
  const invoice = await composeInvoice(sales, {
    tenant: context.tenant,
    taxCodes: settings.taxCodes,
    hub: context.hub,
    label,
  })
  return { invoice: withDiscounts(invoice, lines) }
}
