/**
 * `purchaseInvoices`: drafts created and changed through the API (the vendor's data copied in, the currency
 * checked, `vendorInvoiceNumber` a `Code[35]`), their lines, their attachments, and `Microsoft.NAV.post`, which
 * refuses an invoice without lines or without a vendor invoice number, or whose vendor invoice number the vendor
 * already has on a posted invoice, and otherwise posts it (status Open, a posted number, the same id). A posted
 * invoice refuses every change.
 *
 * @module
 */
import { attachmentsRoute } from './attachments.ts'
import { type ApiContext, type ApiRequest, type Expander, entityAnswer, listAnswer, type Segment } from './context.ts'
import { recalculate } from './documents.ts'
import { BC_ERRORS } from './facts.ts'
import { type Answer, BcError } from './http.ts'
import { find, hasGuid, linesRoute, renderLines } from './lines.ts'
import { addressFields, ENTITIES, type Row, render } from './model.ts'
import { listQuery } from './query.ts'
import { isPosted } from './sales.ts'
import type { Stored } from './store.ts'
import { checkIfMatch, fieldsOf, jsonObject } from './writes.ts'

const spec = ENTITIES.purchaseInvoices
const TABLE = 'Purchase Header'

function expander(context: ApiContext, companyId: string): Expander {
  return (stored, name) => {
    if (name === 'vendor') {
      const vendor = context.store.get(companyId, 'vendors', String(stored.row.vendorId))
      return vendor ? render(ENTITIES.vendors, vendor.row, { etag: context.store.etag(vendor) }) : null
    }
    return renderLines(context, companyId, 'purchaseInvoices', stored)
  }
}

/** The vendor a body names (by id or number), its data as BC copies it into the invoice. */
function vendorFields(context: ApiContext, companyId: string, fields: Row): Row {
  const vendors = context.store.all(companyId, 'vendors')
  const vendor = hasGuid(fields.vendorId)
    ? vendors.find((candidate) => candidate.id === fields.vendorId)
    : vendors.find((candidate) => candidate.row.number === fields.vendorNumber)
  if (!vendor) {
    const given = String(hasGuid(fields.vendorId) ? fields.vendorId : (fields.vendorNumber ?? ''))
    throw new BcError(BC_ERRORS.relation('Buy-from Vendor No.', TABLE, given, 'Vendor'))
  }
  const row = vendor.row
  const address = (prefix: string) => addressFields(prefix, row)
  return {
    vendorId: vendor.id,
    vendorNumber: row.number ?? '',
    vendorName: row.displayName ?? '',
    payToVendorId: vendor.id,
    payToVendorNumber: row.number ?? '',
    payToName: row.displayName ?? '',
    ...address('buyFrom'),
    ...address('payTo'),
  }
}

function currencyFields(context: ApiContext, companyId: string, code: string): Row {
  // The API translates the local currency's blank code into its code (notes §3): PLN either way.
  if (code === '' || code === 'PLN') return { currencyCode: 'PLN' }
  const currency = context.store.all(companyId, 'currencies').find((stored) => stored.row.code === code)
  if (!currency) throw new BcError(BC_ERRORS.relation('Currency Code', TABLE, code, 'Currency'))
  return { currencyCode: code, currencyId: currency.id }
}

function create(context: ApiContext, request: ApiRequest, companyId: string): Answer {
  const fields = fieldsOf(spec, jsonObject(request.body))
  const today = context.clock.now().toISOString().slice(0, 10)
  const invoiceDate = String(fields.invoiceDate ?? today)
  const row: Row = {
    postingDate: invoiceDate,
    dueDate: invoiceDate,
    pricesIncludeTax: false,
    ...fields,
    invoiceDate,
    ...vendorFields(context, companyId, fields),
    ...currencyFields(context, companyId, String(fields.currencyCode ?? '')),
    status: 'Draft',
    number: context.numbering(companyId).next('P'),
  }
  const stored = context.store.insert(companyId, 'purchaseInvoices', row)
  recalculate(context.store, companyId, 'purchaseInvoices', stored.id)
  return entityAnswer(context, spec, stored, { context: `companies(${companyId})/purchaseInvoices`, status: 201 })
}

