/**
 * KSeF's answer back into the HubSpot invoice: its KSeF properties (number, status, acceptance date, verification
 * link; `properties.ts`) and a note with the UPO attached (`upo-note.ts`), each read before it is written, so a
 * write-back retried after a lost answer completes what is missing and reports `already` when nothing is.
 *
 * @module
 */
import { ConnectorError, type DocumentRef, type WriteBackOutcome, type WriteBackResult } from '@ksef-hub/connector-sdk'
import type { HubSpotContext } from './hubspot.ts'
import { writeProperties } from './properties.ts'
import { writeUpoNote } from './upo-note.ts'

/**
 * Writes KSeF's answer back into the invoice.
 *
 * @example
 * ```ts
 * await writeBack(context, { ref: '391820334561' }, result) // { method: 'note' }
 * await writeBack(context, { ref: '391820334561' }, result) // { method: 'already' }
 * ```
 */
export async function writeBack(
  context: HubSpotContext,
  document: DocumentRef,
  result: WriteBackResult,
): Promise<WriteBackOutcome> {
  if (!/^\d+$/.test(document.ref)) {
    throw new ConnectorError('validation', `"${document.ref}" is not a HubSpot invoice of this connector`)
  }
  const { properties, upoNote } = context.settings.writeBack
  if (!properties && !upoNote) return { method: 'none' }
  const fields = properties ? await writeProperties(context, document.ref, result) : false
  const note = upoNote ? await writeUpoNote(context, document.ref, result) : false
  return { method: note ? 'note' : fields ? 'field' : 'already' }
}
