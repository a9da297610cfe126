/**
 * Document lines (`salesInvoiceLines`, `salesCreditMemoLines`, `purchaseInvoiceLines`) under their document: read,
 * and on a draft created, changed and deleted, each write recomputing the document's amounts and stamping the
 * document (BC notifies the header when a line changes). A posted document's lines refuse every write.
 *
 * @module
 */
import { type ApiContext, type ApiRequest, entityAnswer, listAnswer, type Segment, setUrl } from './context.ts'
import { ACCOUNTS, recalculate, taxPercentOf } from './documents.ts'
import { BC_ERRORS, BLANK } from './facts.ts'
import { type Answer, BcError } from './http.ts'
import { ENTITIES, type EntitySet, type Row } from './model.ts'
import { listQuery } from './query.ts'
import { LINE_SETS, type Stored } from './store.ts'
import { checkIfMatch, fieldsOf, jsonObject } from './writes.ts'

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/**
 * The stored entity a key names.
 *
 * @throws {BcError} 400 for a key that is not a GUID, 404 for one the set does not hold
 * @example
 * ```ts
 * const invoice = find(context, companyId, 'purchaseInvoices', segment.key)
 * ```
 */
export function find(context: ApiContext, companyId: string, set: EntitySet, key: string): Stored {
  if (!GUID.test(key)) throw new BcError(BC_ERRORS.badKey())
  const stored = context.store.get(companyId, set, key)
  if (!stored) throw new BcError(BC_ERRORS.notFound(ENTITIES[set].table, key))
  return stored
}

/**
 * Renders the lines of a document (for `$expand`).
 *
 * @example
 * ```ts
 * entity.salesInvoiceLines = renderLines(context, companyId, 'salesInvoices', invoice)
 * ```
 */
export function renderLines(
  context: ApiContext,
  companyId: string,
  documentSet: EntitySet,
  document: Stored,
): unknown[] {
  const lineSet = LINE_SETS[documentSet] as EntitySet
  return context.store.linesOf(companyId, documentSet, document.id).map((line) => {
    const { '@odata.context': _context, ...entity } = entityAnswer(context, ENTITIES[lineSet], line, {
      context: lineSet,
    }).json as Record<string, unknown>
    return entity
  })
}

/** Fills in what BC derives for a line: its type's defaults, tax percent, the account checked. */
function completeLine(documentSet: EntitySet, row: Row): Row {
  const table = documentSet === 'purchaseInvoices' ? 'Purchase Line' : 'Sales Line'
  const lineType = String(row.lineType ?? 'Comment')
  if (lineType === 'Comment') return { ...row, lineType }
  const number = String(row.lineObjectNumber ?? '')
  if (lineType !== 'Account') throw new BcError(BC_ERRORS.relation('No.', table, number, lineType))
  if (!ACCOUNTS.includes(number)) throw new BcError(BC_ERRORS.relation('No.', table, number, 'G/L Account'))
  const taxCode = String(row.taxCode ?? 'VAT23')
  return { ...row, lineType, taxCode, taxPercent: taxPercentOf(taxCode, table) }
}

/**
 * Routes `…/{documents}({id})/{lines}[({lineId})]`.
 *
 * @example
 * ```ts
 * return linesRoute(context, request, companyId, 'purchaseInvoices', invoice, segment, () => refuseIfPosted(invoice))
 * ```
 */
export function linesRoute(
  context: ApiContext,
  request: ApiRequest,
  companyId: string,
  documentSet: EntitySet,
  document: Stored,
  segment: Segment,
  refuseIfPosted: () => void,
): Answer {
  const lineSet = LINE_SETS[documentSet] as EntitySet
  const spec = ENTITIES[lineSet]
  const path = `companies(${companyId})/${documentSet}(${document.id})/${lineSet}`
  const store = context.store
  if (segment.key === undefined) {
    if (request.method === 'GET') {
      const query = listQuery(spec, request.url.searchParams, [])
      return listAnswer(context, request, spec, store.linesOf(companyId, documentSet, document.id), query, {
        context: path,
      })
    }
    if (request.method !== 'POST') throw new BcError(BC_ERRORS.methodNotAllowed(request.method, lineSet))
    const fields = fieldsOf(spec, jsonObject(request.body))
    refuseIfPosted()
    const lines = store.linesOf(companyId, documentSet, document.id)
    const sequence = Math.max(0, ...lines.map((line) => Number(line.row.sequence))) + 10_000
    const row = completeLine(documentSet, { sequence, ...fields, documentId: document.id })
    const line = store.insert(companyId, lineSet, row)
    recalculate(store, companyId, documentSet, document.id)
    return entityAnswer(context, spec, line, { context: path, status: 201 })
  }
  const line = find(context, companyId, lineSet, segment.key)
  if (line.row.documentId !== document.id) throw new BcError(BC_ERRORS.notFound(spec.table, segment.key))
  switch (request.method) {
    case 'GET':
      return entityAnswer(context, spec, line, { context: path })
    case 'PATCH': {
      const body = jsonObject(request.body)
      checkIfMatch(request.headers['if-match'], store.etag(line), true)
      const fields = fieldsOf(spec, body)
      refuseIfPosted()
      const row = completeLine(documentSet, { ...line.row, ...fields })
      const updated = store.update(companyId, lineSet, line.id, row)
      recalculate(store, companyId, documentSet, document.id)
      return entityAnswer(context, spec, updated, { context: path })
    }
    case 'DELETE':
      checkIfMatch(request.headers['if-match'], store.etag(line), false)
      refuseIfPosted()
      store.delete(companyId, lineSet, line.id)
      recalculate(store, companyId, documentSet, document.id)
      return { status: 204 }
    default:
      throw new BcError(BC_ERRORS.methodNotAllowed(request.method, lineSet))
  }
}

/**
 * The URL of an entity, for media links.
 *
 * @example
 * ```ts
 * selfOf(context, companyId, 'documentAttachments', id) // '…/companies(<id>)/documentAttachments(<id>)'
 * ```
 */
export function selfOf(context: ApiContext, companyId: string, set: EntitySet, id: string): string {
  return setUrl(context, companyId, `${set}(${id})`)
}

/** Whether a GUID field holds a value. */
export const hasGuid = (value: unknown): boolean => typeof value === 'string' && value !== '' && value !== BLANK.guid