function update(context: ApiContext, request: ApiRequest, companyId: string, stored: Stored): Answer {
  const body = jsonObject(request.body)
  checkIfMatch(request.headers['if-match'], context.store.etag(stored), true)
  const fields = fieldsOf(spec, body)
  if (isPosted(stored)) throw new BcError(BC_ERRORS.postedInvoice())
  const vendor = 'vendorId' in fields || 'vendorNumber' in fields ? vendorFields(context, companyId, fields) : {}
  const currency = 'currencyCode' in fields ? currencyFields(context, companyId, String(fields.currencyCode)) : {}
  const updated = context.store.update(companyId, 'purchaseInvoices', stored.id, { ...fields, ...vendor, ...currency })
  recalculate(context.store, companyId, 'purchaseInvoices', stored.id)
  return entityAnswer(context, spec, updated, { context: `companies(${companyId})/purchaseInvoices` })
}

function post(context: ApiContext, request: ApiRequest, companyId: string, stored: Stored): Answer {
  checkIfMatch(request.headers['if-match'], context.store.etag(stored), false)
  if (isPosted(stored)) throw new BcError(BC_ERRORS.postedInvoice())
  const key = `Document Type=Invoice,No.=${String(stored.row.number)}`
  const vendorInvoiceNumber = String(stored.row.vendorInvoiceNumber ?? '')
  if (vendorInvoiceNumber === '') throw new BcError(BC_ERRORS.mustHaveValue('Vendor Invoice No.', TABLE, key))
  if (context.store.linesOf(companyId, 'purchaseInvoices', stored.id).length === 0) {
    throw new BcError(BC_ERRORS.dialog('There is nothing to post.'))
  }
  const duplicate = context.store
    .all(companyId, 'purchaseInvoices')
    .some(
      (other) =>
        isPosted(other) &&
        other.row.vendorId === stored.row.vendorId &&
        other.row.vendorInvoiceNumber === vendorInvoiceNumber,
    )
  if (duplicate) throw new BcError(BC_ERRORS.duplicateVendorInvoice(vendorInvoiceNumber))
  const date = String(stored.row.postingDate ?? stored.row.invoiceDate)
  context.store.update(companyId, 'purchaseInvoices', stored.id, {
    status: 'Open',
    number: context.numbering(companyId).next('FZ', Number(date.slice(0, 4))),
  })
  return { status: 204 }
}

/**
 * Routes `…/companies({id})/purchaseInvoices…`.
 *
 * @example
 * ```ts
 * return purchasesRoute(context, request, companyId, segments.slice(1))
 * ```
 */
export function purchasesRoute(
  context: ApiContext,
  request: ApiRequest,
  companyId: string,
  segments: readonly Segment[],
): Answer {
  const [head, next] = segments as [Segment, Segment | undefined]
  const path = `companies(${companyId})/purchaseInvoices`
  const expandable = ['purchaseInvoiceLines', 'vendor']
  if (head.key === undefined) {
    if (request.method === 'POST') return create(context, request, companyId)
    if (request.method !== 'GET') throw new BcError(BC_ERRORS.methodNotAllowed(request.method, 'purchaseInvoices'))
    const query = listQuery(spec, request.url.searchParams, expandable)
    return listAnswer(context, request, spec, context.store.all(companyId, 'purchaseInvoices'), query, {
      context: path,
      expand: expander(context, companyId),
    })
  }
  const stored = find(context, companyId, 'purchaseInvoices', head.key)
  if (next === undefined) {
    switch (request.method) {
      case 'GET': {
        const query = listQuery(spec, request.url.searchParams, expandable)
        return entityAnswer(context, spec, stored, { context: path, query, expand: expander(context, companyId) })
      }
      case 'PATCH':
        return update(context, request, companyId, stored)
      case 'DELETE':
        checkIfMatch(request.headers['if-match'], context.store.etag(stored), false)
        if (isPosted(stored)) throw new BcError(BC_ERRORS.postedInvoice())
        context.store.delete(companyId, 'purchaseInvoices', stored.id)
        return { status: 204 }
      default:
        throw new BcError(BC_ERRORS.methodNotAllowed(request.method, 'purchaseInvoices'))
    }
  }
  if (next.name === 'purchaseInvoiceLines' && segments.length === 2) {
    return linesRoute(context, request, companyId, 'purchaseInvoices', stored, next, () => {
      if (isPosted(stored)) throw new BcError(BC_ERRORS.postedInvoice())
    })
  }
  if (next.name === 'Microsoft.NAV.post' && segments.length === 2 && next.key === undefined) {
    if (request.method !== 'POST') throw new BcError(BC_ERRORS.methodNotAllowed(request.method, next.name))
    return post(context, request, companyId, stored)
  }
  if (next.name === 'documentAttachments') {
    return attachmentsRoute(context, request, companyId, segments.slice(1), {
      parentType: 'Purchase Invoice',
      parentId: stored.id,
    })
  }
  throw new BcError(BC_ERRORS.unknownSegment(next.name))
}
