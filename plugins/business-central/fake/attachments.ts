/**
 * `documentAttachments`, at the company and under a document: the two-step upload BC's AL page imposes (POST the
 * record with `fileName`, `parentType`, `parentId`; then PATCH the raw bytes to `…/attachmentContent` with
 * `If-Match`), the bytes read back, and attachments listed by `$filter=parentId eq …`. An attachment does not
 * change its document: a posted invoice stays as it was, unstamped and not notified. Every POST adds a record,
 * so writing the same file twice leaves two.
 *
 * @module
 */
import { type ApiContext, type ApiRequest, entityAnswer, listAnswer, type Segment } from './context.ts'
import { BC_ERRORS, INLINE_ATTACHMENT_CONTENT } from './facts.ts'
import { type Answer, BcError } from './http.ts'
import { find, selfOf } from './lines.ts'
import { ENTITIES, type EntitySet, type Row } from './model.ts'
import { listQuery } from './query.ts'
import { checkIfMatch, fieldsOf, jsonObject } from './writes.ts'

/** The document sets a `parentType` names. */
export const PARENT_SETS: Readonly<Record<string, EntitySet>> = {
  'Sales Invoice': 'salesInvoices',
  'Sales Credit Memo': 'salesCreditMemos',
  'Purchase Invoice': 'purchaseInvoices',
}

/** The parent an attachment route is under, when it is under one. */
export interface AttachmentParent {
  readonly parentType: string
  readonly parentId: string
}

const spec = ENTITIES.documentAttachments

function create(context: ApiContext, request: ApiRequest, companyId: string, parent?: AttachmentParent): Answer {
  const body = jsonObject(request.body)
  if ('attachmentContent' in body && !INLINE_ATTACHMENT_CONTENT) {
    throw new BcError(BC_ERRORS.badValue('attachmentContent', 'Edm.Stream'))
  }
  const fields: Row = { ...fieldsOf(spec, body), ...parent }
  const parentType = String(fields.parentType ?? ' ')
  const parentSet = PARENT_SETS[parentType]
  if (!parentSet) throw new BcError(BC_ERRORS.dialog(`The fake holds no documents of type '${parentType}'.`))
  const parentId = String(fields.parentId ?? '')
  if (!context.store.get(companyId, parentSet, parentId)) {
    throw new BcError(BC_ERRORS.notFound(ENTITIES[parentSet].table, parentId))
  }
  if (!fields.fileName) {
    throw new BcError(BC_ERRORS.mustHaveValue('File Name', 'Document Attachment', `Table ID=0,No.=,Line No.=0`))
  }
  const stored = context.store.insert(companyId, 'documentAttachments', { lineNumber: 0, byteSize: 0, ...fields })
  return entityAnswer(context, spec, stored, {
    context: `companies(${companyId})/documentAttachments`,
    self: selfOf(context, companyId, 'documentAttachments', stored.id),
    status: 201,
  })
}

function content(context: ApiContext, request: ApiRequest, companyId: string, id: string): Answer {
  const stored = find(context, companyId, 'documentAttachments', id)
  if (request.method === 'GET') {
    return {
      status: 200,
      body: stored.content ?? Buffer.alloc(0),
      headers: { 'content-type': 'application/octet-stream' },
    }
  }
  if (request.method !== 'PATCH' && request.method !== 'PUT') {
    throw new BcError(BC_ERRORS.methodNotAllowed(request.method, 'attachmentContent'))
  }
  checkIfMatch(request.headers['if-match'], context.store.etag(stored), true)
  context.store.setContent(companyId, stored.id, request.body)
  return { status: 204 }
}

/**
 * Routes `…/documentAttachments[({id})[/attachmentContent]]`, at the company or under a document.
 *
 * @example
 * ```ts
 * return attachmentsRoute(context, request, companyId, segments, { parentType: 'Sales Invoice', parentId })
 * ```
 */
export function attachmentsRoute(
  context: ApiContext,
  request: ApiRequest,
  companyId: string,
  segments: readonly Segment[],
  parent?: AttachmentParent,
): Answer {
  const [head, next] = segments as [Segment, Segment | undefined]
  const path = `companies(${companyId})/documentAttachments`
  const self = (id: string) => selfOf(context, companyId, 'documentAttachments', id)
  if (head.key === undefined) {
    if (request.method === 'POST') return create(context, request, companyId, parent)
    if (request.method !== 'GET') throw new BcError(BC_ERRORS.methodNotAllowed(request.method, 'documentAttachments'))
    const all = context.store.all(companyId, 'documentAttachments')
    const mine = parent ? all.filter((stored) => stored.row.parentId === parent.parentId) : all
    const query = listQuery(spec, request.url.searchParams, [])
    return listAnswer(context, request, spec, mine, query, { context: path, self: (stored) => self(stored.id) })
  }
  const stored = find(context, companyId, 'documentAttachments', head.key)
  if (parent && stored.row.parentId !== parent.parentId) throw new BcError(BC_ERRORS.notFound(spec.table, head.key))
  if (next?.name === 'attachmentContent' && segments.length === 2)
    return content(context, request, companyId, stored.id)
  if (next !== undefined) throw new BcError(BC_ERRORS.unknownSegment(next.name))
  switch (request.method) {
    case 'GET':
      return entityAnswer(context, spec, stored, { context: path, self: self(stored.id) })
    case 'PATCH': {
      const body = jsonObject(request.body)
      checkIfMatch(request.headers['if-match'], context.store.etag(stored), true)
      const updated = context.store.update(companyId, 'documentAttachments', stored.id, fieldsOf(spec, body))
      return entityAnswer(context, spec, updated, { context: path, self: self(stored.id) })
    }
    case 'DELETE':
      checkIfMatch(request.headers['if-match'], context.store.etag(stored), false)
      context.store.delete(companyId, 'documentAttachments', stored.id)
      return { status: 204 }
    default:
      throw new BcError(BC_ERRORS.methodNotAllowed(request.method, 'documentAttachments'))
  }
}
