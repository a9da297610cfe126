/**
 * Seeding the fake source with Polish B2B documents: invoices in PLN (net and gross prices, 23/8/5 %, exempt
 * services with their legal basis) and in EUR (intra-EU supplies at 0 % WDT, domestic services with VAT at the
 * exchange rate), credit notes correcting some of them, and the documents that must not map (a customer without
 * a NIP, a tax code the connection's table leaves out, drafts). Issue dates lie in the last 30 days in
 * Europe/Warsaw, never after today, so every mappable document becomes a valid FA(3) invoice.
 *
 * @module
 */

import { addDays, generator } from '@ksef-hub/connector-sdk/testing'
import { warsawDay } from '@ksef-hub/fa3'
import { randomNip } from '@ksef-hub/fa3/testing'
import {
  CORRECTION_REASONS,
  type CustomerTemplate,
  DOMESTIC_CUSTOMERS,
  DOMESTIC_PRODUCTS,
  EU_CUSTOMERS,
  EU_PRODUCTS,
  EUR_DOMESTIC_PRODUCTS,
  EXEMPT_PRODUCTS,
  FAKE_KSEF_START_DATE,
  type Product,
  SELLER_ACCOUNT,
  UNMAPPED_PRODUCT,
} from './catalog.ts'
import { written } from './generate.ts'
import type { Store } from './store.ts'
import type { FakeCustomer, FakeDocument, FakeLine } from './types.ts'

/** What to seed. Every count defaults to 0. */
export interface SeedOptions {
  /** Invoices that map to valid FA(3) invoices. */
  readonly invoices?: number
  /** Credit notes that map to valid corrections, each correcting one of this call's domestic invoices. */
  readonly creditNotes?: number
  /** Invoices to a customer without a NIP (they fail with `BUYER_NIP_MISSING`). */
  readonly withoutNip?: number
  /** Invoices with a line whose tax code (`NP`) the tax table leaves out (`TAX_CODE_UNMAPPED`). */
  readonly unmappedTax?: number
  /** Drafts (the default skip expression skips them). */
  readonly drafts?: number
  /**
   * Credit notes issued now of invoices issued before the seller's KSeF start (`FAKE_KSEF_START_DATE`), which the
   * fake holds too: the default skip leaves those invoices out, and the credit notes name them as issued outside
   * KSeF.
   */
  readonly outsideKsefCorrections?: number
}

/** The ids of what was seeded, by kind. */
export interface SeedResult {
  readonly invoices: readonly string[]
  readonly creditNotes: readonly string[]
  readonly withoutNip: readonly string[]
  readonly unmappedTax: readonly string[]
  readonly drafts: readonly string[]
  readonly outsideKsefCorrections: readonly string[]
  /** The invoices those credit notes correct, issued before the seller's KSeF start. */
  readonly beforeKsef: readonly string[]
}

/**
 * Builds and stores documents; one per fake, so numbers and ids run on across seed calls.
 *
 * @example
 * ```ts
 * const { invoices, creditNotes } = new Seeder(store).seed({ invoices: 500, creditNotes: 20 })
 * ```
 */
export class Seeder {
  readonly #store: Store
  readonly #random: () => number
  readonly #domestic: FakeCustomer[]
  readonly #eu: FakeCustomer[]
  readonly #withoutNip: FakeCustomer
  #invoiceSeq = 0
  #creditSeq = 0

