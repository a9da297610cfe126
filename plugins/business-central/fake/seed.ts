/**
 * Seeding a company with posted sales documents: invoices in PLN (net prices, 23/8/5 % and exempt lines, a line
 * discount, a comment line) and in EUR (domestic services at the day's exchange rate, intra-EU supplies at 0 %),
 * paid and open; customers whose NIP is typed plain, with `PL`, or with `PL` and dashes; consumers on gross
 * prices; credit memos naming their invoice (`invoiceId`, `invoiceNumber`); and on request what a connector must
 * refuse or skip: a company customer without a NIP, a line with a tax code the connection leaves out, a credit
 * memo naming no invoice, drafts, and credit memos of invoices issued before the seller's KSeF start. Issue
 * dates lie in the last 30 days in Europe/Warsaw, never after today.
 *
 * @module
 */

import { addDays, type FakeClock, generator, nipOf } from '@ksef-hub/connector-sdk/testing'
import { warsawDay } from '@ksef-hub/fa3'
import {
  CONSUMERS,
  type CustomerTemplate,
  DOMESTIC_CUSTOMERS,
  DOMESTIC_PRODUCTS,
  EU_CUSTOMERS,
  EU_PRODUCTS,
  EXEMPT_PRODUCTS,
  FAKE_KSEF_START_DATE,
  type Product,
  UNMAPPED_PRODUCT,
} from './catalog.ts'
import type { Numbering } from './documents.ts'
import { written } from './generate.ts'
import { type DocumentInput, type LineInput, postDocument } from './posting.ts'
import type { BcSeedOptions, BcSeedResult } from './seed-options.ts'
import type { Store, Stored } from './store.ts'

export type { BcSeedOptions, BcSeedResult } from './seed-options.ts'

const lineOf = (product: Product, quantity: string, extra: Partial<LineInput> = {}): LineInput => ({
  lineType: product.lineType,
  lineObjectNumber: product.number,
  description: product.description,
  unitOfMeasureCode: product.unit,
  quantity,
  unitPrice: product.price,
  taxCode: product.taxCode,
  ...extra,
})

/**
 * Seeds companies; one per fake, so customers, numbers and the generator run on across calls.
 *
 * @example
 * ```ts
 * const { invoices, creditMemos } = seeder.seed(companyId, { invoices: 30, creditMemos: 3 })
 * ```
 */
export class Seeder {
  readonly #store: Store
  readonly #clock: FakeClock
  readonly #numbering: (companyId: string) => Numbering
  readonly #random: () => number
  readonly #customers = new Map<string, Stored>()

  constructor(store: Store, clock: FakeClock, numbering: (companyId: string) => Numbering, seed = 20_261_101) {
    this.#store = store
    this.#clock = clock
    this.#numbering = numbering
    this.#random = generator(seed)
  }

  /** A customer of a company, created on first use (its NIP drawn once). */
  customer(companyId: string, template: CustomerTemplate, kind: 'nip' | 'none' | 'person', variant = 0): Stored {
    const key = `${companyId}/${template.displayName}/${kind}`
    const known = this.#customers.get(key)
    if (known) return known
    const taxRegistrationNumber = template.vatId ?? (kind === 'nip' ? written(nipOf(this.#random), variant) : '')
    const stored = this.#store.insert(
      companyId,
      'customers',
      {
        number: this.#numbering(companyId).next('K'),
        displayName: template.displayName,
        type: kind === 'person' ? 'Person' : 'Company',
        addressLine1: template.addressLine1,
        city: template.city,
        postalCode: template.postalCode,
        country: template.country,
        email: template.email,
        taxRegistrationNumber,
        currencyCode: template.vatId ? 'EUR' : 'PLN',
        taxLiable: true,
        blocked: ' ',
      },
      { notify: false },
    )
    this.#customers.set(key, stored)
    return stored
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)] as T
  }

  #quantity(product: Product): string {
    const whole = 1 + Math.floor(this.#random() * 9)
    return product.fractional ? `${whole}.${Math.floor(this.#random() * 4) * 25}` : String(whole)
  }

