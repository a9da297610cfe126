/**
 * A sales document as BC posts it, written straight into the store (for seeding and the test-side API): the
 * header with the customer's data copied in (sell-to and bill-to), the number of its series, its lines with the
 * tax percent of their code, and the amounts computed as BC computes them.
 *
 * @module
 */

import { addDays } from '@ksef-hub/connector-sdk/testing'
import { type Numbering, recalculate, TAX_RATES } from './documents.ts'
import { addressFields, type Row } from './model.ts'
import type { Store, Stored } from './store.ts'

/** A line to post. Amounts are decimal strings. */
export interface LineInput {
  readonly lineType: string
  readonly lineObjectNumber?: string
  readonly description: string
  readonly unitOfMeasureCode?: string
  readonly quantity?: string
  /** Net, or gross when the document's prices include tax. */
  readonly unitPrice?: string
  readonly taxCode?: string
  readonly discountPercent?: string
}

/** A sales document to post. */
export interface DocumentInput {
  readonly customer: Stored
  readonly currencyCode: string
  readonly pricesIncludeTax?: boolean
  /** The invoice date (a credit memo's `creditMemoDate`). */
  readonly invoiceDate: string
  /** `Open`, `Paid`, ... or `Draft` (a draft keeps a draft number). */
  readonly status: string
  readonly lines: readonly LineInput[]
  /** On a credit memo: the invoice it corrects. */
  readonly invoiceId?: string
  readonly invoiceNumber?: string
  readonly externalDocumentNumber?: string
  /** The `lastModifiedDateTime` to stamp (default: the clock's next instant). */
  readonly at?: string
}

function customerFields(customer: Stored): Row {
  const row = customer.row
  const address = (prefix: string) => addressFields(prefix, row)
  return {
    customerId: customer.id,
    customerNumber: row.number ?? '',
    customerName: row.displayName ?? '',
    billToName: row.displayName ?? '',
    billToCustomerId: customer.id,
    billToCustomerNumber: row.number ?? '',
    email: row.email ?? '',
    ...address('sellTo'),
    ...address('billTo'),
  }
}

/**
 * Posts a sales invoice or credit memo; returns its id.
 *
 * @example
 * ```ts
 * const id = postDocument(store, numbering, companyId, 'salesInvoices', { customer, currencyCode: 'PLN', ... }, true)
 * ```
 */
export function postDocument(
  store: Store,
  numbering: Numbering,
  companyId: string,
  set: 'salesInvoices' | 'salesCreditMemos',
  input: DocumentInput,
  notify: boolean,
): string {
  const draft = input.status === 'Draft' || input.status === 'In Review'
  const year = Number(input.invoiceDate.slice(0, 4))
  const invoice = set === 'salesInvoices'
  const currency = store.all(companyId, 'currencies').find((stored) => stored.row.code === input.currencyCode)
  const header: Row = {
    number: draft ? numbering.next('S') : numbering.salesNumber(invoice, year),
    externalDocumentNumber: input.externalDocumentNumber ?? '',
    [invoice ? 'invoiceDate' : 'creditMemoDate']: input.invoiceDate,
    postingDate: input.invoiceDate,
    dueDate: addDays(input.invoiceDate, 14),
    ...customerFields(input.customer),
    ...(invoice ? { shipToName: input.customer.row.displayName ?? '' } : {}),
    currencyCode: input.currencyCode,
    ...(currency ? { currencyId: currency.id } : {}),
    pricesIncludeTax: input.pricesIncludeTax ?? false,
    status: input.status,
    ...(input.invoiceId ? { invoiceId: input.invoiceId, invoiceNumber: input.invoiceNumber ?? '' } : {}),
  }
  const options = { notify, ...(input.at ? { at: input.at } : {}) }
  const document = store.insert(companyId, set, header, options)
  const lineSet = invoice ? 'salesInvoiceLines' : 'salesCreditMemoLines'
  input.lines.forEach((line, index) => {
    const taxCode = line.lineType === 'Comment' ? '' : (line.taxCode ?? 'VAT23')
    store.insert(
      companyId,
      lineSet,
      {
        documentId: document.id,
        sequence: (index + 1) * 10_000,
        lineType: line.lineType,
        lineObjectNumber: line.lineObjectNumber ?? '',
        description: line.description,
        unitOfMeasureCode: line.unitOfMeasureCode ?? '',
        quantity: line.quantity ?? '0',
        unitPrice: line.unitPrice ?? '0',
        discountPercent: line.discountPercent ?? '0',
        taxCode,
        taxPercent: TAX_RATES[taxCode] ?? '0',
        shipmentDate: input.invoiceDate,
      },
      options,
    )
  })
  recalculate(store, companyId, set, document.id)
  return document.id
}
