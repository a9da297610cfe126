/**
 * What each invoice type and annotation requires beyond the XSD: correction data on corrections only, advance
 * references on settlement invoices, Podmiot3 for JST and VAT-group units, the exemption basis, margin and reverse
 * charge annotations, mandatory split payment, the simplified-invoice limit, and KSeF's size limit.
 *
 * @module
 */
import type { Fa3Issue } from '../../errors.ts'
import { dec, issueAt, money, type Rule } from './context.ts'

const CORRECTIONS = new Set(['KOR', 'KOR_ZAL', 'KOR_ROZ'])
const ADVANCE_TYPES = new Set(['ZAL', 'KOR_ZAL'])
const SPLIT_PAYMENT_THRESHOLD_PLN = dec(15_000)
// Art. 106e ust. 5 pkt 3: a simplified invoice only up to 450 PLN or 100 EUR.
const SIMPLIFIED_LIMITS: Readonly<Record<string, number>> = { PLN: 450, EUR: 100 }
const ONLINE_SIZE_LIMIT = 1_000_000

/** Correction data appears on corrections and only there; settlements name their advances. */
export const typeRequirements: Rule = ({ invoice }) => {
  const { details } = invoice
  const issues: Fa3Issue[] = []
  const correction = CORRECTIONS.has(details.type)
  if (correction && !details.correction) {
    issues.push(
      issueAt(
        'CORRECTION_DATA_MISSING',
        'error',
        ['details', 'correction'],
        `a ${details.type} invoice must identify the corrected invoice(s) in DaneFaKorygowanej`,
      ),
    )
  }
  if (!correction && details.correction) {
    issues.push(
      issueAt(
        'CORRECTION_DATA_UNEXPECTED',
        'error',
        ['details', 'correction'],
        `a ${details.type} invoice corrects nothing, so it must not carry correction data (DaneFaKorygowanej, PrzyczynaKorekty, ...)`,
      ),
    )
  }
  if (details.type === 'ROZ' && !details.advanceInvoices?.length) {
    issues.push(
      issueAt(
        'ADVANCE_INVOICES_MISSING',
        'error',
        ['details', 'advanceInvoices'],
        'a ROZ invoice settles advances and must name the advance invoices (FakturaZaliczkowa)',
      ),
    )
  }
  if (details.order && !ADVANCE_TYPES.has(details.type)) {
    issues.push(
      issueAt(
        'ORDER_OUTSIDE_ADVANCE',
        'error',
        ['details', 'order'],
        `Zamowienie (the order of an advance invoice) belongs on ZAL and KOR_ZAL invoices, not on ${details.type}`,
      ),
    )
  }
  if (details.type === 'ZAL' && !details.order) {
    issues.push(
      issueAt(
        'ORDER_MISSING',
        'warning',
        ['details', 'order'],
        'an advance invoice normally states the order or contract value with its items (Zamowienie, art. 106f ust. 1 pkt 4)',
      ),
    )
  }
  return issues
}

/** Buyers that are JST subordinate units or VAT-group members are named in Podmiot3 with the matching role. */
export const subordinateUnits: Rule = ({ invoice }) => {
  const issues: Fa3Issue[] = []
  const roles = new Set((invoice.thirdParties ?? []).map((party) => party.role))
  if (invoice.buyer.jstSubordinateUnit && !roles.has('jstRecipient')) {
    issues.push(
      issueAt(
        'JST_RECIPIENT_MISSING',
        'error',
        ['buyer', 'jstSubordinateUnit'],
        'JST is 1 (the invoice concerns a JST subordinate unit), so a third party (Podmiot3) with role 8 (jstRecipient) is required',
      ),
    )
  }
  if (invoice.buyer.vatGroupMember && !roles.has('vatGroupRecipient')) {
    issues.push(
      issueAt(
        'VAT_GROUP_RECIPIENT_MISSING',
        'error',
        ['buyer', 'vatGroupMember'],
        'GV is 1 (the invoice concerns a VAT-group member), so a third party (Podmiot3) with role 10 (vatGroupRecipient) is required',
      ),
    )
  }
  return issues
}

