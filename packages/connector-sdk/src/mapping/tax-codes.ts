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

/**
 * The schema of a tax table, for a connector's settings schema.
 *
 * @example
 * ```ts
 * settings: z.object({ baseUrl: z.url(), taxCodes: taxCodeTable })
 * // tenant file: taxCodes: { VAT23: "23", VAT8: "8", "EU-SERV": "np II", EXPORT: "0 EX" }
 * ```
 */
export const taxCodeTable = z
  .record(z.string().min(1).max(100), z.enum(VAT_RATES as unknown as [VatRate, ...VatRate[]]))
  .meta({
    description:
      'Tax code of the source system -> FA(3) P_12 (23, 22, 8, 7, 5, 4, 3, 0 KR, 0 WDT, 0 EX, zw, oo, np I, np II).',
  })

/** A tax table. */
export type TaxCodeTable = z.output<typeof taxCodeTable>

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
  if (code === null || code === undefined || code === '') {
    throw new MappingError('TAX_CODE_UNMAPPED', field, `${field} has no tax code`, {
      fix: 'give the line a tax code in the source system',
    })
  }
  const rate = Object.hasOwn(table, code) ? table[code] : undefined
  if (rate === undefined) {
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
  return rate
}
