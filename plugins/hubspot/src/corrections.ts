/**
 * How a correction is given in a HubSpot portal: the one place that decides (VERIFY). HubSpot has no credit-note
 * API (credit memos reached its UI in 2025-26, not SDK 14), so a correction is an invoice that names the invoice it
 * corrects in an invoice property (`corrections.originalProperty`, its record id) and carries the difference in its
 * lines; it becomes a KOR of that invoice, with its KSeF number from the hub. With `corrections.mode: none`, or an
 * invoice with a negative total naming nothing, nothing guesses: the invoice stops with the reason.
 *
 * @module
 */
import { type CorrectedDocument, MappingError, type SalesDocument } from '@ksef-hub/connector-sdk'
import { Decimal } from 'decimal.js'
import type { DocumentData } from './document-data.ts'
import type { Settings } from './settings.ts'
import { dayOf } from './warsaw.ts'

/**
 * The invoice a pulled invoice corrects (its record id), or `undefined` for an invoice.
 *
 * @example
 * ```ts
 * originalIdOf(data, settings) // '391820334561'
 * ```
 */
export function originalIdOf(data: DocumentData, settings: Settings): string | undefined {
  if (settings.corrections.mode !== 'property') return undefined
  return data.invoice.properties[settings.corrections.originalProperty]?.trim() || undefined
}

/** Whether HubSpot's billed amount is below zero (a credit). */
function negative(data: DocumentData): boolean {
  const billed = data.invoice.properties.hs_amount_billed?.trim()
  try {
    return billed ? new Decimal(billed).isNegative() : false
  } catch {
    return false
  }
}

/**
 * What the sales document says of a correction: `undefined` for an invoice, or the corrected invoice and reason.
 *
 * @throws {@link MappingError} `DOCUMENT_TYPE_UNSUPPORTED` (a credit the connection does not take) or
 *   `ORIGINAL_NOT_FOUND` (a credit naming no invoice, or one HubSpot does not have)
 * @example
 * ```ts
 * correctionOf(data, settings, 'HubSpot invoice INV-1050')
 * // { reason: 'returned goods', original: { ref: '391820334561', number: 'INV-1042', issueDate: '2026-11-20' } }
 * ```
 */
export function correctionOf(
  data: DocumentData,
  settings: Settings,
  label: string,
): SalesDocument['correction'] | undefined {
  const { mode, originalProperty, reasonProperty } = settings.corrections
  const originalId = originalIdOf(data, settings)
  if (!originalId) {
    if (!negative(data)) return undefined
    if (mode === 'none') {
      throw new MappingError('DOCUMENT_TYPE_UNSUPPORTED', 'hs_amount_billed', `${label} is a credit (negative total)`, {
        fix: 'issue the correction in KSeF another way, or model corrections as settings.corrections.mode: property',
      })
    }
    throw new MappingError('ORIGINAL_NOT_FOUND', originalProperty, `${label} is a credit that names no invoice`, {
      fix: `enter the record id of the invoice it corrects in the invoice property ${originalProperty} in HubSpot`,
    })
  }
  const original = data.original
  if (original === null) {
    throw new MappingError(
      'ORIGINAL_NOT_FOUND',
      originalProperty,
      `${label} corrects invoice ${originalId}, which HubSpot does not have`,
      { fix: `enter the record id of the invoice it corrects in the invoice property ${originalProperty} in HubSpot` },
    )
  }
  const number = original?.properties.hs_number?.trim() || undefined
  const issueDate = dayOf(original?.properties.hs_invoice_date)
  const start = settings.ksefStartDate
  const corrected: CorrectedDocument = {
    ref: originalId,
    ...(number ? { number } : {}),
    ...(issueDate ? { issueDate } : {}),
    // An invoice dated before the KSeF start was issued outside KSeF: the correction says so (NrKSeFN).
    ...(start && issueDate && issueDate < start ? { outsideKsef: true } : {}),
  }
  const reason = data.invoice.properties[reasonProperty]?.trim()
  return { ...(reason ? { reason: reason.slice(0, 256) } : {}), original: corrected }
}
