/**
 * `salesInvoices` and `salesCreditMemos`: lists with `$expand` of lines and customer, one document, its lines,
 * its document attachments, and BC's rules for writes: a posted invoice takes only `promisedPayDate`,
 * `disputeStatusId` and `disputeStatus` (which a draft refuses: AL `TestField(Posted)`), a posted credit memo
 * takes nothing, and neither can be deleted; a draft is posted with `Microsoft.NAV.post` (a new number, the same
 * id). Sales documents come from `seed`/`postInvoice`: creating one through the API is not imitated.
 *
 * @module
 */
import { attachmentsRoute } from './attachments.ts'
import { type ApiContext, type ApiRequest, type Expander, entityAnswer, listAnswer, type Segment } from './context.ts'
import { recalculate } from './documents.ts'
import { BC_ERRORS, UNPOSTED_STATUSES } from './facts.ts'
import { type Answer, BcError } from './http.ts'
import { find, linesRoute, renderLines } from './lines.ts'
import { ENTITIES, render } from './model.ts'
import { listQuery } from './query.ts'
import { LINE_SETS, type Stored } from './store.ts'
import { checkIfMatch, fieldsOf, jsonObject } from './writes.ts'

/** The two sales document sets. */
export type SalesSet = 'salesInvoices' | 'salesCreditMemos'

/** Whether a document is posted (anything but Draft and In Review). */
export const isPosted = (stored: Stored): boolean => !UNPOSTED_STATUSES.includes(String(stored.row.status))

function expander(context: ApiContext, companyId: string, set: SalesSet): Expander {
  return (stored, name) => {
    if (name === 'customer') {
      const customer = context.store.get(companyId, 'customers', String(stored.row.customerId))
      return customer ? render(ENTITIES.customers, customer.row, { etag: context.store.etag(customer) }) : null
    }
    return renderLines(context, companyId, set, stored)
  }
}

function refusal(set: SalesSet) {
  return set === 'salesInvoices' ? BC_ERRORS.postedInvoice() : BC_ERRORS.postedCreditMemo()
}

/** Applies a PATCH to a sales document, as BC's page and aggregator allow it. */
function patch(context: ApiContext, request: ApiRequest, companyId: string, set: SalesSet, stored: Stored): Answer {
  const spec = ENTITIES[set]
  const body = jsonObject(request.body)
  checkIfMatch(request.headers['if-match'], context.store.etag(stored), true)
  const fields = fieldsOf(spec, body)
  const names = Object.keys(fields)
  const onlyOnPosted = names.filter((name) => spec.field.get(name)?.onlyOnPosted)
  if (isPosted(stored)) {
    if (set === 'salesCreditMemos' || names.length > onlyOnPosted.length) throw new BcError(refusal(set))
  } else if (onlyOnPosted.length > 0) {
    throw new BcError(BC_ERRORS.onlyOnPosted(spec.table, stored.id))
  }
  const updated = context.store.update(companyId, set, stored.id, fields)
  recalculate(context.store, companyId, set, stored.id)
  return entityAnswer(context, spec, updated, {
    context: `companies(${companyId})/${set}`,
    expand: expander(context, companyId, set),
  })
}

/** Posts a draft: status Open, a number of the posted series, the id kept. */
function post(context: ApiContext, request: ApiRequest, companyId: string, set: SalesSet, stored: Stored): Answer {
  checkIfMatch(request.headers['if-match'], context.store.etag(stored), false)
  if (isPosted(stored)) throw new BcError(refusal(set))
  const dateField = set === 'salesInvoices' ? 'invoiceDate' : 'creditMemoDate'
  const date = String(stored.row[dateField] ?? context.clock.now().toISOString().slice(0, 10))
  const series = set === 'salesInvoices' ? 'FV' : 'FK'
  if (context.store.linesOf(companyId, set, stored.id).length === 0) {
    throw new BcError(BC_ERRORS.dialog('There is nothing to post.'))
  }
  context.store.update(companyId, set, stored.id, {
    status: 'Open',
    number: context.numbering(companyId).next(series, Number(date.slice(0, 4))),
    postingDate: String(stored.row.postingDate ?? date),
  })
  return { status: 204 }
}

/**
 * Routes `…/companies({id})/salesInvoices…` and `…/salesCreditMemos…`.
 *
 * @example
 * ```ts
 * return salesRoute(context, request, companyId, segments.slice(1))
 * ```
 */
export function salesRoute(
  context: ApiContext,
  request: ApiRequest,
  companyId: string,
  segments: readonly Segment[],
): Answer | Promise<Answer> {
  const [head, next] = segments as [Segment, Segment | undefined]
  const set = head.name as SalesSet
  const spec = ENTITIES[set]
  const path = `companies(${companyId})/${set}`
  const lineSet = LINE_SETS[set] as string
  const expandable = [lineSet, 'customer']
  if (head.key === undefined) {
    if (request.method === 'POST') {
      throw new BcError(
        BC_ERRORS.dialog('The fake does not create sales documents through the API: use seed or postInvoice.'),
      )
    }
    if (request.method !== 'GET') throw new BcError(BC_ERRORS.methodNotAllowed(request.method, set))
    const query = listQuery(spec, request.url.searchParams, expandable)
    return listAnswer(context, request, spec, context.store.all(companyId, set), query, {
      context: path,
      expand: expander(context, companyId, set),
    })
  }
  const stored = find(context, companyId, set, head.key)
  if (next === undefined) {
    switch (request.method) {
      case 'GET': {
        const query = listQuery(spec, request.url.searchParams, expandable)
        return entityAnswer(context, spec, stored, { context: path, query, expand: expander(context, companyId, set) })
      }
      case 'PATCH':
        return patch(context, request, companyId, set, stored)
      case 'DELETE':
        checkIfMatch(request.headers['if-match'], context.store.etag(stored), false)
        if (isPosted(stored)) throw new BcError(refusal(set))
        context.store.delete(companyId, set, stored.id)
        return { status: 204 }
      default:
        throw new BcError(BC_ERRORS.methodNotAllowed(request.method, set))
    }
  }
  if (next.name === lineSet && segments.length === 2) {
    return linesRoute(context, request, companyId, set, stored, next, () => {
      if (isPosted(stored)) throw new BcError(refusal(set))
    })
  }
  if (next.name === 'Microsoft.NAV.post' && segments.length === 2 && next.key === undefined) {
    if (request.method !== 'POST') throw new BcError(BC_ERRORS.methodNotAllowed(request.method, next.name))
    return post(context, request, companyId, set, stored)
  }
  if (next.name === 'documentAttachments') {
    const parentType = set === 'salesInvoices' ? 'Sales Invoice' : 'Sales Credit Memo'
    return attachmentsRoute(context, request, companyId, segments.slice(1), { parentType, parentId: stored.id })
  }
  throw new BcError(BC_ERRORS.unknownSegment(next.name))
}