/** Annotations agree with the lines and totals: exemption basis, margin scheme, reverse charge, split payment. */
export const annotationsAgree: Rule = ({ invoice }) => {
  const { details } = invoice
  const { annotations, totals } = details
  const lines = details.lines ?? []
  const issues: Fa3Issue[] = []
  const nonZero = (value: string | undefined) => value !== undefined && !dec(value).isZero()
  if ((lines.some((line) => line.vatRate === 'zw') || nonZero(totals.exempt)) && !annotations.exemption) {
    issues.push(
      issueAt(
        'EXEMPTION_BASIS_MISSING',
        'error',
        ['details', 'annotations', 'exemption'],
        'the invoice has exempt supplies (rate zw / P_13_7), so Zwolnienie must give the legal basis (P_19 with P_19A, P_19B or P_19C)',
      ),
    )
  }
  if (nonZero(totals.margin) && !annotations.marginScheme) {
    issues.push(
      issueAt(
        'MARGIN_SCHEME_MISSING',
        'error',
        ['details', 'annotations', 'marginScheme'],
        'the invoice has a margin-scheme total P_13_11, so PMarzy must say which margin procedure applies',
      ),
    )
  }
  if ((lines.some((line) => line.vatRate === 'oo') || nonZero(totals.reverseCharge)) && !annotations.reverseCharge) {
    issues.push(
      issueAt(
        'REVERSE_CHARGE_NOT_ANNOTATED',
        'error',
        ['details', 'annotations', 'reverseCharge'],
        'the invoice has reverse-charge supplies (rate oo / P_13_10), so P_18 (reverse charge) must be 1',
      ),
    )
  }
  const annex15 = lines.some((line) => line.annex15)
  if (details.currency === 'PLN' && annex15 && !annotations.splitPayment) {
    const gross = dec(totals.totalDue)
    if (gross.gt(SPLIT_PAYMENT_THRESHOLD_PLN)) {
      issues.push(
        issueAt(
          'SPLIT_PAYMENT_REQUIRED',
          'error',
          ['details', 'annotations', 'splitPayment'],
          `the total due ${money(gross)} PLN exceeds 15,000 PLN and the invoice includes annex 15 goods or services, so P_18A (mandatory split payment) must be 1`,
        ),
      )
    }
  }
  return issues
}

/** A simplified invoice (UPR) stays within 450 PLN or 100 EUR. */
export const simplifiedLimit: Rule = ({ invoice }) => {
  const { details } = invoice
  const limit = SIMPLIFIED_LIMITS[details.currency]
  if (details.type !== 'UPR' || limit === undefined) return []
  const total = dec(details.totals.totalDue)
  return total.gt(limit)
    ? [
        issueAt(
          'SIMPLIFIED_OVER_LIMIT',
          'error',
          ['details', 'totals', 'totalDue'],
          `a simplified invoice (UPR) may not exceed ${limit} ${details.currency}; its total due is ${money(total)}`,
        ),
      ]
    : []
}

/** KSeF's size limits: 1 MB without an attachment; an attachment can only go in a batch session. */
export const sizeAndAttachment: Rule = ({ invoice, bytes }) => {
  const issues: Fa3Issue[] = []
  if (bytes && !invoice.attachment && bytes.length > ONLINE_SIZE_LIMIT) {
    issues.push(
      issueAt(
        'INVOICE_TOO_LARGE',
        'error',
        [],
        `the invoice is ${bytes.length.toLocaleString('en')} bytes; KSeF accepts at most 1,000,000 without an attachment`,
      ),
    )
  }
  if (invoice.attachment) {
    issues.push(
      issueAt(
        'ATTACHMENT_BATCH_ONLY',
        'warning',
        ['attachment'],
        'invoices with an attachment (Zalacznik) can be sent only in batch sessions, after the taxpayer opts in',
      ),
    )
  }
  return issues
}
