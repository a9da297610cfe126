/**
 * A purchase invoice received through KSeF -> a BC purchase invoice, once. The vendor is found by the seller's NIP
 * (BC's VAT Registration No., written with or without `PL`); the purchase invoice is looked up by the supplier's
 * invoice number first (`vendorInvoiceNumber` = P_2, which BC keeps unique per vendor), so a retry after a crash
 * finishes the one it started instead of making a second: its missing lines are added, the FA(3) XML attached if it
 * is not, and it is posted only when the connection says so.
 *
 * @module
 */
import { ConnectorError, type ImportOutcome, type IncomingDocument } from '@ksef-hub/connector-sdk'
import { attachFile, attachmentsOf } from './attachments.ts'
import { type BcContext, bc, bcList, parseAnswer } from './bc-client.ts'
import { type PurchaseLines, purchaseLinesOf } from './purchase-lines.ts'
import { type PurchaseInvoiceRecord, purchaseInvoiceRecord, type VendorRecord, vendorRecord } from './records.ts'
import { odataQuery, odataString, refOf } from './refs.ts'
import { purchaseCompanyOf } from './settings.ts'

/** KSeF invoice types that correct another: BC's purchase credit memos are outside API v2.0's subset used here. */
const CORRECTIONS = new Set(['KOR', 'KOR_ZAL', 'KOR_ROZ'])
/** BC's Vendor Invoice No. is a Code[35]. */
const VENDOR_INVOICE_NUMBER_LENGTH = 35
const UNPOSTED = new Set(['Draft', 'In Review', ' ', ''])

/**
 * The vendor with a NIP, tried as BC may hold it (`5265877635`, then `PL5265877635`).
 *
 * @throws `ConnectorError('not_found')` naming the NIP and the company when no vendor has it
 * @example
 * ```ts
 * const vendor = await vendorOf(context, companyId, '5265877635')
 * ```
 */
export async function vendorOf(context: BcContext, companyId: string, nip: string): Promise<VendorRecord> {
  for (const value of [nip, `PL${nip}`]) {
    const query = odataQuery({ $filter: `taxRegistrationNumber eq ${odataString(value)}` })
    const vendors = await bcList(context, `/companies(${companyId})/vendors${query}`, vendorRecord)
    const usable = vendors.find((vendor) => vendor.blocked !== 'All') ?? vendors[0]
    if (usable) return usable
  }
  throw new ConnectorError(
    'not_found',
    `no vendor in Business Central company ${companyId} has the NIP ${nip} (VAT Registration No., with or without PL): create the vendor, and the import is tried again`,
  )
}

async function findInvoice(
  context: BcContext,
  companyId: string,
  vendorId: string,
  number: string,
): Promise<PurchaseInvoiceRecord | undefined> {
  const query = odataQuery({
    $filter: `vendorInvoiceNumber eq ${odataString(number)}`,
    $expand: 'purchaseInvoiceLines',
  })
  const found = await bcList(context, `/companies(${companyId})/purchaseInvoices${query}`, purchaseInvoiceRecord)
  return found.find((invoice) => !invoice.vendorId || invoice.vendorId.toLowerCase() === vendorId.toLowerCase())
}

function dueDateOf(incoming: IncomingDocument): string | undefined {
  return incoming.invoice?.details.payment?.dueDates?.find((due) => due.date)?.date
}

async function createInvoice(
  context: BcContext,
  companyId: string,
  vendorId: string,
  number: string,
  incoming: IncomingDocument,
  lines: PurchaseLines,
): Promise<PurchaseInvoiceRecord> {
  const due = dueDateOf(incoming)
  // Not resent after a lost answer: the retry finds the invoice by the supplier's number.
  const response = await bc(context, {
    method: 'POST',
    url: `/companies(${companyId})/purchaseInvoices`,
    json: {
      vendorId,
      vendorInvoiceNumber: number,
      invoiceDate: incoming.issueDate,
      ...(due ? { dueDate: due } : {}),
      // BC's local currency is written as no code; PLN is the local currency of a Polish company.
      ...(incoming.currency !== 'PLN' ? { currencyCode: incoming.currency } : {}),
      pricesIncludeTax: lines.pricesIncludeTax,
    },
  })
  return parseAnswer(purchaseInvoiceRecord, response.json(), 'POST purchaseInvoices')
}

/**
 * Imports a purchase invoice from KSeF into BC, once.
 *
 * @example
 * ```ts
 * await importIncoming(context, incoming) // { ref: 'companies(…)/purchaseInvoices(…)', created: true }
 * await importIncoming(context, incoming) // { ref: 'companies(…)/purchaseInvoices(…)', created: false }
 * ```
 */
export async function importIncoming(context: BcContext, incoming: IncomingDocument): Promise<ImportOutcome> {
  const { settings } = context
  const glAccount = settings.purchase.glAccount
  const what = `purchase invoice ${incoming.invoiceNumber} (KSeF ${incoming.ksefNumber})`
  if (!glAccount) {
    throw new ConnectorError(
      'validation',
      `${what} cannot be imported: settings.purchase.glAccount is not set (the G/L account of its lines)`,
    )
  }
  if (CORRECTIONS.has(incoming.invoiceType)) {
    throw new ConnectorError(
      'validation',
      `${what} is a correction (${incoming.invoiceType}): enter it in Business Central as a purchase credit memo by hand`,
    )
  }
  const companyId = purchaseCompanyOf(settings)
  const vendor = await vendorOf(context, companyId, incoming.sellerNip)
  const number = incoming.invoiceNumber.slice(0, VENDOR_INVOICE_NUMBER_LENGTH)
  const lines = purchaseLinesOf(incoming, settings, glAccount)
  const existing = await findInvoice(context, companyId, vendor.id, number)
  const invoice = existing ?? (await createInvoice(context, companyId, vendor.id, number, incoming, lines))
  const posted = !UNPOSTED.has(invoice.status ?? '')
  if (!posted) {
    // Lines are added in order, so those there (a crash between two) are the first ones.
    const have = invoice.purchaseInvoiceLines?.length ?? 0
    for (const line of lines.lines.slice(have)) {
      await bc(context, {
        method: 'POST',
        url: `/companies(${companyId})/purchaseInvoices(${invoice.id})/purchaseInvoiceLines`,
        json: line,
      })
    }
  }
  const attachments = await attachmentsOf(context, companyId, 'Purchase Invoice', invoice.id)
  await attachFile(context, companyId, 'Purchase Invoice', invoice.id, attachments, {
    fileName: `KSeF-${incoming.ksefNumber}.xml`,
    content: incoming.xml,
    contentType: 'application/xml',
  })
  if (settings.purchase.post && !posted) {
    await bc(context, {
      method: 'POST',
      url: `/companies(${companyId})/purchaseInvoices(${invoice.id})/Microsoft.NAV.post`,
    })
  }
  return { ref: refOf(companyId, 'purchaseInvoices', invoice.id), created: existing === undefined }
}
