/**
 * What most source systems hold, and how it becomes FA(3): a sales document with lines priced net or gross and a
 * tax code each, the buyer, payment terms, and for a correction the invoice it corrects. Connectors map their
 * system's records to a {@link SalesDocument} and let {@link composeInvoice} do the FA(3) part (rates from the tax
 * table, line values and per-rate totals in decimal, the corrected invoice's KSeF number), so no connector adds up
 * money on its own.
 *
 * @module
 */
import { type Invoice, type InvoiceInput, totalsFromLines } from '@ksef-hub/fa3'
import { Decimal } from 'decimal.js'
import type { HubLookup, TenantInfo } from '../contract/context.ts'
import { MappingError, NotReadyError } from '../errors.ts'
import { buyerNipOf } from './nip.ts'
import { type TaxCodeTable, vatRateOf } from './tax-codes.ts'

type Line = NonNullable<Invoice['details']['lines']>[number]
type PaymentMethod = NonNullable<NonNullable<Invoice['details']['payment']>['method']>

/** A postal address (the country as ISO 3166 alpha-2). */
export interface SalesAddress {
  readonly countryCode: string
  readonly line1: string
  readonly line2?: string
}

/** One line of a sales document. */
export interface SalesLine {
  readonly name: string
  /** Decimal string (`"2"`, `"0.5"`); negative on a correction that takes quantity back. */
  readonly quantity: string
  readonly unit?: string
  /** Price of one unit, net or gross as the document's `prices` says (decimal string). */
  readonly unitPrice: string
  /** The line's value as the source computed it (net or gross); computed from quantity × price when absent. */
  readonly amount?: string
  /** The source's tax code, looked up in the connection's tax table. */
  readonly taxCode: string
  /** The product's code in the source (Indeks). */
  readonly sku?: string
}

/** The invoice a correction corrects. */
export interface CorrectedDocument {
  /** Its id in the same source: the hub looks up what it sent for it. */
  readonly ref?: string
  /** Its number, issue date and KSeF number, when the source has them (used when the hub did not send it). */
  readonly number?: string
  readonly issueDate?: string
  readonly ksefNumber?: string
}

/** A sales document of a source system. */
export interface SalesDocument {
  /** `invoice` (VAT) or `correction` (KOR, e.g. a credit note: its lines carry the difference it makes). */
  readonly kind: 'invoice' | 'correction'
  readonly number: string
  /** `YYYY-MM-DD`, the day in Europe/Warsaw. */
  readonly issueDate: string
  /** The day of supply, when it differs from the issue date. */
  readonly saleDate?: string
  readonly issuePlace?: string
  /** ISO 4217. */
  readonly currency: string
  /** PLN per unit of the currency (decimal string), for other currencies. */
  readonly exchangeRate?: string
  /** Whether unit prices and amounts include VAT (default `net`). */
  readonly prices?: 'net' | 'gross'
  readonly seller: { readonly name: string; readonly address: SalesAddress }
  readonly buyer: {
    readonly name: string
    /** `[field, value]` pairs where the source may hold the NIP, in order of preference. */
    readonly nipCandidates: readonly [string, string | null | undefined][]
    readonly address?: SalesAddress
    readonly email?: string
    /** The customer's number in the source (NrKlienta). */
    readonly customerNumber?: string
  }
  readonly lines: readonly SalesLine[]
  readonly payment?: {
    readonly dueDate?: string
    readonly method?: PaymentMethod
    readonly bankAccount?: string
  }
  readonly correction?: { readonly reason?: string; readonly original: CorrectedDocument }
}

/** What {@link composeInvoice} needs of the connection. */
export interface ComposeContext {
  readonly tenant: TenantInfo
  readonly taxCodes: TaxCodeTable
  readonly hub: HubLookup
  /** Where the document came from, for messages (`invoice FV/1 (ref 42)`). */
  readonly label: string
}

const round2 = (value: Decimal) => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP)

// Decimal notation only: decimal.js also reads "0x10" as 16 and "0b11" as 3, which no source means by a quantity.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

function decimal(value: string, field: string): Decimal {
  try {
    const parsed = DECIMAL.test(value) ? new Decimal(value) : undefined
    if (parsed?.isFinite()) return parsed
  } catch {}
  throw new MappingError('FIELD_INVALID', field, `${field} is "${value}", not a decimal number`, {
    fix: `correct ${field} in the source system`,
  })
}

function composeLine(line: SalesLine, index: number, gross: boolean, taxCodes: TaxCodeTable): Line {
  const field = `lines[${index}]`
  const quantity = decimal(line.quantity, `${field}.quantity`)
  const price = decimal(line.unitPrice, `${field}.unitPrice`)
  const value = line.amount !== undefined ? decimal(line.amount, `${field}.amount`) : round2(quantity.mul(price))
  return {
    number: index + 1,
    name: line.name,
    ...(line.sku ? { index: line.sku } : {}),
    ...(line.unit ? { unit: line.unit } : {}),
    quantity: quantity.toString(),
    ...(gross ? { unitGrossPrice: price.toString(), grossAmount: value.toFixed(2) } : {}),
    ...(gross ? {} : { unitNetPrice: price.toString(), netAmount: value.toFixed(2) }),
    vatRate: vatRateOf(taxCodes, line.taxCode, `${field}.taxCode`),
    annex15: false,
    beforeCorrection: false,
  } as Line
}

