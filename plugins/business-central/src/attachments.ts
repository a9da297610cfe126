/**
 * Document attachments (`documentAttachments`), the one thing BC lets an API change on a posted document. A file is
 * attached in two steps, as API v2.0's page imports content on modify: the record (file name, parent) is created,
 * then its content is PATCHed as raw bytes with `If-Match: *` (BC's docs show the content inlined as base64 in the
 * POST instead: VERIFY; this module is the one place to change). Attaching is idempotent by file name: a file the
 * parent already has is not attached again, and one whose content never arrived (a crash between the two steps)
 * gets its content, not a twin.
 *
 * @module
 */
import { type BcContext, bc, bcList, parseAnswer } from './bc-client.ts'
import { type DocumentAttachmentRecord, documentAttachmentRecord } from './records.ts'
import { odataQuery } from './refs.ts'

/** BC's `parentType` of each kind of document the connector attaches to. */
export const PARENT_TYPES = {
  salesInvoices: 'Sales Invoice',
  salesCreditMemos: 'Sales Credit Memo',
  purchaseInvoices: 'Purchase Invoice',
} as const

/** A parent type. */
export type ParentType = (typeof PARENT_TYPES)[keyof typeof PARENT_TYPES]

/** A file to attach. */
export interface AttachedFile {
  readonly fileName: string
  readonly content: Uint8Array
  readonly contentType: string
}

/**
 * The attachments of a document.
 *
 * @example
 * ```ts
 * const files = await attachmentsOf(context, companyId, 'Sales Invoice', invoiceId)
 * ```
 */
export async function attachmentsOf(
  context: BcContext,
  companyId: string,
  parentType: ParentType,
  parentId: string,
): Promise<DocumentAttachmentRecord[]> {
  // By parent id alone (ids are unique across documents), the type compared here: filters on BC's enums vary.
  const query = odataQuery({ $filter: `parentId eq ${parentId}` })
  const all = await bcList(context, `/companies(${companyId})/documentAttachments${query}`, documentAttachmentRecord)
  return all.filter(
    (attachment) =>
      (attachment.parentId ?? parentId).toLowerCase() === parentId.toLowerCase() &&
      (!attachment.parentType || attachment.parentType === parentType),
  )
}

/** Uploads an attachment's content (raw bytes; replacing it is harmless, so a retry after a timeout is safe). */
async function upload(context: BcContext, companyId: string, attachmentId: string, file: AttachedFile): Promise<void> {
  await bc(context, {
    method: 'PATCH',
    url: `/companies(${companyId})/documentAttachments(${attachmentId})/attachmentContent`,
    headers: { 'if-match': '*', 'content-type': file.contentType },
    body: file.content,
    idempotent: true,
  })
}

/**
 * Attaches a file to a document unless it has it already.
 *
 * @param existing the document's attachments, read before (so several files need one read)
 * @returns `already` when the file was there with its content, `attached` otherwise
 * @example
 * ```ts
 * await attachFile(context, companyId, 'Sales Invoice', invoiceId, existing, { fileName: 'KSeF-…-UPO.xml', content, contentType: 'application/xml' })
 * ```
 */
export async function attachFile(
  context: BcContext,
  companyId: string,
  parentType: ParentType,
  parentId: string,
  existing: readonly DocumentAttachmentRecord[],
  file: AttachedFile,
): Promise<'already' | 'attached'> {
  const found = existing.find((attachment) => attachment.fileName === file.fileName)
  // A size BC does not report is taken as content present: uploading again would be harmless, but not "already".
  if (found && found.byteSize !== 0) return 'already'
  let id = found?.id
  if (!id) {
    // Not resent after a lost answer: the retry reads the attachments first and finds the record by its name.
    const response = await bc(context, {
      method: 'POST',
      url: `/companies(${companyId})/documentAttachments`,
      json: { fileName: file.fileName, parentType, parentId },
    })
    id = parseAnswer(documentAttachmentRecord, response.json(), 'POST documentAttachments').id
  }
  await upload(context, companyId, id, file)
  return 'attached'
}
