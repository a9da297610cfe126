/**
 * The connection's tax table: the source system's tax codes -> FA(3) `P_12`. No source system stores the KSeF
 * category, and a percentage alone cannot decide it (five categories sit at 0 %), so the integrator sets the table
 * per connection; an unlisted code stops the document with a reason instead of a guess.
 *
 * @module
 */
import { VAT_RATES, type VatRate } from '@ksef-hub/fa3'
import { z } from 'zod'
import { MappingError } from '../errors.ts'
import { type Exemption, exemptionSchema } from './sales-document-schema.ts'

const rate = z.enum(VAT_RATES as unknown as [VatRate, ...VatRate[]])

/**
 * The schema of a tax table, for a connector's settings schema.
 *
 * @example
 * ```ts
 * settings: z.object({ baseUrl: z.url(), taxCodes: taxCodeTable })
 * // tenant file: taxCodes: { VAT23: "23", VAT8: "8", "EU-SERV": "np II", EXPORT: "0 EX",
 * //   ZW: { rate: zw, exemption: { kind: polishLaw, basis: "art. 43 ust. 1 pkt 37 ustawy o VAT" } } }
 * ```
 */
export const taxCodeTable = z
  .record(
    z.string().min(1).max(100),
    z.union([
      rate,
      // An exempt code carries its legal basis (FA(3) P_19A/B/C): KSeF refuses an exempt line without one.
      z.object({ rate, exemption: exemptionSchema.optional() }),
    ]),
  )
  .meta({
    description:
      'Tax code of the source system -> FA(3) P_12 (23, 22, 8, 7, 5, 4, 3, 0 KR, 0 WDT, 0 EX, zw, oo, np I, np II), or { rate, exemption: { kind: polishLaw|directive|other, basis } } for an exempt code.',
  })

/** A tax table. */
export type TaxCodeTable = z.output<typeof taxCodeTable>

/** A tax table's entry for a code. */
export interface TaxCodeEntry {
  readonly rate: VatRate
  readonly exemption?: Exemption
}

/**
 * The FA(3) rate of a source tax code.
 *
 * @param field where the code sits in the source document, for the error (`lines[2].taxCode`)
 * @throws {@link MappingError} `TAX_CODE_UNMAPPED` naming the code and the fix
 * @example
 * ```ts
 * vatRateOf({ VAT23: '23' }, 'VAT23', 'lines[0].taxCode') // '23'
 * ```
 */
export function vatRateOf(table: TaxCodeTable, code: string | null | undefined, field: string): VatRate {
  return taxCodeEntry(table, code, field).rate
}

/**
 * A source tax code's entry: its FA(3) rate and, for an exempt code, the exemption's legal basis.
 *
 * @throws {@link MappingError} `TAX_CODE_UNMAPPED` naming the code and the fix
 * @example
 * ```ts
 * taxCodeEntry({ ZW: { rate: 'zw', exemption } }, 'ZW', 'lines[1].taxCode') // { rate: 'zw', exemption }
 * ```
 */
export function taxCodeEntry(table: TaxCodeTable, code: string | null | undefined, field: string): TaxCodeEntry {
  if (code === null || code === undefined || code === '') {
    throw new MappingError('TAX_CODE_UNMAPPED', field, `${field} has no tax code`, {
      fix: 'give the line a tax code in the source system',
    })
  }
  const entry = Object.hasOwn(table, code) ? table[code] : undefined
  if (entry === undefined) {
    const known = Object.keys(table)
    throw new MappingError(
      'TAX_CODE_UNMAPPED',
      field,
      `tax code "${code}" (${field}) is not in the connection's tax table`,
      {
        fix: `add "${code}" to the connection's taxCodes with its FA(3) rate (one of ${VAT_RATES.join(', ')})${known.length ? `; mapped now: ${known.join(', ')}` : ''}`,
      },
    )
  }
  return typeof entry === 'string' ? { rate: entry } : entry
}
