/**
 * Test support: pulled HubSpot invoices as small local fixtures (what `enrich` makes of HubSpot's answers), for the
 * mapping's unit tests. Values as HubSpot writes them: every property text, dates as the portal's midnight.
 *
 * @module
 */
import type { SourceDocument } from '@ksef-hub/connector-sdk'
import type { CrmObject, DocumentData, TaxRateGroup } from './document-data.ts'

type Properties = Record<string, string | null>

/**
 * A finalized invoice of 20 November 2026 (Warsaw), in PLN.
 *
 * @example
 * ```ts
 * hsInvoice({ hs_invoice_status: 'draft' })
 * ```
 */
export function hsInvoice(properties: Properties = {}, id = '3001'): CrmObject {
  return {
    id,
    properties: {
      hs_number: 'INV-1042',
      hs_invoice_status: 'open',
      hs_currency: 'PLN',
      hs_invoice_date: '2026-11-19T23:00:00.000Z',
      hs_due_date: '2026-12-03T23:00:00.000Z',
      hs_lastmodifieddate: '2026-11-20T10:15:30.123Z',
      hs_amount_billed: '246',
      ...properties,
    },
  }
}

/**
 * A line item: 2 × 100 at tax-rate group 1 (23 %).
 *
 * @example
 * ```ts
 * hsLine({ quantity: '3', price: '10', amount: '25.5' })
 * ```
 */
export function hsLine(properties: Properties = {}, id = '9001'): CrmObject {
  return {
    id,
    properties: {
      name: 'Consulting',
      quantity: '2',
      price: '100',
      amount: '200',
      hs_tax_rate_group_id: '1',
      ...properties,
    },
  }
}

/**
 * A Polish company with a NIP written with PL and dashes.
 *
 * @example
 * ```ts
 * hsCompany({ nip: null })
 * ```
 */
export function hsCompany(properties: Properties = {}, id = '7001'): CrmObject {
  return {
    id,
    properties: {
      name: 'Adatum Sp. z o.o.',
      address: 'ul. Długa 5',
      zip: '00-950',
      city: 'Warszawa',
      country: 'Poland',
      nip: 'PL 701-000-21-39',
      ...properties,
    },
  }
}

/** The portal's tax-rate groups of the tests. */
export const TAX_RATES: Readonly<Record<string, TaxRateGroup>> = {
  '1': { id: '1', name: 'VAT 23%', label: 'VAT 23%', percentageRate: 23, active: true },
  '2': { id: '2', name: 'VAT 8%', label: 'VAT 8%', percentageRate: 8, active: true },
  '3': { id: '3', name: 'ZW', label: 'Zwolnione', percentageRate: 0, active: true },
  '4': { id: '4', name: 'Export 0%', label: 'Export', percentageRate: 0, active: true },
}

/**
 * A pulled invoice, as a page gives it.
 *
 * @example
 * ```ts
 * pulled({ lines: [hsLine({ hs_tax_rate_group_id: '4' })] })
 * ```
 */
export function pulled(parts: Partial<DocumentData> = {}): SourceDocument {
  const data: DocumentData = {
    invoice: hsInvoice(),
    lines: [hsLine()],
    company: hsCompany(),
    contact: { id: '8001', properties: { firstname: 'Jan', lastname: 'Kowalski', email: 'jan@adatum.pl' } },
    taxRates: TAX_RATES,
    ...parts,
  }
  return { ref: data.invoice.id, data }
}
