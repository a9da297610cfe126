/**
 * A buyer outside Poland as FA(3) identifies it: by an EU VAT number with its member state apart (KodUE, where
 * Greece is EL), by another country's tax id, or by none (a consumer).
 *
 * @module
 */
import { EU_COUNTRY_CODES } from '@ksef-hub/fa3'
import type { BuyerIdentity } from './sales-document-schema.ts'

type EuCountry = (typeof EU_COUNTRY_CODES)[number]

/**
 * The FA(3) code of an EU member state other than Poland for an ISO 3166 code (Greece's GR is EL there), or
 * `undefined` outside the EU.
 *
 * @example
 * ```ts
 * euCountryCode('GR') // 'EL'
 * euCountryCode('DE') // 'DE'
 * euCountryCode('PL') // undefined
 * euCountryCode('NO') // undefined
 * ```
 */
export function euCountryCode(country: string): EuCountry | undefined {
  const code = country === 'GR' ? 'EL' : country
  return EU_COUNTRY_CODES.find((eu) => eu === code && eu !== 'PL')
}

/**
 * The identity of a buyer in `country` (ISO 3166, not PL) from its tax id as the source holds it (spaces, dots
 * and dashes dropped): none without one; in the EU its VAT number without the country prefix; else the tax id.
 *
 * @example
 * ```ts
 * foreignBuyerIdentity('DE', 'DE 123.456.789') // { kind: 'eu', countryCode: 'DE', vatNumber: '123456789' }
 * foreignBuyerIdentity('GR', 'EL094259216') // { kind: 'eu', countryCode: 'EL', vatNumber: '094259216' }
 * foreignBuyerIdentity('US', '12-3456789') // { kind: 'foreign', countryCode: 'US', taxId: '123456789' }
 * foreignBuyerIdentity('FR', '') // { kind: 'none' }
 * ```
 */
export function foreignBuyerIdentity(country: string, taxId: string | null | undefined): BuyerIdentity {
  const compact = taxId?.replace(/[\s.-]/g, '').toUpperCase()
  if (!compact) return { kind: 'none' }
  const eu = euCountryCode(country)
  if (eu) {
    // FA(3) takes the VAT number without its country prefix, the country apart (KodUE).
    const vatNumber = compact.startsWith(eu) || compact.startsWith(country) ? compact.slice(2) : compact
    return { kind: 'eu', countryCode: eu, vatNumber }
  }
  return { kind: 'foreign', countryCode: country, taxId: compact }
}
