import { describe, expect, it } from 'vitest'
import { checkKsefNumber, crc8, formatKsefNumber, isValidKsefNumber } from './ksef-number.ts'

// Real KSeF numbers from the Ministry's documentation and UPO samples (FACTS.md §12).
const REAL = [
  '5265877635-20250916-0200A0D6723E-C2',
  '5265877635-20250626-010080DD2B5E-26',
  '5265877635-20250916-010040741B3E-46',
  '5265877635-20250916-0100C002FF3E-D5',
]

describe('KSeF numbers', () => {
  it('computes CRC-8 with polynomial 0x07 and init 0 (the standard check value of "123456789" is 0xF4)', () => {
    expect(crc8('123456789')).toBe(0xf4)
    expect(crc8('')).toBe(0)
  })

  it('accepts real KSeF numbers', () => {
    for (const number of REAL) expect(isValidKsefNumber(number)).toBe(true)
  })

  it('rejects a changed checksum, a changed character, lower-case hex and an impossible date', () => {
    expect(checkKsefNumber('5265877635-20250916-0200A0D6723E-C3')).toEqual({
      ok: false,
      reason: 'has checksum C3, expected C2',
    })
    expect(isValidKsefNumber('5265877635-20250916-0200A0D6723F-C2')).toBe(false)
    expect(isValidKsefNumber('5265877635-20250916-0200a0d6723e-C2')).toBe(false)
    expect(
      checkKsefNumber(formatKsefNumber('5265877635', '2025-09-16', '0200A0D6723E').replace('0916', '0231')),
    ).toMatchObject({
      ok: false,
    })
  })

  it('splits a number into its parts', () => {
    expect(checkKsefNumber(REAL[0] as string)).toEqual({
      ok: true,
      parts: { sellerNip: '5265877635', date: '2025-09-16', technical: '0200A0D6723E', checksum: 'C2' },
    })
  })

  it('formats numbers that check out, and refuses bad parts', () => {
    expect(formatKsefNumber('5265877635', '2025-09-16', '0200a0d6723e')).toBe(REAL[0])
    expect(() => formatKsefNumber('123', '2025-09-16', '0200A0D6723E')).toThrow(TypeError)
    expect(() => formatKsefNumber('5265877635', '20250916', '0200A0D6723E')).toThrow(TypeError)
  })
})
