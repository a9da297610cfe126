/**
 * What every connector's `map` does with a pulled document before composing it: read the data its `pull` stored
 * (a shape the connector's own zod schema gives), refusing data that no longer fits with a `MappingError`, and
 * skip a document issued before the connection's KSeF start date.
 *
 * @module
 */
import type { z } from 'zod'
import type { SourceDocument } from '../contract/documents.ts'
import { MappingError } from '../errors.ts'

/** How a refusal names the document and what to do. */
export interface PulledDataOptions {
  /** What the system calls the document, for the message: `document ${ref}: …`. */
  readonly noun: string
  /** The fix shown with the refusal. */
  readonly fix: string
}

/**
 * A pulled document's data, parsed by the connector's schema.
 *
 * @throws {@link MappingError} `FIELD_INVALID` naming the first field that does not fit
 * @example
 * ```ts
 * const data = pulledData(documentData, document, {
 *   noun: 'invoice',
 *   fix: 'check the invoice in HubSpot; the hub reads it again when it changes',
 * })
 * ```
 */
export function pulledData<Schema extends z.ZodType>(
  schema: Schema,
  document: SourceDocument,
  options: PulledDataOptions,
): z.output<Schema> {
  const result = schema.safeParse(document.data)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  const field = issue?.path.map(String).join('.') || 'document'
  throw new MappingError(
    'FIELD_INVALID',
    field,
    `${options.noun} ${document.ref}: ${field} ${issue?.message ?? 'is invalid'}`,
    { fix: options.fix },
  )
}

/**
 * Why a document is skipped when it is dated before the KSeF start date (`settings.ksefStartDate`), or
 * `undefined` when it is not (or there is no start date, or no date to compare).
 *
 * @example
 * ```ts
 * beforeKsefStart('Acme invoice FV/1', '2026-01-31', '2026-02-01')
 * // 'Acme invoice FV/1 is dated 2026-01-31, before the KSeF start date 2026-02-01 (settings.ksefStartDate): issued outside KSeF'
 * ```
 */
export function beforeKsefStart(
  label: string,
  issued: string | undefined,
  start: string | undefined,
): string | undefined {
  if (!start || !issued || issued >= start) return undefined
  return `${label} is dated ${issued}, before the KSeF start date ${start} (settings.ksefStartDate): issued outside KSeF`
}