async function correctedInvoice(document: SalesDocument, context: ComposeContext) {
  const original = document.correction?.original
  if (!original) {
    throw new MappingError('ORIGINAL_NOT_FOUND', 'correction.original', `${context.label} names no corrected invoice`, {
      fix: 'link the credit note to the invoice it corrects in the source system',
    })
  }
  const sent = original.ref !== undefined ? await context.hub.invoiceOf(original.ref) : undefined
  if (sent?.state === 'pending') {
    // KSeF has not numbered the original yet: map again later, when the correction can name its KSeF number.
    throw new NotReadyError(`${context.label} waits for invoice ${sent.number} to get its KSeF number`, 30_000)
  }
  if (sent?.state === 'confirmed' && sent.ksefNumber) {
    return { issueDate: sent.issueDate, number: sent.number, ksefNumber: sent.ksefNumber }
  }
  if (original.number && original.issueDate) {
    // Not sent by the hub (or rejected there): issued outside KSeF unless the source knows its KSeF number.
    return {
      issueDate: original.issueDate,
      number: original.number,
      ...(original.ksefNumber ? { ksefNumber: original.ksefNumber } : {}),
    }
  }
  throw new MappingError(
    'ORIGINAL_NOT_FOUND',
    'correction.original',
    `${context.label} corrects ${original.ref ? `document ${original.ref}` : 'an invoice'} that the hub did not send, and the source gives not its number and date`,
    { fix: 'send the corrected invoice through the hub first, or give its number and issue date in the source' },
  )
}

/**
 * A sales document as an FA(3) invoice of the tenant.
 *
 * @throws {@link MappingError} naming the field and the fix (no NIP, unmapped tax code, unknown corrected invoice,
 *   a value that is not a number); a {@link NotReadyError} when a correction must wait for its original
 * @example
 * ```ts
 * const invoice = await composeInvoice(document, { tenant: context.tenant, taxCodes: context.settings.taxCodes,
 *   hub: context.hub, label: `invoice ${record.number}` })
 * return { invoice }
 * ```
 */
export async function composeInvoice(document: SalesDocument, context: ComposeContext): Promise<InvoiceInput> {
  const nip = buyerNipOf(document.buyer.nipCandidates, `the buyer of ${context.label} (${document.buyer.name})`)
  const gross = document.prices === 'gross'
  const lines = document.lines.map((line, index) => composeLine(line, index, gross, context.taxCodes))
  if (lines.length === 0) {
    throw new MappingError('FIELD_INVALID', 'lines', `${context.label} has no lines`, {
      fix: 'add lines in the source',
    })
  }
  let totals: Invoice['details']['totals']
  try {
    totals = totalsFromLines(lines, {
      currency: document.currency,
      ...(document.exchangeRate ? { exchangeRate: document.exchangeRate } : {}),
    })
  } catch (error) {
    throw new MappingError('FIELD_INVALID', 'exchangeRate', `${context.label}: ${(error as Error).message}`, {
      fix: 'give the document its exchange rate to PLN in the source system',
    })
  }
  const correction = document.kind === 'correction' ? await correctedInvoice(document, context) : undefined
  const foreign = document.currency !== 'PLN' && document.exchangeRate
  return {
    header: { systemInfo: 'KSeF Hub' },
    seller: { nip: context.tenant.nip, name: document.seller.name, address: document.seller.address },
    buyer: {
      id: { kind: 'nip', nip },
      name: document.buyer.name,
      ...(document.buyer.address ? { address: document.buyer.address } : {}),
      ...(document.buyer.email ? { contacts: [{ email: document.buyer.email }] } : {}),
      ...(document.buyer.customerNumber ? { customerNumber: document.buyer.customerNumber } : {}),
    },
    details: {
      currency: document.currency,
      issueDate: document.issueDate,
      ...(document.issuePlace ? { issuePlace: document.issuePlace } : {}),
      number: document.number,
      ...(document.saleDate && document.saleDate !== document.issueDate ? { deliveryDate: document.saleDate } : {}),
      totals,
      type: correction ? 'KOR' : 'VAT',
      ...(correction
        ? {
            correction: {
              ...(document.correction?.reason ? { reason: document.correction.reason } : {}),
              correctedInvoices: [correction],
            },
          }
        : {}),
      lines: foreign ? lines.map((line) => ({ ...line, exchangeRate: document.exchangeRate })) : lines,
      ...(document.payment
        ? {
            payment: {
              ...(document.payment.dueDate ? { dueDates: [{ date: document.payment.dueDate }] } : {}),
              ...(document.payment.method ? { method: document.payment.method } : {}),
              ...(document.payment.bankAccount ? { bankAccounts: [{ number: document.payment.bankAccount }] } : {}),
            },
          }
        : {}),
    },
  } as InvoiceInput
}
