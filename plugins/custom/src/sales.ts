/**
 * The default mapping target: a sales document, checked, completed with the connection's seller, and handed to
 * the SDK's `composeInvoice` (tax table, decimal line values and totals, the corrected invoice's KSeF number);
 * then the two FA(3) statements `SalesDocument` has no words for yet are added: the exemption basis and an EU
 * buyer's VAT number.
 *
 * @module
 */
import { composeInvoice, isMappingError, MappingError, type SalesDocument } from '@ksef-hub/connector-sdk'
import type { InvoiceInput } from '@ksef-hub/fa3'
import type jsonata from 'jsonata'
import { inSourceTerms, resultMismatch } from './mapping-errors.ts'
import { type SalesResult, salesResultSchema } from './sales-result.ts'
import type { CustomContext } from './source.ts'
import { sourceFieldOf } from './source-field.ts'

const SETTING = 'settings.mapping.expression'

/** The NIP candidates of the buyer, and its EU VAT number when it has no NIP (an intra-EU buyer). */
function buyerIdentity(result: SalesResult, ast: jsonata.ExprNode) {
  const { buyer } = result
  const nipField = sourceFieldOf(ast, ['buyer', 'nip']) ?? 'buyer.nip'
  const nipCandidates: [string, string | undefined][] = buyer.nipCandidates?.map(([field, value]) => [
    field,
    value,
  ]) ?? [[nipField, buyer.nip]]
  const hasNip = nipCandidates.some(([, value]) => value !== undefined && value.trim() !== '')
  return { nipCandidates, euVatId: hasNip ? undefined : buyer.euVatId }
}

function salesDocumentOf(
  result: SalesResult,
  context: CustomContext,
  identity: ReturnType<typeof buyerIdentity>,
  label: string,
): SalesDocument {
  const seller = result.seller ?? context.settings.seller
  if (!seller) {
    throw new MappingError(
      'FIELD_INVALID',
      'seller',
      `${label}: the document names no seller and the connection has none`,
      {
        fix: 'set settings.seller (name and address) in the tenant file, or map "seller" from the source',
      },
    )
  }
  const { buyer } = result
  return {
    kind: result.kind,
    number: result.number,
    issueDate: result.issueDate,
    ...(result.saleDate ? { saleDate: result.saleDate } : {}),
    ...(result.issuePlace ? { issuePlace: result.issuePlace } : {}),
    currency: result.currency,
    ...(result.exchangeRate ? { exchangeRate: result.exchangeRate } : {}),
    ...(result.prices ? { prices: result.prices } : {}),
    seller: { name: seller.name, address: seller.address },
    buyer: {
      name: buyer.name,
      // composeInvoice identifies every buyer by NIP. A buyer in another member state has none: it gets the
      // tenant's own (valid) NIP here, replaced by its EU VAT number as soon as the invoice is composed.
      nipCandidates: identity.euVatId ? [['buyer.euVatId', context.tenant.nip]] : identity.nipCandidates,
      ...(buyer.address ? { address: buyer.address } : {}),
      ...(buyer.email ? { email: buyer.email } : {}),
      ...(buyer.customerNumber ? { customerNumber: buyer.customerNumber } : {}),
    },
    lines: result.lines,
    ...(result.payment ? { payment: result.payment } : {}),
    ...(result.correction ? { correction: result.correction } : {}),
  } as SalesDocument
}

/** FA(3) statements beyond `SalesDocument`: the exemption basis, an EU buyer's VAT number. */
function withExtras(invoice: InvoiceInput, result: SalesResult, euVatId: string | undefined): InvoiceInput {
  const details = invoice.details as Record<string, unknown>
  return {
    ...invoice,
    ...(euVatId
      ? {
          buyer: {
            ...invoice.buyer,
            id: { kind: 'eu', countryCode: euVatId.slice(0, 2), vatNumber: euVatId.slice(2) },
          },
        }
      : {}),
    details: {
      ...invoice.details,
      ...(result.exemption
        ? {
            annotations: {
              ...(details.annotations as Record<string, unknown> | undefined),
              exemption: { kind: result.exemption.law, basis: result.exemption.basis },
            },
          }
        : {}),
    },
  } as InvoiceInput
}

/**
 * A mapping's result (default mode) as an FA(3) invoice of the tenant.
 *
 * @throws {@link MappingError} naming the field: a result of the wrong shape (`FIELD_INVALID`), or what
 *   `composeInvoice` finds (no NIP, an unmapped tax code, an unknown corrected invoice)
 * @example
 * ```ts
 * const invoice = await invoiceFromSales(result.value, context, expressionAst(source), 'document inv_0001')
 * ```
 */
export async function invoiceFromSales(
  value: unknown,
  context: CustomContext,
  ast: jsonata.ExprNode,
  label: string,
): Promise<InvoiceInput> {
  const parsed = salesResultSchema.safeParse(value)
  if (!parsed.success) throw resultMismatch(parsed.error.issues, ast, SETTING, label)
  const identity = buyerIdentity(parsed.data, ast)
  const document = salesDocumentOf(parsed.data, context, identity, label)
  try {
    const invoice = await composeInvoice(document, {
      tenant: context.tenant,
      taxCodes: context.settings.taxCodes,
      hub: context.hub,
      label,
    })
    return withExtras(invoice, parsed.data, identity.euVatId)
  } catch (error) {
    throw isMappingError(error) ? inSourceTerms(error, ast) : error
  }
}
