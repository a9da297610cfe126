/**
 * A source document -> an invoice: the skip expression first (drafts and the like are not for KSeF), then the
 * mapping expression, then its target (a sales document composed by the SDK, or the FA(3) model itself). Every
 * failure is a `MappingError` naming the settings field and, where the expression says so, the source field.
 *
 * @module
 */
import type { MapResult, SourceDocument } from '@ksef-hub/connector-sdk'
import { evaluate, expressionAst } from './expressions.ts'
import { invoiceFromFa3 } from './fa3-target.ts'
import { evaluationFailed, resultMismatch } from './mapping-errors.ts'
import { invoiceFromSales } from './sales.ts'
import type { CustomContext } from './source.ts'

/** How a document is named in messages: its number when it has one, and its id. */
function labelOf(document: SourceDocument): string {
  const number = (document.data as { number?: unknown } | null)?.number
  return typeof number === 'string' && number !== ''
    ? `document ${number} (id ${document.ref})`
    : `document ${document.ref}`
}

/**
 * Maps one source document.
 *
 * @example
 * ```ts
 * const result = await mapDocument(context, { ref: 'inv_0001', data: await fetchDocument('inv_0001') })
 * if ('skip' in result) console.log(result.skip)
 * ```
 */
export async function mapDocument(context: CustomContext, document: SourceDocument): Promise<MapResult> {
  const { mapping } = context.settings
  const label = labelOf(document)
  const bindings = {
    ref: document.ref,
    tenant: { nip: context.tenant.nip, name: context.tenant.name },
    ksefStartDate: context.settings.ksefStartDate,
  }
  if (mapping.skip !== null) {
    const skip = await evaluate(mapping.skip, document.data, bindings)
    if (!skip.ok) throw evaluationFailed('settings.mapping.skip', label, skip.problem)
    if (typeof skip.value === 'string' && skip.value.trim() !== '') return { skip: skip.value.trim() }
    if (skip.value === true) return { skip: 'settings.mapping.skip says it is not for KSeF' }
  }
  const result = await evaluate(mapping.expression, document.data, bindings)
  if (!result.ok) throw evaluationFailed('settings.mapping.expression', label, result.problem)
  const ast = expressionAst(mapping.expression)
  if (result.value === undefined) {
    throw resultMismatch([{ path: [], message: 'is empty' }], ast, 'settings.mapping.expression', label)
  }
  const invoice =
    mapping.target === 'fa3'
      ? invoiceFromFa3(result.value, context, ast, label)
      : await invoiceFromSales(result.value, context, ast, label)
  return { invoice }
}
