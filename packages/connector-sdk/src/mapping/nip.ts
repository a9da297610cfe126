/**
 * Buyer NIPs as source systems hold them: with a `PL` prefix, spaces or dashes, sometimes in one of several fields.
 *
 * @module
 */
import { isValidNip } from '@ksef-hub/fa3'
import { MappingError } from '../errors.ts'

// FA(3)'s TNrNIP besides the checksum: no leading zero, and not 00 in digits 2-3 (no tax office has such a code).
// A NIP that passed the checksum alone stopped the invoice at the XSD, with a message about XML, not the buyer.
const FA3_NIP = /^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/

/**
 * A NIP written any common way, as its 10 digits; `undefined` when the value is empty.
 *
 * @example
 * ```ts
 * normalizeNip('PL 526-587-76-35') // '5265877635'
 * normalizeNip('  ') // undefined
 * ```
 */
export function normalizeNip(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined
  const compact = value.replace(/[\s\-.]/g, '').replace(/^PL/i, '')
  return compact === '' ? undefined : compact
}

/**
 * The first value among `candidates` that holds a NIP, checked; the seeds of this product found NIPs in several
 * places of one ERP, so connectors try each configured field in order.
 *
 * @param candidates `[field, value]` pairs in order of preference
 * @throws {@link MappingError} `BUYER_NIP_MISSING` when none holds a value, `BUYER_NIP_INVALID` when the first that
 *   does is not a valid NIP
 * @example
 * ```ts
 * buyerNipOf([['customer.taxRegistrationNumber', customer.taxRegistrationNumber]], `customer ${customer.number}`)
 * ```
 */
export function buyerNipOf(candidates: readonly (readonly [string, (string | null)?])[], who: string): string {
  for (const [field, value] of candidates) {
    const nip = normalizeNip(value)
    if (nip === undefined) continue
    if (!isValidNip(nip) || !FA3_NIP.test(nip)) {
      throw new MappingError('BUYER_NIP_INVALID', field, `${who}: "${value}" in ${field} is not a valid NIP`, {
        fix: `correct the NIP of ${who} in the source system (10 digits with a valid checksum)`,
      })
    }
    return nip
  }
  const fields = candidates.map(([field]) => field).join(', ')
  throw new MappingError(
    'BUYER_NIP_MISSING',
    candidates[0]?.[0] ?? 'buyer.nip',
    `${who} has no NIP (looked in ${fields})`,
    {
      fix: `enter the NIP of ${who} in the source system; the hub maps the document again when it changes`,
    },
  )
}
