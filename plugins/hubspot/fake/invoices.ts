/**
 * Invoices as a person makes them in the portal's UI: a buyer company (its NIP in the portal's custom property)
 * with a contact, line items priced net in a tax-rate group, the totals HubSpot computes (subtotal, tax, amount
 * billed, balance due, in decimal), the invoice's day stored as the portal's midnight, and the associations
 * between them. Used by the seeder and by tests adding one invoice at a time.
 *
 * @module
 */
import { addDays, type FakeClock } from '@ksef-hub/connector-sdk/testing'
import { Decimal } from 'decimal.js'
import { CORRECTION_REASON_PROPERTY } from './corrections.ts'
import { PORTAL_TIME_ZONE } from './facts.ts'
import { portalMidnight } from './generate.ts'
import type { FakeInvoiceInput, FakeLineInput } from './seed-options.ts'
import type { ChangeSource, Store } from './store.ts'
import { FAKE_TAX_RATES } from './tax-rates.ts'

/** What building invoices needs. */
export interface Builder {
  readonly store: Store
  readonly clock: FakeClock
  readonly nipProperty: string
  readonly correctionProperty: string
  readonly nextInvoiceNumber: () => string
}

/** Exchange rates the portal holds (PLN per unit); VERIFY that invoices carry one. */
const RATES: Readonly<Record<string, string>> = { EUR: '4.2651', USD: '3.9874' }

/**
 * Today's day in the portal's time zone.
 *
 * @example
 * ```ts
 * portalToday(clock) // '2026-11-20' (in Warsaw), whatever the UTC date
 * ```
 */
export const portalToday = (clock: FakeClock): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: PORTAL_TIME_ZONE }).format(clock.now())

/**
 * Adds a company (and a contact of it); returns the company's id.
 *
 * @example
 * ```ts
 * addCompany(builder, { name: 'Volt sp. z o.o.', nip: 'PL5265877635' }, 'UI')
 * ```
 */
export function addCompany(
  builder: Builder,
  company: { readonly name: string; readonly nip: string; readonly country?: string; readonly city?: string },
  source: ChangeSource,
  at?: number,
): string {
  const slug = company.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
  const record = builder.store.create(
    'companies',
    {
      name: company.name,
      domain: `${slug}.pl`,
      address: 'ul. Przemysłowa 12',
      city: company.city ?? 'Poznań',
      zip: '61-541',
      country: company.country ?? 'Poland',
      [builder.nipProperty]: company.nip,
    },
    source,
    at,
  )
  const contact = builder.store.create(
    'contacts',
    { firstname: 'Anna', lastname: 'Nowak', email: `faktury@${slug}.pl` },
    source,
    at,
  )
  builder.store.associate('companies', record.id, 'contacts', contact.id)
  return record.id
}

const money = (value: Decimal) => value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP)

/**
 * Adds an invoice with its lines; returns its id.
 *
 * @example
 * ```ts
 * addInvoice(builder, { companyId, lines: [{ name: 'Usługa', quantity: '2', price: '100.00', taxRateGroupId: '88310001' }] }, 'UI')
 * ```
 */
export function addInvoice(builder: Builder, input: FakeInvoiceInput, source: ChangeSource, at?: number): string {
  const { store } = builder
  const companyId =
    input.companyId ??
    addCompany(builder, input.company ?? { name: 'Hurtownia Volt sp. z o.o.', nip: '5265877635' }, source, at)
  const currency = input.currency ?? 'PLN'
  const lines: readonly FakeLineInput[] = input.lines ?? [
    { name: 'Usługa wdrożeniowa', quantity: '2', price: '100.00', taxRateGroupId: '88310001' },
  ]
  let subtotal = new Decimal(0)
  let tax = new Decimal(0)
  const lineIds = lines.map((line) => {
    const amount = money(new Decimal(line.quantity).times(line.price))
    const rate = FAKE_TAX_RATES.find((candidate) => candidate.id === line.taxRateGroupId)?.percentageRate ?? 0
    const lineTax = money(amount.times(rate).dividedBy(100))
    subtotal = subtotal.plus(amount)
    tax = tax.plus(lineTax)
    return store.create(
      'line_items',
      {
        name: line.name,
        quantity: line.quantity,
        price: line.price,
        amount: amount.toFixed(2),
        hs_tax_amount: lineTax.toFixed(2),
        hs_line_item_currency_code: currency,
        ...(line.taxRateGroupId ? { hs_tax_rate_group_id: line.taxRateGroupId } : {}),
      },
      source,
      at,
    ).id
  })
  const day = input.invoiceDate ?? portalToday(builder.clock)
  const status = input.status ?? 'open'
  const billed = subtotal.plus(tax)
  const invoice = store.create(
    'invoices',
    {
      hs_number: builder.nextInvoiceNumber(),
      hs_invoice_status: status,
      hs_currency: currency,
      hs_invoice_date: portalMidnight(day, PORTAL_TIME_ZONE),
      hs_due_date: portalMidnight(addDays(day, 14), PORTAL_TIME_ZONE),
      hs_title: input.corrects ? 'Korekta faktury' : 'Faktura',
      hs_subtotal: subtotal.toFixed(2),
      hs_tax: tax.toFixed(2),
      hs_amount_billed: billed.toFixed(2),
      hs_amount_paid: status === 'paid' ? billed.toFixed(2) : '0',
      hs_balance_due: status === 'paid' ? '0' : billed.toFixed(2),
      ...(RATES[currency] ? { hs_exchange_rate: RATES[currency] } : {}),
      ...(input.corrects
        ? { [builder.correctionProperty]: input.corrects, [CORRECTION_REASON_PROPERTY]: input.reason ?? '' }
        : {}),
      ...input.properties,
    },
    source,
    at,
  )
  for (const lineId of lineIds) store.associate('invoices', invoice.id, 'line_items', lineId)
  store.associate('invoices', invoice.id, 'companies', companyId)
  for (const contact of store.associations('companies', companyId, 'contacts')) {
    store.associate('invoices', invoice.id, 'contacts', contact.id)
  }
  return invoice.id
}
