/**
 * Seeds a portal with invoices by category (`seed-options.ts`), deterministically: the same `seed` gives the same
 * companies, NIPs, lines, amounts and ids, in the same order. Seeded records are dated in the recent past (each
 * invoice a second after the previous one, or three at a time with `ties`), and nobody is notified of them.
 *
 * @module
 */

import { addDays, generator, nipOf } from '@ksef-hub/connector-sdk/testing'
import { CORRECTION_REASONS } from './corrections.ts'
import { written } from './generate.ts'
import { addCompany, addInvoice, type Builder, portalToday } from './invoices.ts'
import type { FakeInvoiceInput, FakeLineInput, HubSpotSeedOptions, HubSpotSeedResult } from './seed-options.ts'
import { TAX } from './tax-rates.ts'

const BUYERS: readonly { readonly name: string; readonly city: string }[] = [
  { name: 'Hurtownia Elektryczna Volt sp. z o.o.', city: 'Poznań' },
  { name: 'Meble Drewmax S.A.', city: 'Białystok' },
  { name: 'Drukarnia Offset-Pol sp. z o.o.', city: 'Warszawa' },
  { name: 'Piekarnia Kłos s.c.', city: 'Kraków' },
  { name: 'Transport Lewandowski sp. j.', city: 'Gdańsk' },
  { name: 'Biuro Projektowe Kreska sp. z o.o.', city: 'Wrocław' },
]

const PRODUCTS: readonly { readonly name: string; readonly price: string; readonly group: string }[] = [
  { name: 'Licencja oprogramowania (rok)', price: '1626.01', group: 'VAT 23%' },
  { name: 'Wdrożenie systemu (godz.)', price: '180.00', group: 'VAT 23%' },
  { name: 'Książka "Podatki w praktyce"', price: '89.90', group: 'VAT 5%' },
  { name: 'Usługa gastronomiczna', price: '45.50', group: 'VAT 8%' },
  { name: 'Szkolenie zawodowe', price: '1200.00', group: 'ZW' },
  { name: 'Dostawa statku morskiego (część)', price: '5000.00', group: '0% krajowe' },
]

/**
 * The seeder of one fake portal.
 *
 * @example
 * ```ts
 * const ids = new Seeder(builder, 42).seed({ invoices: 12, corrections: 2, withoutNip: 1 })
 * ```
 */
export class Seeder {
  readonly #builder: Builder
  readonly #random: () => number
  #buyers = 0

  constructor(builder: Builder, seed = 1) {
    this.#builder = builder
    this.#random = generator(seed)
  }

  /** Seeds documents of each asked category; returns their invoice ids. */
  seed(options: HubSpotSeedOptions): HubSpotSeedResult {
    return this.#builder.store.quietly(() => this.#seed(options))
  }

  #seed(options: HubSpotSeedOptions): HubSpotSeedResult {
    const total =
      (options.invoices ?? 0) +
      (options.corrections ?? 0) +
      (options.withoutNip ?? 0) +
      (options.unmappedTaxRate ?? 0) +
      (options.drafts ?? 0) +
      (options.voided ?? 0)
    // Seeded records are modified in the past, one second apart, ending a minute ago.
    const start = this.#builder.clock.now().getTime() - (total + 60) * 1000
    let index = 0
    const at = () => {
      const slot = options.ties ? Math.floor(index / 3) : index
      index += 1
      return start + slot * 1000
    }
    const many = (count: number | undefined, make: (n: number) => string) =>
      Array.from({ length: count ?? 0 }, (_, n) => make(n))
    const invoices = many(options.invoices, (n) => this.#invoice({ currency: n % 3 === 2 ? 'EUR' : 'PLN' }, at()))
    const corrections = many(Math.min(options.corrections ?? 0, invoices.length), (n) => {
      const original = invoices[n] ?? ''
      const lines = this.#builder.store.associations('invoices', original, 'line_items').slice(0, 1)
      const first = lines[0] ? this.#builder.store.get('line_items', lines[0].id) : undefined
      const line: FakeLineInput = {
        name: first?.values.get('name') ?? 'Korekta',
        quantity: '-1',
        price: first?.values.get('price') ?? '10.00',
        taxRateGroupId: first?.values.get('hs_tax_rate_group_id') ?? TAX['VAT 23%']?.id ?? '',
      }
      const currency = this.#builder.store.get('invoices', original)?.values.get('hs_currency') ?? 'PLN'
      const reason = CORRECTION_REASONS[n % CORRECTION_REASONS.length] ?? ''
      // Issued today, after the invoice it corrects (issued in the last 20 days).
      const invoiceDate = portalToday(this.#builder.clock)
      return this.#invoice({ corrects: original, reason, lines: [line], currency, invoiceDate }, at())
    })
    const withoutNip = many(options.withoutNip, () =>
      this.#invoice({ company: { name: this.#buyer().name, nip: '' } }, at()),
    )
    const unmappedTaxRate = many(options.unmappedTaxRate, () =>
      this.#invoice(
        {
          lines: [
            ...this.#lines(1),
            {
              name: 'Usługa (stara stawka)',
              quantity: '1',
              price: '100.00',
              taxRateGroupId: TAX['VAT 7% (old)']?.id ?? '',
            },
          ],
        },
        at(),
      ),
    )
    const drafts = many(options.drafts, () => this.#invoice({ status: 'draft' }, at()))
    const voided = many(options.voided, () => this.#invoice({ status: 'voided' }, at()))
    return { invoices, corrections, withoutNip, unmappedTaxRate, drafts, voided }
  }

  #buyer() {
    const buyer = BUYERS[this.#buyers % BUYERS.length] ?? BUYERS[0]!
    this.#buyers += 1
    return buyer
  }

  #lines(count: number): FakeLineInput[] {
    return Array.from({ length: count }, () => {
      const product = PRODUCTS[Math.floor(this.#random() * PRODUCTS.length)] ?? PRODUCTS[0]!
      return {
        name: product.name,
        quantity: String(1 + Math.floor(this.#random() * 5)),
        price: product.price,
        taxRateGroupId: TAX[product.group]?.id ?? '',
      }
    })
  }

  #invoice(input: FakeInvoiceInput, at: number): string {
    const buyer = this.#buyer()
    const companyId =
      input.company === undefined
        ? addCompany(
            this.#builder,
            { name: buyer.name, city: buyer.city, nip: written(nipOf(this.#random), this.#buyers) },
            'UI',
            at,
          )
        : addCompany(this.#builder, input.company, 'UI', at)
    const day = addDays(portalToday(this.#builder.clock), -(1 + Math.floor(this.#random() * 20)))
    return addInvoice(
      this.#builder,
      { invoiceDate: day, lines: this.#lines(1 + Math.floor(this.#random() * 3)), ...input, companyId },
      'UI',
      at,
    )
  }
}
