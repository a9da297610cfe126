/**
 * How BC documents are named in the hub: a document's `ref` is its API path under the API root,
 * `companies(<company id>)/salesInvoices(<id>)`, so a write-back finds the company and the kind of document from
 * the ref alone, a webhook's `resource` names the same ref, and refs of two companies never collide. Also the OData
 * literals the connector writes into `$filter`.
 *
 * @module
 */
import type { DocumentKind } from './settings-parts.ts'

/** Entity sets a ref may name: the sales documents sent, the purchase invoices imported. */
export type RefKind = DocumentKind | 'purchaseInvoices'

/** A ref's parts (ids lower-case). */
export interface RefParts {
  readonly companyId: string
  readonly kind: RefKind
  readonly id: string
}

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'
// `companies(<id>)` is sometimes written `companies(id=<id>)` or with the id quoted; BC's webhooks use the plain form.
const PATH = new RegExp(
  `companies\\((?:id=)?'?(${GUID})'?\\)/(salesInvoices|salesCreditMemos|purchaseInvoices)\\((?:id=)?'?(${GUID})'?\\)`,
)
const ZERO_GUID = '00000000-0000-0000-0000-000000000000'

/**
 * The ref of a document.
 *
 * @example
 * ```ts
 * refOf('F64EBA74-DACD-4854-A584-1834F68CFC3A', 'salesInvoices', '5d115c9c-44e3-ea11-bb43-000d3a2feca1')
 * // 'companies(f64eba74-dacd-4854-a584-1834f68cfc3a)/salesInvoices(5d115c9c-44e3-ea11-bb43-000d3a2feca1)'
 * ```
 */
export function refOf(companyId: string, kind: RefKind, id: string): string {
  return `companies(${companyId.toLowerCase()})/${kind}(${id.toLowerCase()})`
}

/**
 * The parts of a ref, or of any URL or path that holds one (a webhook's `resource`); `undefined` when none.
 *
 * @example
 * ```ts
 * parseRef('api/v2.0/companies(f64e…)/salesCreditMemos(7a1c…)') // { companyId: 'f64e…', kind: 'salesCreditMemos', id: '7a1c…' }
 * ```
 */
export function parseRef(value: string): RefParts | undefined {
  const match = PATH.exec(value)
  if (!match) return undefined
  const [, companyId, kind, id] = match as unknown as [string, string, RefKind, string]
  return { companyId: companyId.toLowerCase(), kind, id: id.toLowerCase() }
}

/**
 * Whether a BC id is set: BC writes an empty link (no customer, no corrected invoice) as the zero GUID.
 *
 * @example
 * ```ts
 * isSetId('00000000-0000-0000-0000-000000000000') // false
 * ```
 */
export function isSetId(id: string | null | undefined): id is string {
  return typeof id === 'string' && id !== '' && id !== ZERO_GUID
}

/**
 * An OData string literal (a quote doubled).
 *
 * @example
 * ```ts
 * odataString("O'Brien") // "'O''Brien'"
 * ```
 */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/**
 * A query string of OData options, spaces as `%20` (a `+` is a space only in forms, and OData servers differ).
 *
 * @example
 * ```ts
 * odataQuery({ $filter: "number eq 'FV/1'", $top: 1 }) // "?$filter=number%20eq%20'FV%2F1'&$top=1"
 * ```
 */
export function odataQuery(options: Readonly<Record<string, string | number | undefined>>): string {
  const parts = Object.entries(options)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value)).replaceAll('%2C', ',')}`)
  return parts.length ? `?${parts.join('&')}` : ''
}
