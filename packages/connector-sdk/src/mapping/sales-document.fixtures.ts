/**
 * What the tests of `composeInvoice` share: a tenant, a net-priced PLN sales document to a Polish buyer, a compose
 * context with a tax table and a hub that knows what a test says it sent, and the hub's full validation.
 *
 * @module
 */
import { formatIssue, type InvoiceInput, type ValidationReport, validateInvoice, warsawDay } from '@ksef-hub/fa3'
import { randomNip } from '@ksef-hub/fa3/testing'
import { expect } from 'vitest'
import type { SentInvoice } from '../contract/context.ts'
import type { ComposeContext } from './sales-document.ts'
import type { SalesDocument } from './sales-document-schema.ts'
import type { TaxCodeTable } from './tax-codes.ts'

export const TODAY = warsawDay(new Date())

/**
 * The calendar day `days` after today in Europe/Warsaw.
 *
 * @example
 * ```ts
 * dayOffset(14) // the due date of an invoice issued today with 14 days to pay
 * ```
 */
export const dayOffset = (days: number): string =>
  new Date(Date.parse(`${TODAY}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

export const TENANT = { id: 't1', nip: randomNip(), name: 'Sprzedawca sp. z o.o.' }
export const BUYER_NIP = randomNip()

/** The tax table of most tests: the exempt code without its basis, as tables were before bases existed. */
export const TAX_CODES: TaxCodeTable = { VAT23: '23', VAT8: '8', ZW: 'zw' }

/**
 * A compose context whose hub knows the invoices in `sent` (by source ref).
 *
 * @example
 * ```ts
 * await composeInvoice(correction, contextWith({ 'r-0': confirmed }, { ...TAX_CODES, OO: 'oo' }))
 * ```
 */
export function contextWith(
  sent: Record<string, SentInvoice> = {},
  taxCodes: TaxCodeTable = TAX_CODES,
): ComposeContext {
  return {
    tenant: TENANT,
    taxCodes,
    hub: { invoiceOf: async (ref) => sent[ref] },
    label: 'invoice FV/1 (ref 42)',
  }
}

export const base: SalesDocument = {
  kind: 'invoice',
  number: 'FV/2026/1',
  issueDate: TODAY,
  currency: 'PLN',
  seller: {
    name: 'Sprzedawca sp. z o.o.',
    address: { countryCode: 'PL', line1: 'ul. Prosta 1', line2: '00-001 Warszawa' },
  },
  buyer: {
    name: 'Nabywca S.A.',
    nipCandidates: [
      ['customer.vatNumber', ''],
      ['customer.taxId', `PL ${BUYER_NIP.slice(0, 3)}-${BUYER_NIP.slice(3)}`],
    ],
    address: { countryCode: 'PL', line1: 'ul. Długa 2', line2: '30-001 Kraków' },
    email: 'ksiegowosc@nabywca.example',
    customerNumber: 'C0042',
  },
  lines: [
    { name: 'Konsultacje', quantity: '2', unit: 'h', unitPrice: '100.00', taxCode: 'VAT23', sku: 'SRV-1' },
    { name: 'Książka', quantity: '0.5', unitPrice: '19.99', taxCode: 'VAT8' },
    { name: 'Szkolenie', quantity: '1', unitPrice: '50', amount: '50.00', taxCode: 'VAT23' },
  ],
  payment: { dueDate: dayOffset(14), method: 'transfer', bankAccount: '61109010140000071219812874' },
}

/**
 * The invoice as the hub validates a mapped one (with the creation time it fills in at intake), expected to pass
 * in full: model, XSD and business rules.
 *
 * @example
 * ```ts
 * const report = validated(await composeInvoice(base, contextWith()))
 * report.invoice?.details.type // 'VAT'
 * ```
 */
export function validated(invoice: InvoiceInput): ValidationReport {
  const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
  const report = validateInvoice({ ...invoice, header: { ...invoice.header, createdAt } } as InvoiceInput)
  expect(report.issues.filter((issue) => issue.severity === 'error').map(formatIssue)).toEqual([])
  expect(report.valid).toBe(true)
  return report
}

/** The connector error a promise rejects with (the SDK tests' one helper, under the name these tests use). */
export { failure as rejection } from '../test-support.ts'
