import { VAT_RATES } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { MappingError } from '../errors.ts'
import { taxCodeTable, vatRateOf } from './tax-codes.ts'

const TABLE = { VAT23: '23', VAT8: '8', 'EU-SERV': 'np II', EXPORT: '0 EX' } as const

function mappingError(run: () => unknown): MappingError {
  try {
    run()
  } catch (error) {
    if (error instanceof MappingError) return error
    throw error
  }
  throw new Error('expected a MappingError')
}

describe('vatRateOf', () => {
  it('gives the FA(3) rate of a mapped code', () => {
    expect(vatRateOf(TABLE, 'VAT23', 'lines[0].taxCode')).toBe('23')
    expect(vatRateOf(TABLE, 'EU-SERV', 'lines[0].taxCode')).toBe('np II')
  })

  it('stops an unmapped code, naming the code, the field and the codes mapped now', () => {
    const error = mappingError(() => vatRateOf(TABLE, 'VAT5', 'lines[2].taxCode'))
    expect(error).toMatchObject({ code: 'TAX_CODE_UNMAPPED', field: 'lines[2].taxCode' })
    expect(error.message).toContain('"VAT5"')
    expect(error.message).toContain('lines[2].taxCode')
    expect(error.fix).toContain('mapped now: VAT23, VAT8, EU-SERV, EXPORT')
    for (const rate of VAT_RATES) expect(error.fix).toContain(rate)
  })

  it('does not take inherited properties for codes', () => {
    for (const code of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(mappingError(() => vatRateOf(TABLE, code, 'f')).code, code).toBe('TAX_CODE_UNMAPPED')
    }
  })

  it('stops a line without a code', () => {
    for (const code of [undefined, null, '']) {
      const error = mappingError(() => vatRateOf(TABLE, code, 'lines[0].taxCode'))
      expect(error).toMatchObject({ code: 'TAX_CODE_UNMAPPED', field: 'lines[0].taxCode' })
    }
  })

  it('names no mapped codes when the table is empty', () => {
    expect(mappingError(() => vatRateOf({}, 'A', 'f')).fix).not.toContain('mapped now')
  })
})

describe('taxCodeTable', () => {
  it('takes FA(3) rates and refuses anything else', () => {
    expect(taxCodeTable.safeParse(TABLE).success).toBe(true)
    expect(taxCodeTable.safeParse({ VAT24: '24' }).success).toBe(false)
    expect(taxCodeTable.safeParse({ '': '23' }).success).toBe(false)
  })
})
