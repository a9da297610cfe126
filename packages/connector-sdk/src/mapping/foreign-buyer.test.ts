import { describe, expect, it } from 'vitest'
import { euCountryCode, foreignBuyerIdentity } from './foreign-buyer.ts'

describe('euCountryCode', () => {
  it('gives FA(3)’s code of an EU member state other than Poland', () => {
    expect(euCountryCode('GR')).toBe('EL')
    expect(euCountryCode('DE')).toBe('DE')
    expect(euCountryCode('PL')).toBeUndefined()
    expect(euCountryCode('NO')).toBeUndefined()
  })
})

describe('foreignBuyerIdentity', () => {
  it('identifies an EU buyer by its VAT number without the prefix, another by its tax id, and none without one', () => {
    expect(foreignBuyerIdentity('DE', 'de 123.456-789')).toEqual({
      kind: 'eu',
      countryCode: 'DE',
      vatNumber: '123456789',
    })
    expect(foreignBuyerIdentity('DE', '123456789')).toEqual({ kind: 'eu', countryCode: 'DE', vatNumber: '123456789' })
    expect(foreignBuyerIdentity('GR', 'EL094259216')).toEqual({ kind: 'eu', countryCode: 'EL', vatNumber: '094259216' })
    expect(foreignBuyerIdentity('GR', 'GR094259216')).toEqual({ kind: 'eu', countryCode: 'EL', vatNumber: '094259216' })
    expect(foreignBuyerIdentity('US', '12-3456789')).toEqual({ kind: 'foreign', countryCode: 'US', taxId: '123456789' })
    expect(foreignBuyerIdentity('FR', ' - ')).toEqual({ kind: 'none' })
    expect(foreignBuyerIdentity('FR', undefined)).toEqual({ kind: 'none' })
  })
})
