/**
 * Context identifiers as the OpenAPI defines their values (`Nip`, `InternalId`, `NipVatUe`, `PeppolId`).
 *
 * @module
 */
import { openApiSpec } from '../http/openapi.ts'
import type { ContextIdentifier } from './jwt.ts'

let patterns: Record<string, RegExp> | undefined

/**
 * Whether a context identifier's value fits its type.
 *
 * @example
 * ```ts
 * contextValueValid({ type: 'Nip', value: '5265877635' }) // true
 * ```
 */
export function contextValueValid(context: ContextIdentifier): boolean {
  if (!patterns) {
    const schemas = (openApiSpec().components as { schemas: Record<string, { pattern?: string }> }).schemas
    patterns = Object.fromEntries(
      ['Nip', 'InternalId', 'NipVatUe', 'PeppolId'].map((name) => [name, new RegExp(schemas[name]?.pattern ?? '^$')]),
    )
  }
  return patterns[context.type]?.test(context.value) ?? false
}