  /** An issue day of the last 30 days, never after today (Warsaw). */
  #recentDay(): string {
    return addDays(warsawDay(this.#clock.now()), -Math.floor(this.#random() * 30))
  }

  /** The i-th mappable invoice: the kinds rotate so every page of a pull mixes them. */
  #mappable(companyId: string, index: number, at: string | undefined): DocumentInput {
    const kind = index % 10
    const domestic = this.customer(companyId, DOMESTIC_CUSTOMERS[index % DOMESTIC_CUSTOMERS.length]!, 'nip', index)
    const base = { invoiceDate: this.#recentDay(), status: index % 4 === 3 ? 'Paid' : 'Open', ...(at ? { at } : {}) }
    if (kind === 8) {
      const customer = this.customer(companyId, this.#pick(EU_CUSTOMERS), 'nip')
      const lines = [lineOf(EU_PRODUCTS[0]!, this.#quantity(EU_PRODUCTS[0]!)), lineOf(EU_PRODUCTS[1]!, '2')]
      return { ...base, customer, currencyCode: 'EUR', lines }
    }
    if (kind === 7) {
      return { ...base, customer: domestic, currencyCode: 'EUR', lines: [lineOf(DOMESTIC_PRODUCTS[0]!, '12.5')] }
    }
    const first = DOMESTIC_PRODUCTS[index % DOMESTIC_PRODUCTS.length]!
    const lines: LineInput[] = [lineOf(first, this.#quantity(first))]
    if (kind === 2) lines.push(lineOf(DOMESTIC_PRODUCTS[2]!, '1', { discountPercent: '10' }))
    if (kind === 3) lines.push({ lineType: 'Comment', description: 'Dostawa zgodnie z zamówieniem ZS/2026/0142' })
    if (kind === 6) lines.push(lineOf(EXEMPT_PRODUCTS[0]!, '1'))
    if (kind === 9) lines.push(lineOf(DOMESTIC_PRODUCTS[3]!, '2'), lineOf(DOMESTIC_PRODUCTS[4]!, '3'))
    return { ...base, customer: domestic, currencyCode: 'PLN', lines }
  }

  /**
   * Seeds a company.
   *
   * @example
   * ```ts
   * seeder.seed(companyId, { invoices: 12, creditMemos: 2, withoutNip: 1, unmappedTaxCode: 1 })
   * ```
   */
  seed(companyId: string, options: BcSeedOptions): BcSeedResult {
    let made = 0
    let tie: string | undefined
    // With ties, three documents in a row share one instant.
    const at = () => {
      if (!options.ties) return undefined
      if (made++ % 3 === 0) tie = this.#store.tick()
      return tie
    }
    const post = (input: Omit<DocumentInput, 'at'>, set: 'salesInvoices' | 'salesCreditMemos' = 'salesInvoices') => {
      const stamp = at()
      return postDocument(
        this.#store,
        this.#numbering(companyId),
        companyId,
        set,
        { ...input, ...(stamp ? { at: stamp } : {}) },
        false,
      )
    }
    const times = (count = 0) => Array.from({ length: count }, (_, index) => index)
    const invoices = times(options.invoices).map((index) => post(this.#mappable(companyId, index, undefined)))
    const creditMemos = times(options.creditMemos).map((index) => {
      const invoice = this.#store.get(companyId, 'salesInvoices', invoices[index % invoices.length] ?? '')
      if (!invoice) throw new Error('credit memos need invoices of the same seed call to correct')
      return post(this.#creditMemoOf(companyId, invoice), 'salesCreditMemos')
    })
    const consumers = times(options.consumers).map((index) => {
      const customer = this.customer(companyId, CONSUMERS[index % CONSUMERS.length]!, 'person')
      const lines = [
        lineOf(DOMESTIC_PRODUCTS[4]!, '2', { unitPrice: '93.45' }),
        lineOf(DOMESTIC_PRODUCTS[3]!, '1', { unitPrice: '345.60' }),
      ]
      return post({
        customer,
        currencyCode: 'PLN',
        pricesIncludeTax: true,
        invoiceDate: this.#recentDay(),
        status: 'Open',
        lines,
      })
    })
    const noNip: CustomerTemplate = { ...DOMESTIC_CUSTOMERS[0]!, displayName: 'Usługi Remontowe Nowak sp. z o.o.' }
    const withoutNip = times(options.withoutNip).map(() =>
      post({
        customer: this.customer(companyId, noNip, 'none'),
        currencyCode: 'PLN',
        invoiceDate: this.#recentDay(),
        status: 'Open',
        lines: [lineOf(DOMESTIC_PRODUCTS[0]!, '3')],
      }),
    )
    const unmappedTaxCode = times(options.unmappedTaxCode).map((index) => {
      const customer = this.customer(companyId, DOMESTIC_CUSTOMERS[index % DOMESTIC_CUSTOMERS.length]!, 'nip', index)
      const lines = [lineOf(DOMESTIC_PRODUCTS[1]!, '40'), lineOf(UNMAPPED_PRODUCT, '1')]
      return post({ customer, currencyCode: 'PLN', invoiceDate: this.#recentDay(), status: 'Open', lines })
    })
    const unsupported = times(options.unsupported).map((index) => {
      const customer = this.customer(companyId, DOMESTIC_CUSTOMERS[index % DOMESTIC_CUSTOMERS.length]!, 'nip', index)
      const rebate: LineInput = {
        lineType: 'Account',
        lineObjectNumber: '732-100',
        description: 'Rabat posprzedażowy za III kwartał',
        quantity: '1',
        unitPrice: '500.00',
        taxCode: 'VAT23',
      }
      return post(
        { customer, currencyCode: 'PLN', invoiceDate: this.#recentDay(), status: 'Open', lines: [rebate] },
        'salesCreditMemos',
      )
    })
    const drafts = times(options.drafts).map((index) => {
      const customer = this.customer(companyId, DOMESTIC_CUSTOMERS[index % DOMESTIC_CUSTOMERS.length]!, 'nip', index)
      return post({
        customer,
        currencyCode: 'PLN',
        invoiceDate: this.#recentDay(),
        status: 'Draft',
        lines: [lineOf(DOMESTIC_PRODUCTS[2]!, '1')],
      })
    })
    const beforeKsef: string[] = []
    const outsideKsefCorrections = times(options.outsideKsefCorrections).map((index) => {
      const customer = this.customer(companyId, DOMESTIC_CUSTOMERS[index % DOMESTIC_CUSTOMERS.length]!, 'nip', index)
      const invoiceDate = addDays(FAKE_KSEF_START_DATE, -20 + (index % 15))
      const id = post({
        customer,
        currencyCode: 'PLN',
        invoiceDate,
        status: 'Paid',
        lines: [lineOf(DOMESTIC_PRODUCTS[2]!, '2')],
      })
      beforeKsef.push(id)
      return post(this.#creditMemoOf(companyId, this.#store.get(companyId, 'salesInvoices', id)!), 'salesCreditMemos')
    })
    return {
      invoices,
      creditMemos,
      consumers,
      withoutNip,
      unmappedTaxCode,
      unsupported,
      drafts,
      outsideKsefCorrections,
      beforeKsef,
    }
  }

  /** A credit memo taking back one unit of the invoice's first line, some days after it (never after today). */
  #creditMemoOf(companyId: string, invoice: Stored): Omit<DocumentInput, 'at'> {
    const [line] = this.#store
      .linesOf(companyId, 'salesInvoices', invoice.id)
      .filter((item) => item.row.lineType !== 'Comment')
    if (!line) throw new Error(`invoice ${invoice.id} has no line to credit`)
    const customer = this.#store.get(companyId, 'customers', String(invoice.row.customerId))!
    const today = warsawDay(this.#clock.now())
    const later = addDays(String(invoice.row.invoiceDate), 1 + Math.floor(this.#random() * 3))
    const row = line.row
    return {
      customer,
      currencyCode: String(invoice.row.currencyCode),
      pricesIncludeTax: invoice.row.pricesIncludeTax === true,
      invoiceDate: [later, today].sort()[0] ?? today, // never after today
      status: 'Open',
      invoiceId: invoice.id,
      invoiceNumber: String(invoice.row.number),
      lines: [
        {
          lineType: String(row.lineType),
          lineObjectNumber: String(row.lineObjectNumber),
          description: `Korekta: ${String(row.description)}`,
          unitOfMeasureCode: String(row.unitOfMeasureCode),
          quantity: '1',
          unitPrice: String(row.unitPrice),
          taxCode: String(row.taxCode),
        },
      ],
    }
  }
}
