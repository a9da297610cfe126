/**
 * The UPO on the invoice: the file in HubSpot's File Manager (PRIVATE), and a note on the invoice with the file
 * attached and the KSeF number, acceptance time and verification link in its body. Idempotent: the invoice's notes
 * are read first, and one naming the KSeF number means it is done. The note is created already associated with the
 * invoice (not associated after), so an answer lost after the creation leaves a note the next attempt finds, never
 * a second one. A file uploaded by an attempt whose note was never made is left behind, unreferenced.
 *
 * @module
 */
import notes from '@hubspot/api-client/lib/codegen/crm/objects/notes/index.js'
import { ConnectorError, type WriteBackResult } from '@ksef-hub/connector-sdk'
import { type HubSpotContext, hubspot } from './hubspot.ts'

/**
 * The UPO's file name (what a reader of the note sees).
 *
 * @example
 * ```ts
 * upoFileName('5265877635-20261120-0123456789AB-CD') // 'KSeF-5265877635-20261120-0123456789AB-CD-UPO.xml'
 * ```
 */
export function upoFileName(ksefNumber: string): string {
  return `KSeF-${ksefNumber}-UPO.xml`
}

const html = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  )

/**
 * The note's body (HTML, as HubSpot's notes are), in Polish and English: accountants read it on the invoice.
 *
 * @example
 * ```ts
 * noteBody(result) // '<p>Numer KSeF / KSeF number: <strong>5265877635-20261120-…</strong></p>…'
 * ```
 */
export function noteBody(result: WriteBackResult): string {
  const when = result.acquisitionDate.toLocaleString('sv-SE', { timeZone: 'Europe/Warsaw' })
  const url = html(result.verificationUrl)
  return [
    `<p>Numer KSeF / KSeF number: <strong>${html(result.ksefNumber)}</strong></p>`,
    `<p>Faktura / Invoice: ${html(result.invoiceNumber)} (${html(result.invoiceType)})</p>`,
    `<p>Przyjęta w KSeF / Accepted by KSeF: ${when} (Europe/Warsaw)</p>`,
    `<p>Weryfikacja / Verification: <a href="${url}">${url}</a></p>`,
    `<p>UPO: ${html(upoFileName(result.ksefNumber))}</p>`,
  ].join('')
}

/** The ids of the notes associated with an invoice, every page. */
async function notesOf(context: HubSpotContext, invoiceId: string): Promise<string[]> {
  const ids: string[] = []
  let after: string | undefined
  do {
    const page = await hubspot(context, "read the invoice's notes", (apis) =>
      apis.associations.basic.getPage('invoices', invoiceId, 'notes', after, 500),
    )
    ids.push(...page.results.map((link) => String(link.toObjectId)))
    after = page.paging?.next?.after
  } while (after)
  return ids
}

/**
 * Whether the invoice has a note naming the KSeF number.
 *
 * @example
 * ```ts
 * await hasUpoNote(context, '391820334561', '5265877635-20261120-0123456789AB-CD') // false before, true after
 * ```
 */
export async function hasUpoNote(context: HubSpotContext, invoiceId: string, ksefNumber: string): Promise<boolean> {
  const ids = await notesOf(context, invoiceId)
  for (let index = 0; index < ids.length; index += 100) {
    const inputs = ids.slice(index, index + 100).map((id) => ({ id }))
    const answer = await hubspot(context, 'read notes', (apis) =>
      apis.notes.batch.read({ inputs, properties: ['hs_note_body'], propertiesWithHistory: [] }),
    )
    if (answer.results.some((note) => note.properties.hs_note_body?.includes(ksefNumber))) return true
  }
  return false
}

/** HubSpot's own association type of a note to an invoice (the setting, else HubSpot's label list; VERIFY). */
async function noteToInvoiceType(context: HubSpotContext): Promise<number> {
  const configured = context.settings.writeBack.noteAssociationTypeId
  if (configured !== undefined) return configured
  const labels = await hubspot(context, 'read the note-to-invoice association types', (apis) =>
    apis.associations.labels.getAll('notes', 'invoices'),
  )
  const defined = labels.results.filter((spec) => String(spec.category) === 'HUBSPOT_DEFINED')
  const type = defined.find((spec) => !spec.label) ?? defined[0]
  if (!type) {
    throw new ConnectorError(
      'validation',
      'HubSpot names no association type of notes to invoices: set settings.writeBack.noteAssociationTypeId',
    )
  }
  return type.typeId
}

/**
 * Uploads the UPO and makes the note on the invoice; `false` when the invoice has the note already.
 *
 * @example
 * ```ts
 * await writeUpoNote(context, '391820334561', result) // true, then false
 * ```
 */
export async function writeUpoNote(
  context: HubSpotContext,
  invoiceId: string,
  result: WriteBackResult,
): Promise<boolean> {
  if (await hasUpoNote(context, invoiceId, result.ksefNumber)) return false
  const name = upoFileName(result.ksefNumber)
  const file: { id?: unknown } = await hubspot(context, 'upload the UPO', (apis) =>
    apis.files.upload(
      { data: Buffer.from(result.upoXml), name },
      undefined,
      context.settings.writeBack.folderPath,
      name,
      undefined,
      JSON.stringify({ access: 'PRIVATE' }),
    ),
  )
  if (typeof file?.id !== 'string' && typeof file?.id !== 'number') {
    throw new ConnectorError('transient', 'HubSpot answered the UPO upload without a file id')
  }
  const associationTypeId = await noteToInvoiceType(context)
  await hubspot(context, 'create the UPO note', (apis) =>
    apis.notes.basic.create({
      properties: {
        hs_timestamp: result.acquisitionDate.toISOString(),
        hs_note_body: noteBody(result),
        hs_attachment_ids: String(file.id),
      },
      associations: [
        {
          to: { id: invoiceId },
          types: [
            { associationCategory: notes.AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId },
          ],
        },
      ],
    }),
  )
  return true
}