  constructor(store: Store, seed = 20_260_701) {
    this.#store = store
    this.#random = generator(seed)
    const customer = (template: CustomerTemplate, index: number, nip: string | null): FakeCustomer => ({
      id: `K${String(index + 1).padStart(5, '0')}`,
      name: template.name,
      nip,
      vatId: template.vatId ?? null,
      email: template.email,
      address: template.address,
    })
    this.#domestic = DOMESTIC_CUSTOMERS.map((template, index) => customer(template, index, written(randomNip(), index)))
    this.#eu = EU_CUSTOMERS.map((template, index) => customer(template, DOMESTIC_CUSTOMERS.length + index, null))
    this.#withoutNip = {
      id: 'K09001',
      name: 'Sklep Spożywczy „U Basi” Barbara Nowak',
      nip: null,
      vatId: null,
      email: null,
      address: { street: 'ul. Kościuszki 5', postalCode: '26-600', city: 'Radom', country: 'PL' },
    }
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)] as T
  }

  #line(product: Product, currency: string): FakeLine {
    const quantity = product.fractional
      ? (Math.round((1 + this.#random() * 40) * 2) / 2).toFixed(1)
      : String(1 + Math.floor(this.#random() * (currency === 'EUR' ? 60 : 12)))
    return {
      description: product.description,
      sku: product.sku,
      quantity,
      unit: product.unit,
      unitPrice: product.price,
      taxCode: product.taxCode,
    }
  }

  #lines(products: readonly Product[], currency: string, count: number): FakeLine[] {
    const chosen = new Set<Product>()
    while (chosen.size < Math.min(count, products.length)) chosen.add(this.#pick(products))
    return [...chosen].map((product) => this.#line(product, currency))
  }

  /** The NBP-like mid rate of EUR for a day (four decimals). */
  #rate(day: string): string {
    const offset = [...day].reduce((sum, char) => sum + char.charCodeAt(0) * 31, 0) % 400
    return (4.21 + offset / 10_000).toFixed(4)
  }

  #document(
    variant: number,
    issueDate: string,
    status: FakeDocument['status'],
    override: Partial<FakeDocument> = {},
  ): FakeDocument {
    const sequence = ++this.#invoiceSeq
    const [year, month] = issueDate.split('-')
    let customer = this.#pick(this.#domestic)
    let currency: FakeDocument['currency'] = 'PLN'
    let lines: FakeLine[]
    let exemptionBasis: string | null = null
    let pricesIncludeTax = false
    if (variant === 6) {
      pricesIncludeTax = true
      lines = this.#lines(
        DOMESTIC_PRODUCTS.filter((product) => product.taxCode !== 'VAT8'),
        currency,
        2,
      )
    } else if (variant === 7) {
      const exempt = this.#pick(EXEMPT_PRODUCTS)
      exemptionBasis = exempt.basis ?? null
      lines = [this.#line(exempt, currency), ...this.#lines(DOMESTIC_PRODUCTS.slice(0, 2), currency, 1)]
    } else if (variant === 8) {
      currency = 'EUR'
      customer = this.#pick(this.#eu)
      lines = this.#lines(EU_PRODUCTS, currency, 1 + Math.floor(this.#random() * 2))
    } else if (variant === 9) {
      currency = 'EUR'
      lines = this.#lines(EUR_DOMESTIC_PRODUCTS, currency, 1 + Math.floor(this.#random() * 2))
    } else {
      lines = this.#lines(DOMESTIC_PRODUCTS, currency, 1 + Math.floor(this.#random() * 4))
    }
    const at = this.#store.tick()
    return {
      id: `inv-${String(sequence).padStart(6, '0')}`,
      kind: 'invoice',
      status,
      number: `FV/${year}/${month}/${String(sequence).padStart(5, '0')}`,
      issueDate,
      saleDate: issueDate,
      currency,
      exchangeRate: currency === 'EUR' ? this.#rate(issueDate) : null,
      pricesIncludeTax,
      customer,
      lines,
      payment: { dueDate: addDays(issueDate, 14), method: 'transfer', bankAccount: SELLER_ACCOUNT },
      exemptionBasis,
      correction: null,
      ksef: { number: null, acquisitionDate: null, verificationUrl: null, upoAttached: false },
      createdAt: at,
      updatedAt: at,
      ...override,
    }
  }

  #creditNote(original: FakeDocument, issueDate: string): FakeDocument {
    const sequence = ++this.#creditSeq
    const [year, month] = issueDate.split('-')
    const returned = original.lines[0] as FakeLine
    const at = this.#store.tick()
    return {
      ...original,
      id: `cn-${String(sequence).padStart(6, '0')}`,
      kind: 'credit_note',
      number: `KOR/${year}/${month}/${String(sequence).padStart(5, '0')}`,
      issueDate,
      saleDate: original.saleDate,
      lines: [{ ...returned, quantity: `-${returned.quantity.includes('.') ? '0.5' : '1'}` }],
      payment: { ...original.payment, dueDate: addDays(issueDate, 14) },
      correction: {
        invoiceId: original.id,
        invoiceNumber: original.number,
        invoiceIssueDate: original.issueDate,
        reason: this.#pick(CORRECTION_REASONS),
      },
      ksef: { number: null, acquisitionDate: null, verificationUrl: null, upoAttached: false },
      createdAt: at,
      updatedAt: at,
    }
  }

  /**
   * Seeds documents: invoices first (issue dates rising to today), then the credit notes (changed after their
   * invoices, so a pull meets an invoice before its correction).
   */
  seed(options: SeedOptions): SeedResult {
    const today = warsawDay(new Date())
    const total =
      (options.invoices ?? 0) + (options.withoutNip ?? 0) + (options.unmappedTax ?? 0) + (options.drafts ?? 0)
    const dayOf = (index: number) => addDays(today, -Math.floor(((total - index) * 30) / Math.max(total, 1)))
    const result = {
      invoices: [] as string[],
      creditNotes: [] as string[],
      withoutNip: [] as string[],
      unmappedTax: [] as string[],
      drafts: [] as string[],
      outsideKsefCorrections: [] as string[],
      beforeKsef: [] as string[],
    }
    const correctable: FakeDocument[] = []
    let index = 0
    const add = (document: FakeDocument, into: string[]) => {
      this.#store.put(document)
      into.push(document.id)
      index++
      return document
    }
    for (let i = 0; i < (options.invoices ?? 0); i++) {
      const document = add(this.#document(i % 10, dayOf(index), 'issued'), result.invoices)
      if (i % 10 < 6) correctable.push(document)
    }
    for (let i = 0; i < (options.withoutNip ?? 0); i++) {
      add(this.#document(0, dayOf(index), 'issued', { customer: this.#withoutNip }), result.withoutNip)
    }
    for (let i = 0; i < (options.unmappedTax ?? 0); i++) {
      const base = this.#document(0, dayOf(index), 'issued')
      add({ ...base, lines: [...base.lines, this.#line(UNMAPPED_PRODUCT, 'PLN')] }, result.unmappedTax)
    }
    for (let i = 0; i < (options.drafts ?? 0); i++) add(this.#document(i % 6, today, 'draft'), result.drafts)
    const wanted = options.creditNotes ?? 0
    if (wanted > correctable.length) {
      throw new RangeError(
        `${wanted} credit notes need as many domestic invoices: seed at least ${Math.ceil(wanted / 0.6)} invoices`,
      )
    }
    // Spread over the invoices, so corrections do not all concern the oldest ones.
    const step = correctable.length / Math.max(wanted, 1)
    for (let i = 0; i < wanted; i++) {
      const original = correctable[Math.floor(i * step)] as FakeDocument
      const note = this.#creditNote(original, [addDays(original.issueDate, 3), today].sort()[0] as string)
      this.#store.put(note)
      result.creditNotes.push(note.id)
    }
    for (let i = 0; i < (options.outsideKsefCorrections ?? 0); i++) {
      // Issued in the weeks before the start, on paper or as a PDF: the hub must never send it now.
      const original = this.#document(i % 6, addDays(FAKE_KSEF_START_DATE, -1 - (i % 28)), 'issued')
      this.#store.put(original)
      result.beforeKsef.push(original.id)
      const note = this.#creditNote(original, today)
      this.#store.put(note)
      result.outsideKsefCorrections.push(note.id)
    }
    return result
  }
}
