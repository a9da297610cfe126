/**
 * The buyer of a BC document: the bill-to customer (BC invoices the bill-to customer; its VAT Registration No. is
 * the one on the invoice), named and addressed as the posted document says, identified by the NIP in the fields
 * the connection names (the seeds of this product found NIPs in several places of one BC). A customer abroad is
 * identified by its EU VAT number or foreign tax id instead.
 *
 * @module
 */
import {
  buyerNipOf,
  foreignBuyerIdentity,
  isMappingError,
  MappingError,
  normalizeNip,
  type SalesDocument,
} from '@ksef-hub/connector-sdk'
import type { DocumentData } from './document-data.ts'
import type { Settings } from './settings.ts'

type Buyer = SalesDocument['buyer']

const joined = (...parts: (string | null | undefined)[]) =>
  parts
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ')

/**
 * The value of a configured NIP field (`customer.<field>` or `document.<field>`) in a pulled document.
 *
 * @example
 * ```ts
 * nipFieldValue(data, 'customer.taxRegistrationNumber') // 'PL5265877635'
 * ```
 */
export function nipFieldValue(data: DocumentData, field: string): string | undefined {
  const [scope, name] = field.split('.') as [string, string]
  const source = (scope === 'customer' ? (data.billToCustomer ?? data.document.customer) : data.document) as
    | Record<string, unknown>
    | null
    | undefined
  const value = source?.[name]
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}

function addressOf(data: DocumentData, country: string): Buyer['address'] {
  const record = data.document
  const customer = data.billToCustomer ?? record.customer
  const street = joined(record.billToAddressLine1, record.billToAddressLine2)
  const line1 = street || joined(customer?.addressLine1, customer?.addressLine2)
  if (!line1) return undefined
  const line2 = street ? joined(record.billToPostCode, record.billToCity) : joined(customer?.postalCode, customer?.city)
  return { countryCode: country, line1, ...(line2 ? { line2 } : {}) }
}

/** The buyer's NIP, or a mapping error naming the BC field and what to do in BC. */
function nipOf(data: DocumentData, settings: Settings, who: string, customerNumber: string): string {
  const candidates = settings.buyer.nipFields.map((field) => [field, nipFieldValue(data, field)] as const)
  try {
    return buyerNipOf(candidates, who)
  } catch (error) {
    if (!isMappingError(error)) throw error
    const fields = settings.buyer.nipFields.join(', ')
    const fix =
      error.code === 'BUYER_NIP_MISSING'
        ? `enter the NIP as VAT Registration No. of customer ${customerNumber} in Business Central (the connection reads ${fields}; settings.buyer.nipFields), then retry the document (POST /v1/connections/{id}/documents/retry): the hub reads it again`
        : `correct the VAT Registration No. of customer ${customerNumber} in Business Central (10 digits with a valid checksum, PL prefix allowed), then retry the document (POST /v1/connections/{id}/documents/retry): the hub reads it again`
    throw new MappingError(error.code, error.field, error.message, { fix })
  }
}

/**
 * The buyer of a pulled document, as the SDK's sales document takes it.
 *
 * @throws {@link MappingError} `BUYER_NIP_MISSING` / `BUYER_NIP_INVALID` naming the field and the fix in BC
 * @example
 * ```ts
 * buyerOf(data, settings, 'BC sales invoice 103001')
 * // { name: 'Adatum Sp. z o.o.', nipCandidates: [['customer.taxRegistrationNumber', '5265877635']], ... }
 * ```
 */
export function buyerOf(data: DocumentData, settings: Settings, label: string): Buyer {
  const record = data.document
  const customer = data.billToCustomer ?? record.customer
  const name = joined(record.billToName) || joined(customer?.displayName) || joined(record.customerName)
  const customerNumber = record.billToCustomerNumber || customer?.number || record.customerNumber || '(no number)'
  if (!name) {
    throw new MappingError('FIELD_INVALID', 'billToName', `${label} has no customer name`, {
      fix: `give customer ${customerNumber} a name in Business Central`,
    })
  }
  const country = (record.billToCountry || customer?.country || 'PL').trim().toUpperCase()
  const address = addressOf(data, country)
  const base = {
    name,
    ...(address ? { address } : {}),
    ...(customerNumber !== '(no number)' ? { customerNumber } : {}),
  }
  const who = `customer ${customerNumber} (${name}) of ${label}`
  if (country !== 'PL') {
    const taxId = settings.buyer.nipFields.map((field) => nipFieldValue(data, field)).find((value) => value?.trim())
    return { ...base, identity: foreignBuyerIdentity(country, taxId) }
  }
  const anyValue = settings.buyer.nipFields.some((field) => normalizeNip(nipFieldValue(data, field)) !== undefined)
  if (!anyValue && customer?.type === 'Person' && settings.buyer.personsWithoutNip === 'consumer') {
    return { ...base, identity: { kind: 'none' } }
  }
  const nip = nipOf(data, settings, who, customerNumber)
  return { ...base, nipCandidates: [[settings.buyer.nipFields[0] ?? 'customer.taxRegistrationNumber', nip]] }
}
