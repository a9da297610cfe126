/**
 * Technical corrections: an offline invoice rejected for technical reasons may be sent again (once successfully)
 * with `hashOfCorrectedInvoice` naming the rejected original.
 *
 * @module
 */
import type { Simulator } from '../../context.ts'
import { ApiError } from '../../errors/index.ts'
import type { SessionRecord } from '../../store/session-store.ts'

/**
 * Checks a technical correction may be sent.
 *
 * @throws {@link ApiError} 21167 when the original was accepted, 21166 when a correction already was.
 * @example
 * ```ts
 * checkTechnicalCorrection(sim, session, body.hashOfCorrectedInvoice)
 * ```
 */
export function checkTechnicalCorrection(sim: Simulator, session: SessionRecord, hash: string): void {
  const rows = sim.db.all<{ status_code: number; hash_of_corrected_invoice: string | null }>(
    `SELECT i.status_code, i.hash_of_corrected_invoice FROM invoices i JOIN sessions s ON s.reference_number = i.session_reference
     WHERE s.context_type = ? AND s.context_value = ? AND (i.invoice_hash = ? OR i.hash_of_corrected_invoice = ?)`,
    session.context.type,
    session.context.value,
    hash,
    hash,
  )
  if (rows.some((row) => row.hash_of_corrected_invoice === null && row.status_code === 200)) {
    throw ApiError.badRequest(21167, 'Nie można wysłać korekty technicznej do prawidłowo przetworzonej faktury.')
  }
  if (rows.some((row) => row.hash_of_corrected_invoice === hash && row.status_code === 200)) {
    throw ApiError.badRequest(21166, 'Faktura posiada już przetworzoną prawidłowo korektę techniczną.')
  }
}
