import { isValidNip } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { MappingError } from '../errors.ts'
import { buyerNipOf, normalizeNip } from './nip.ts'

function mappingError(run: () => unknown): MappingError {
  try {
    run()
  } catch (error) {
    if (error instanceof MappingError) return error
    throw error
  }
  throw new Error('expected a MappingError')
}

describe('normalizeNip', () => {
  it('reads a NIP written any common way as its ten digits', () => {
    for (const written of ['5265877635', 'PL 526-587-76-35', 'pl5265877635', '526.587.76.35', ' 526 587 76 35 ']) {
      expect(normalizeNip(written), written).toBe('5265877635')
    }
  })

  it('gives undefined for nothing', () => {
    for (const empty of [null, undefined, '', '   ', ' - ', 'PL'])
      expect(normalizeNip(empty), String(empty)).toBeUndefined()
  })

  it('leaves what is not a NIP for the check to refuse', () => {
    expect(normalizeNip('DE 123456789')).toBe('DE123456789')
  })
})

describe('buyerNipOf', () => {
  it('takes the first candidate that holds a value, in order', () => {
    const nip = buyerNipOf(
      [
        ['customer.vatNumber', null],
        ['customer.taxId', '  '],
        ['customer.registration', 'PL 526-587-76-35'],
        ['customer.other', '7010002139'],
      ],
      'customer C1',
    )
    expect(nip).toBe('5265877635')
  })

  it('refuses a checksum that fails, naming the field and the fix, even when a later candidate is valid', () => {
    const error = mappingError(() =>
      buyerNipOf(
        [
          ['customer.taxId', '526-587-76-36'],
          ['customer.other', '7010002139'],
        ],
        'customer C1',
      ),
    )
    expect(error).toMatchObject({ code: 'BUYER_NIP_INVALID', field: 'customer.taxId', kind: 'mapping' })
    expect(error.message).toContain('526-587-76-36')
    expect(error.fix).toContain('customer C1')
    expect(error.retryable).toBe(false)
  })

  it('refuses a NIP whose checksum holds but FA(3) cannot carry (no tax office has 00 in digits 2-3)', () => {
    expect(isValidNip('1000000006')).toBe(true)
    // Taken, it stopped the invoice at the XSD with a message about XML instead of the buyer's NIP.
    expect(mappingError(() => buyerNipOf([['customer.taxId', '1000000006']], 'customer C1')).code).toBe(
      'BUYER_NIP_INVALID',
    )
  })

  it('reports a missing NIP at the first field, listing where it looked', () => {
    const error = mappingError(() =>
      buyerNipOf(
        [
          ['customer.taxId', ''],
          ['customer.other', undefined],
        ],
        'customer C2',
      ),
    )
    expect(error).toMatchObject({ code: 'BUYER_NIP_MISSING', field: 'customer.taxId' })
    expect(error.message).toContain('customer.taxId, customer.other')
    expect(error.fix).toContain('customer C2')
    expect(mappingError(() => buyerNipOf([], 'customer C3')).field).toBe('buyer.nip')
  })
})
