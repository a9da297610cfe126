import { describe, expect, it } from 'vitest'
import { completeNip, isValidInternalId, isValidNip } from './nip.ts'

describe('isValidNip', () => {
  it('accepts NIPs whose check digit matches the weighted sum', () => {
    // 5265877635 is the NIP of the Ministry's own test context in the official KSeF samples.
    for (const nip of ['5265877635', '9999999999', '1111111111', '7010002139']) expect(isValidNip(nip)).toBe(true)
  })

  it('rejects a wrong check digit, a sum whose remainder is 10, and malformed input', () => {
    expect(isValidNip('5265877636')).toBe(false)
    expect(isValidNip('7770001230')).toBe(false) // 777000123 sums to a remainder of 10: no valid NIP
    expect(isValidNip('526587763')).toBe(false)
    expect(isValidNip('526-587-76-35')).toBe(false)
    expect(isValidNip('52658776a5')).toBe(false)
  })

  it('completes nine digits with the check digit, or says none exists', () => {
    expect(completeNip('526587763')).toBe('5265877635')
    expect(completeNip('777000123')).toBeUndefined()
    expect(() => completeNip('12')).toThrow(TypeError)
  })
})

describe('isValidInternalId', () => {
  it('accepts the documented example and rejects a changed digit', () => {
    expect(isValidInternalId('6824515772-12343')).toBe(true)
    expect(isValidInternalId('6824515772-12344')).toBe(false)
    expect(isValidInternalId('6824515772-1234')).toBe(false)
  })
})
