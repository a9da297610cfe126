/**
 * The portal's tax-rate library (`GET /tax-rates/v1/tax-rates` and `…/{taxRateGroupId}` [I `PublicTaxRateGroup`]
 * [R (b)]), which line items point into with `hs_tax_rate_group_id`. Polish portals keep one group per KSeF case:
 * several at 0 %, told apart only by name [R, tax codes table]. `percentageRate` is a percentage (23, not 0.23):
 * VERIFY. The `p12` of each group is the fake's hint for tests building a connection's tax table (HubSpot knows
 * nothing of it); `VAT 7% (old)` is left out of such tables on purpose.
 *
 * @module
 */

/** A tax-rate group of the fake, with the test hint of what KSeF calls it. */
export interface FakeTaxRate {
  readonly id: string
  readonly name: string
  readonly label: string
  readonly percentageRate: number
  readonly active: boolean
  /** FA(3) `P_12` a connection's table should map it to; `undefined`: a group no table maps (unmapped case). */
  readonly p12?: string
  /** The legal basis of an exempt group. */
  readonly exemption?: string
}

/** The library every fake portal has (ids fixed, so refs in tests stay stable). */
export const FAKE_TAX_RATES: readonly FakeTaxRate[] = [
  { id: '88310001', name: 'VAT 23%', label: 'VAT 23%', percentageRate: 23, active: true, p12: '23' },
  { id: '88310002', name: 'VAT 8%', label: 'VAT 8%', percentageRate: 8, active: true, p12: '8' },
  { id: '88310003', name: 'VAT 5%', label: 'VAT 5%', percentageRate: 5, active: true, p12: '5' },
  { id: '88310004', name: '0% krajowe', label: '0% (kraj)', percentageRate: 0, active: true, p12: '0 KR' },
  { id: '88310005', name: '0% WDT', label: '0% WDT', percentageRate: 0, active: true, p12: '0 WDT' },
  { id: '88310006', name: '0% eksport', label: '0% eksport', percentageRate: 0, active: true, p12: '0 EX' },
  {
    id: '88310007',
    name: 'ZW',
    label: 'zwolnione',
    percentageRate: 0,
    active: true,
    p12: 'zw',
    exemption: 'art. 43 ust. 1 pkt 18 ustawy o VAT',
  },
  { id: '88310008', name: 'NP', label: 'nie podlega', percentageRate: 0, active: true, p12: 'np I' },
  { id: '88310009', name: 'VAT 7% (old)', label: 'VAT 7% (old)', percentageRate: 7, active: false },
]

/** The group of each case the seeder uses, by name. */
export const TAX = Object.fromEntries(FAKE_TAX_RATES.map((rate) => [rate.name, rate])) as Readonly<
  Record<string, FakeTaxRate>
>

const STAMP = '2026-01-05T09:12:44.120Z'

/**
 * A group as the API answers it.
 *
 * @example
 * ```ts
 * taxRateJson(FAKE_TAX_RATES[0]!) // { id: '88310001', name: 'VAT 23%', percentageRate: 23, ... }
 * ```
 */
export function taxRateJson(rate: FakeTaxRate): Record<string, unknown> {
  return {
    id: rate.id,
    name: rate.name,
    label: rate.label,
    percentageRate: rate.percentageRate,
    active: rate.active,
    createdAt: STAMP,
    updatedAt: STAMP,
  }
}
