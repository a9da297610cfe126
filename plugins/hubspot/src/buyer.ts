/**
 * The buyer of a HubSpot invoice: its associated company (the one labelled primary, else the first), identified by
 * the NIP in the company property the connection names (with or without PL). A company abroad is identified by its
 * EU VAT number or foreign tax id from the same property. An invoice without a company goes to its contact as a
 * consumer when the connection says so.
 *
 * @module
 */
import {
  buyerNipOf,
  foreignBuyerIdentity,
  isMappingError,
  MappingError,
  type SalesDocument,
} from '@ksef-hub/connector-sdk'
import { countryCodeOf } from './countries.ts'
import type { CrmObject, DocumentData } from './document-data.ts'
import type { Settings } from './settings.ts'

type Buyer = SalesDocument['buyer']

const RETRY = 'then retry the invoice (POST /v1/connections/{id}/documents/retry): the hub reads it again'

const joined = (...parts: (string | null | undefined)[]) =>
  parts
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ')

function addressOf(record: CrmObject, country: string): Buyer['address'] {
  const p = record.properties
  const line1 = joined(p.address, p.address2)
  if (!line1) return undefined
  const line2 = joined(p.zip, p.city)
  return { countryCode: country, line1, ...(line2 ? { line2 } : {}) }
}

function countryOf(record: CrmObject, what: string, label: string): string {
  const written = record.properties.country
  if (!written?.trim()) return 'PL'
  const code = countryCodeOf(written)
  if (code) return code
  throw new MappingError(
    'FIELD_INVALID',
    `${what}.country`,
    `${label}: the ${what}'s country "${written}" is not a country`,
    {
      fix: `write the ${what}'s Country/Region in HubSpot as a country name or its ISO code (PL, DE), ${RETRY}`,
    },
  )
}

function consumerOf(data: DocumentData, settings: Settings, label: string): Buyer {
  const contact = data.contact
  const name = joined(contact?.properties.firstname, contact?.properties.lastname) || contact?.properties.email
  if (!contact || !name || settings.buyer.withoutCompany !== 'consumer') {
    throw new MappingError('BUYER_NIP_MISSING', 'associations.companies', `${label} is associated with no company`, {
      fix: `associate the invoice with the buyer's company in HubSpot (its NIP in the company property ${settings.nipProperty}); for a consumer set settings.buyer.withoutCompany: consumer and associate a contact`,
    })
  }
  const country = countryOf(contact, 'contact', label)
  const address = addressOf(contact, country)
  return {
    name,
    identity: { kind: 'none' },
    ...(address ? { address } : {}),
    ...(contact.properties.email ? { email: contact.properties.email } : {}),
  }
}

/**
 * The buyer of a pulled invoice, as the SDK's sales document takes it.
 *
 * @throws {@link MappingError} `BUYER_NIP_MISSING` / `BUYER_NIP_INVALID` naming the company property and the fix
 * @example
 * ```ts
 * buyerOf(data, settings, 'HubSpot invoice INV-1042')
 * // { name: 'Adatum Sp. z o.o.', nipCandidates: [['company.nip', '5265877635']], address: { countryCode: 'PL', … } }
 * ```
 */
export function buyerOf(data: DocumentData, settings: Settings, label: string): Buyer {
  const company = data.company
  if (!company) return consumerOf(data, settings, label)
  const property = settings.nipProperty
  const name = company.properties.name?.trim()
  const who = `company ${name || '(no name)'} (id ${company.id})`
  if (!name) {
    throw new MappingError('FIELD_INVALID', 'company.name', `${label}: ${who} has no name`, {
      fix: `give the company its name in HubSpot, ${RETRY}`,
    })
  }
  const country = countryOf(company, 'company', label)
  const address = addressOf(company, country)
  const email = data.contact?.properties.email
  const base = { name, ...(address ? { address } : {}), ...(email ? { email } : {}) }
  if (country !== 'PL') return { ...base, identity: foreignBuyerIdentity(country, company.properties[property]) }
  const field = `company.${property}`
  try {
    return { ...base, nipCandidates: [[field, buyerNipOf([[field, company.properties[property]]], who)]] }
  } catch (error) {
    if (!isMappingError(error)) throw error
    const fix =
      error.code === 'BUYER_NIP_MISSING'
        ? `enter the NIP in the company property ${property} of ${who} in HubSpot (settings.nipProperty), ${RETRY}`
        : `correct the company property ${property} of ${who} in HubSpot (10 digits with a valid checksum, PL prefix allowed), ${RETRY}`
    throw new MappingError(error.code, field, error.message, { fix })
  }
}
