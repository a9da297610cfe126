/**
 * The default mapping target: a sales document, read in the source's ways (`sales-result.ts`), completed with the
 * connection's seller, checked with the SDK's `salesDocumentSchema` and handed to the SDK's `composeInvoice` (tax
 * table with exemption bases, buyers by NIP, EU VAT number, foreign tax id or none, decimal line values and
 * totals, reverse charge, the corrected invoice's KSeF number). Nothing is added to the invoice afterwards.
 *
 * @module
 */
import {
  composeInvoice,
  isMappingError,
  MappingError,
  type SalesDocument,
  salesDocumentSchema,
} from '@ksef-hub/connector-sdk'
import type { InvoiceInput } from '@ksef-hub/fa3'
import type jsonata from 'jsonata'
import { inSourceTerms, pathText, type ResultIssue, resultMismatch } from './mapping-errors.ts'
import { readSalesResult } from './sales-result.ts'
import type { CustomContext } from './source.ts'
import { sourceFieldOf } from './source-field.ts'

const SETTING = 'settings.mapping.expression'

/** One problem per field (the first found: the source's ways before the schema's), in the order found. */
function firstPerField(issues: readonly ResultIssue[]): ResultIssue[] {
  const seen = new Set<string>()
  return issues.filter((issue) => {
    const field = pathText(issue.path)
    return !seen.has(field) && Boolean(seen.add(field))
  })
}

/** The mapping's result as the SDK's sales document, or a `FIELD_INVALID` naming the (source) field at fault. */
function salesDocumentOf(value: unknown, context: CustomContext, ast: jsonata.ExprNode, label: string): SalesDocument {
  const reading = readSalesResult(value, sourceFieldOf(ast, ['buyer', 'nip']) ?? 'buyer.nip')
  const seller = reading.document.seller ?? context.settings.seller
  if (reading.issues.length === 0 && seller === undefined) {
    throw new MappingError(
      'FIELD_INVALID',
      'seller',
      `${label}: the document names no seller and the connection has none`,
      { fix: 'set settings.seller (name and address) in the tenant file, or map "seller" from the source' },
    )
  }
  const checked = salesDocumentSchema.safeParse({ ...reading.document, seller })
  const schemaIssues = checked.success
    ? []
    : checked.error.issues.map((issue) => ({ path: reading.origin(issue.path), message: issue.message }))
  const issues = firstPerField([...reading.issues, ...schemaIssues])
  if (!checked.success || issues.length > 0) throw resultMismatch(issues, ast, SETTING, label)
  return checked.data
}

/**
 * A mapping's result (default mode) as an FA(3) invoice of the tenant.
 *
 * @throws {@link MappingError} naming the field: a result that is not a sales document (`FIELD_INVALID`), or what
 *   `composeInvoice` finds (no NIP, an unmapped tax code, an exemption without its basis, an unknown corrected
 *   invoice); the SDK's `NotReadyError` while a correction waits for its original to reach KSeF
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
  const document = salesDocumentOf(value, context, ast, label)
  try {
    return await composeInvoice(document, {
      tenant: context.tenant,
      taxCodes: context.settings.taxCodes,
      hub: context.hub,
      label,
    })
  } catch (error) {
    throw isMappingError(error) ? inSourceTerms(error, ast) : error
  }
}
