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
import type { z } from 'zod'
import type { HubLookup, TenantInfo } from '../contract/context.ts'
import { MappingError, NotReadyError } from '../errors.ts'
import { buyerNipOf } from './nip.ts'
import {
  type Exemption,
  type SalesDocument,
  salesDocumentSchema,
  type salesLineSchema,
} from './sales-document-schema.ts'
import { type TaxCodeEntry, type TaxCodeTable, taxCodeEntry } from './tax-codes.ts'

type SalesDocumentOutput = z.output<typeof salesDocumentSchema>
type SalesLineOutput = z.output<typeof salesLineSchema>

type Line = NonNullable<Invoice['details']['lines']>[number]

/** What {@link composeInvoice} needs of the connection. */
export interface ComposeContext {
  readonly tenant: TenantInfo
  readonly taxCodes: TaxCodeTable
  readonly hub: HubLookup
  /** Where the document came from, for messages (`invoice FV/1 (ref 42)`). */
  readonly label: string
}

const round2 = (value: Decimal) => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP)

/** The document checked against its schema, or a mapping error naming the first field at fault. */
function checked(document: SalesDocument, label: string): z.output<typeof salesDocumentSchema> {
  const parsed = salesDocumentSchema.safeParse(document)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue?.path
    .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
    .join('')
    .slice(1)
  throw new MappingError(
    'FIELD_INVALID',
    field || 'document',
    `${label}: ${field || 'the document'} ${issue?.message ?? 'is invalid'}`,
    {
      fix: `correct ${field || 'the document'} in the source system (or the connection's mapping)`,
    },
  )
}

function composeLine(line: SalesLineOutput, index: number, gross: boolean, entry: TaxCodeEntry): Line {
  const quantity = new Decimal(line.quantity)
  const price = new Decimal(line.unitPrice)
  const value = line.amount !== undefined ? new Decimal(line.amount) : round2(quantity.mul(price))
  return {
    number: index + 1,
    name: line.name,
    ...(line.sku ? { index: line.sku } : {}),
    ...(line.unit ? { unit: line.unit } : {}),
    quantity: quantity.toString(),
    ...(gross ? { unitGrossPrice: price.toString(), grossAmount: value.toFixed(2) } : {}),
    ...(gross ? {} : { unitNetPrice: price.toString(), netAmount: value.toFixed(2) }),
    vatRate: entry.rate,
    annex15: false,
    beforeCorrection: false,
  } as Line
}

async function correctedInvoice(document: SalesDocumentOutput, context: ComposeContext) {
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
  if (sent?.state === 'rejected') {
    throw new MappingError(
      'ORIGINAL_NOT_FOUND',
      'correction.original',
      `${context.label} corrects invoice ${sent.number}, which KSeF rejected: it does not exist in KSeF`,
      { fix: `correct and send invoice ${sent.number} first; the credit note is mapped again when it changes` },
    )
  }
  const known = original.number !== undefined && original.issueDate !== undefined
  if (known && original.ksefNumber) {
    return {
      issueDate: original.issueDate as string,
      number: original.number as string,
      ksefNumber: original.ksefNumber,
    }
  }
  if (known && original.outsideKsef) {
    // Issued outside KSeF: the correction says so (NrKSeFN) and names it by number and date.
    return { issueDate: original.issueDate as string, number: original.number as string }
  }
  if (original.outsideKsef || original.ksefNumber) {
    const missing = original.number === undefined ? 'number' : 'issueDate'
    throw new MappingError(
      'ORIGINAL_NOT_FOUND',
      `correction.original.${missing}`,
      `${context.label} corrects an invoice issued ${original.outsideKsef ? 'outside KSeF' : 'in KSeF'} without giving its ${missing === 'number' ? 'number' : 'issue date'}`,
      { fix: `give the corrected invoice's ${missing === 'number' ? 'number' : 'issue date'} in the source system` },
    )
  }
  if (original.ref !== undefined) {
    // Never a guess that the original was issued outside KSeF: that would be a false statement on the correction.
    throw new NotReadyError(
      `${context.label} waits for the invoice it corrects (${original.ref}) to be sent through the hub`,
      60_000,
    )
  }
  throw new MappingError(
    'ORIGINAL_NOT_FOUND',
    'correction.original',
    `${context.label} corrects an invoice the hub cannot identify`,
    {
      fix: 'link the credit note to its invoice in the source system, or give the invoice its KSeF number, or its number and issue date marked as issued outside KSeF',
    },
  )
}

function exemptionOf(
  document: SalesDocumentOutput,
  entries: readonly TaxCodeEntry[],
  label: string,
): Exemption | undefined {
  const exempt = entries.findIndex((entry) => entry.rate === 'zw')
  if (exempt < 0) return undefined
  const exemption = document.exemption ?? entries.find((entry) => entry.rate === 'zw' && entry.exemption)?.exemption
  if (exemption) return exemption
  const code = document.lines[exempt]?.taxCode ?? ''
  throw new MappingError(
    'EXEMPTION_BASIS_MISSING',
    `lines[${exempt}].taxCode`,
    `${label} has a VAT-exempt line (tax code "${code}") but no legal basis for the exemption`,
    {
      fix: `give "${code}" its basis in the connection's tax table: ${code}: { rate: zw, exemption: { kind: polishLaw, basis: "art. 43 ust. 1 pkt ... ustawy o VAT" } }`,
    },
  )
}

function buyerOf(document: SalesDocumentOutput, label: string): Invoice['buyer']['id'] {
  const identity = document.buyer.identity
  if (identity?.kind === 'eu')
    return { kind: 'eu', countryCode: identity.countryCode, vatNumber: identity.vatNumber } as never
  if (identity?.kind === 'foreign') {
    return {
      kind: 'foreign',
      ...(identity.countryCode ? { countryCode: identity.countryCode } : {}),
      taxId: identity.taxId,
    } as never
  }
  if (identity?.kind === 'none') return { kind: 'none' } as never
  return {
    kind: 'nip',
    nip: buyerNipOf(document.buyer.nipCandidates ?? [], `the buyer of ${label} (${document.buyer.name})`),
  }
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
export async function composeInvoice(input: SalesDocument, context: ComposeContext): Promise<InvoiceInput> {
  const document = checked(input, context.label)
  const id = buyerOf(document, context.label)
  const gross = document.prices === 'gross'
  const entries = document.lines.map((line, index) =>
    taxCodeEntry(context.taxCodes, line.taxCode, `lines[${index}].taxCode`),
  )
  const exemption = exemptionOf(document, entries, context.label)
  const lines = document.lines.map((line, index) => composeLine(line, index, gross, entries[index] as TaxCodeEntry))
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
  const reverseCharge = lines.some((line) => line.vatRate === 'oo')
  return {
    header: { systemInfo: 'KSeF Hub' },
    seller: { nip: context.tenant.nip, name: document.seller.name, address: document.seller.address },
    buyer: {
      id,
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
      ...(exemption || reverseCharge
        ? {
            annotations: {
              ...(reverseCharge ? { reverseCharge: true } : {}),
              ...(exemption ? { exemption: { kind: exemption.kind, basis: exemption.basis } } : {}),
            },
          }
        : {}),
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
