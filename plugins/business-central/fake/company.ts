/**
 * A new company of the fake's tenant: its `companies` record, `companyInformation` (the seller and its NIP), the
 * currencies it trades in with EUR exchange rates for every day of the last months (as a Polish company loads
 * NBP's table each day), and its suppliers.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import { addDays, type FakeClock, generator } from '@ksef-hub/connector-sdk/testing'
import type { CompanyTemplate } from './catalog.ts'
import { VENDORS } from './catalog.ts'
import type { Numbering } from './documents.ts'
import type { Store } from './store.ts'

/** A company as the test-side API describes it. */
export interface FakeCompany {
  readonly id: string
  readonly name: string
  readonly displayName: string
  /** The seller's NIP, ten digits. */
  readonly nip: string
  /** As typed into `companyInformation.taxRegistrationNumber` (maybe with `PL`). */
  readonly taxRegistrationNumber: string
}

/** How many days back the EUR exchange rates go. */
const RATE_DAYS = 400

/**
 * Adds a company with its master data.
 *
 * @example
 * ```ts
 * const company = addCompany(store, clock, (id) => numberings.of(id), COMPANIES[0]!)
 * ```
 */
export function addCompany(
  store: Store,
  clock: FakeClock,
  numbering: (companyId: string) => Numbering,
  template: CompanyTemplate,
): FakeCompany {
  const id = randomUUID()
  const at = store.tick()
  const admin = randomUUID()
  store.addCompany(id)
  const seed = { notify: false, at }
  store.insert(
    id,
    'companies',
    {
      id,
      systemVersion: '27.0.38460.41080',
      timestamp: 1,
      name: template.name,
      displayName: template.displayName,
      businessProfileId: '',
      systemCreatedAt: at,
      systemCreatedBy: admin,
      systemModifiedAt: at,
      systemModifiedBy: admin,
    },
    seed,
  )
  const today = clock.now().toISOString().slice(0, 10)
  store.insert(
    id,
    'companyInformation',
    {
      displayName: template.displayName,
      addressLine1: template.addressLine1,
      city: template.city,
      postalCode: template.postalCode,
      country: 'PL',
      email: template.email,
      taxRegistrationNumber: template.taxRegistrationNumber,
      currencyCode: 'PLN',
      currentFiscalYearStartDate: `${today.slice(0, 4)}-01-01`,
    },
    seed,
  )
  for (const [code, displayName, symbol] of [
    ['EUR', 'Euro', '€'],
    ['USD', 'Dolar amerykański', '$'],
  ] as const) {
    store.insert(
      id,
      'currencies',
      { code, displayName, symbol, amountDecimalPlaces: '2:2', amountRoundingPrecision: '0.01' },
      seed,
    )
  }
  const random = generator(4_2026)
  // In ten-thousandths of a złoty, so the rate is written digit for digit, never through a float.
  let units = 42_500
  for (let day = RATE_DAYS; day >= 0; day -= 1) {
    units = Math.min(44_500, Math.max(41_000, units + Math.round((random() - 0.5) * 200)))
    store.insert(
      id,
      'currencyExchangeRates',
      {
        currencyCode: 'EUR',
        startingDate: addDays(today, -day),
        exchangeRateAmount: '1',
        relationalCurrencyCode: '',
        relationalExchangeRateAmount: `${Math.floor(units / 10_000)}.${String(units % 10_000).padStart(4, '0')}`,
      },
      seed,
    )
  }
  for (const vendor of VENDORS) {
    store.insert(
      id,
      'vendors',
      {
        number: numbering(id).next('D'),
        displayName: vendor.displayName,
        city: vendor.city,
        country: 'PL',
        taxRegistrationNumber: vendor.written,
        currencyCode: 'PLN',
        taxLiable: true,
      },
      seed,
    )
  }
  return {
    id,
    name: template.name,
    displayName: template.displayName,
    nip: template.nip,
    taxRegistrationNumber: template.taxRegistrationNumber,
  }
}
