/**
 * The `fa3` mapping target: the expression gives the whole FA(3) invoice model (for sources whose documents say
 * more than a sales document can: advances, margin schemes, third parties). The seller is the tenant: its NIP is
 * filled in when absent and must be the tenant's when given; name and address default to the connection's seller.
 *
 * @module
 */
import { MappingError } from '@ksef-hub/connector-sdk'
import { type InvoiceInput, invoiceSchema } from '@ksef-hub/fa3'
import type jsonata from 'jsonata'
import { resultMismatch } from './mapping-errors.ts'
import type { CustomContext } from './source.ts'
import { sourceFieldOf } from './source-field.ts'

const SETTING = 'settings.mapping.expression'

/**
 * A mapping's result (`mapping.target: fa3`) checked against the FA(3) model.
 *
 * @throws {@link MappingError} `FIELD_INVALID` naming the first field that does not fit the model
 * @example
 * ```ts
 * const invoice = invoiceFromFa3(result.value, context, expressionAst(source), 'document inv_0001')
 * ```
 */
export function invoiceFromFa3(
  value: unknown,
  context: CustomContext,
  ast: jsonata.ExprNode,
  label: string,
): InvoiceInput {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw resultMismatch([{ path: [], message: 'is not an object (the FA(3) invoice)' }], ast, SETTING, label)
  }
  const result = value as Record<string, unknown>
  const seller = (result.seller ?? {}) as Record<string, unknown>
  if (seller.nip !== undefined && seller.nip !== context.tenant.nip) {
    const field = sourceFieldOf(ast, ['seller', 'nip']) ?? 'seller.nip'
    throw new MappingError(
      'FIELD_INVALID',
      field,
      `${label}: the seller NIP ${String(seller.nip)} is not the tenant's (${context.tenant.nip})`,
      { fix: `a connection sends the invoices of its tenant only: correct ${field}, or enable it for that tenant` },
    )
  }
  const defaults = context.settings.seller
  const invoice = {
    ...result,
    seller: {
      ...(defaults ? { name: defaults.name, address: defaults.address } : {}),
      ...seller,
      nip: context.tenant.nip,
    },
  }
  const parsed = invoiceSchema.safeParse(invoice)
  if (!parsed.success) throw resultMismatch(parsed.error.issues, ast, SETTING, label)
  return invoice as InvoiceInput
}
