/**
 * KSeF's answer back into BC. A posted invoice cannot be edited through the API ("You are only allowed to change
 * the attachments"), so the UPO goes in as an attachment of the posted document, `KSeF-<number>-UPO.xml`, with a
 * short text beside it (`KSeF-<number>.txt`: the number, the acceptance time, the verification link), and, where
 * the integrator has an extension with a KSeF field on a custom API page, the number there too (PATCH with the
 * record's ETag). Idempotent: the document's attachments are read first, and a write-back retried after a lost
 * answer finds its files and reports `already`.
 *
 * @module
 */
import { ConnectorError, type DocumentRef, type WriteBackOutcome, type WriteBackResult } from '@ksef-hub/connector-sdk'
import { type AttachedFile, attachFile, attachmentsOf, PARENT_TYPES } from './attachments.ts'
import { type BcContext, bc } from './bc-client.ts'
import { parseRef, type RefParts } from './refs.ts'
import { customApiBaseOf } from './settings.ts'

/**
 * The UPO's file name on the document (what a retry looks for).
 *
 * @example
 * ```ts
 * upoFileName('5265877635-20261120-0123456789AB-CD') // 'KSeF-5265877635-20261120-0123456789AB-CD-UPO.xml'
 * ```
 */
export function upoFileName(ksefNumber: string): string {
  return `KSeF-${ksefNumber}-UPO.xml`
}

/**
 * The short text attached beside the UPO, in Polish and English (accountants read it in BC).
 *
 * @example
 * ```ts
 * noteText(result) // 'Numer KSeF / KSeF number: 5265877635-20261120-…\n…'
 * ```
 */
export function noteText(result: WriteBackResult): string {
  const when = result.acquisitionDate.toLocaleString('sv-SE', { timeZone: 'Europe/Warsaw' })
  return [
    `Numer KSeF / KSeF number: ${result.ksefNumber}`,
    `Faktura / Invoice: ${result.invoiceNumber} (${result.invoiceType})`,
    `Przyjęta w KSeF / Accepted by KSeF: ${when} (Europe/Warsaw)`,
    `Weryfikacja / Verification: ${result.verificationUrl}`,
    '',
  ].join('\n')
}

/** The sales document a ref names, or a validation error (a ref the connector never made). */
function salesDocumentOf(ref: string): RefParts & { kind: 'salesInvoices' | 'salesCreditMemos' } {
  const parts = parseRef(ref)
  if (!parts || parts.kind === 'purchaseInvoices') {
    throw new ConnectorError('validation', `"${ref}" is not a Business Central sales document of this connector`)
  }
  return parts as RefParts & { kind: 'salesInvoices' | 'salesCreditMemos' }
}

/** Writes the KSeF number into the extension's field; `false` when it holds it already (or none is configured). */
async function writeExtensionField(context: BcContext, parts: RefParts, ksefNumber: string): Promise<boolean> {
  const extension = context.settings.writeBack.extensionField
  if (!extension || parts.kind === 'purchaseInvoices') return false
  const url = `${customApiBaseOf(context.settings, extension.apiPath)}/companies(${parts.companyId})/${extension[parts.kind]}(${parts.id})`
  const current = (await bc(context, { url })).json<Record<string, unknown>>()
  if (current[extension.field] === ksefNumber) return false
  const etag = current['@odata.etag']
  await bc(context, {
    method: 'PATCH',
    url,
    // Someone else's edit in between is a 412: the hub retries, reading first.
    headers: { 'if-match': typeof etag === 'string' && etag ? etag : '*' },
    json: { [extension.field]: ksefNumber },
    idempotent: true,
  })
  return true
}

/**
 * Writes KSeF's answer back into the posted document.
 *
 * @example
 * ```ts
 * await writeBack(context, { ref: 'companies(f64e…)/salesInvoices(5d11…)' }, result) // { method: 'attachment' }
 * await writeBack(context, { ref: 'companies(f64e…)/salesInvoices(5d11…)' }, result) // { method: 'already' }
 * ```
 */
export async function writeBack(
  context: BcContext,
  document: DocumentRef,
  result: WriteBackResult,
): Promise<WriteBackOutcome> {
  const parts = salesDocumentOf(document.ref)
  const parentType = PARENT_TYPES[parts.kind]
  const existing = await attachmentsOf(context, parts.companyId, parentType, parts.id)
  const files: AttachedFile[] = [
    { fileName: upoFileName(result.ksefNumber), content: result.upoXml, contentType: 'application/xml' },
  ]
  if (context.settings.writeBack.textAttachment) {
    const content = new TextEncoder().encode(noteText(result))
    files.push({ fileName: `KSeF-${result.ksefNumber}.txt`, content, contentType: 'text/plain; charset=utf-8' })
  }
  let attached = false
  // The UPO first: it is the proof, and a retry that finds it attaches only what is missing after it.
  for (const file of files) {
    const outcome = await attachFile(context, parts.companyId, parentType, parts.id, existing, file)
    attached ||= outcome === 'attached'
  }
  const field = await writeExtensionField(context, parts, result.ksefNumber)
  return { method: attached ? 'attachment' : field ? 'field' : 'already' }
}
