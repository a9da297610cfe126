import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { isMappingError } from '../errors.ts'
import { beforeKsefStart, pulledData } from './pulled.ts'

const schema = z.object({ invoice: z.object({ number: z.string(), lines: z.array(z.object({ qty: z.number() })) }) })
const options = { noun: 'invoice', fix: 'check the invoice in Acme' }

describe('pulledData', () => {
  it('parses what pull stored, and refuses data that no longer fits, naming the field', () => {
    const data = { invoice: { number: 'FV/1', lines: [{ qty: 1 }] } }
    expect(pulledData(schema, { ref: 'r1', data }, options)).toEqual(data)
    let caught: unknown
    try {
      pulledData(schema, { ref: 'r1', data: { invoice: { number: 'FV/1', lines: [{ qty: 'one' }] } } }, options)
    } catch (error) {
      caught = error
    }
    expect(isMappingError(caught)).toBe(true)
    expect(caught).toMatchObject({ code: 'FIELD_INVALID', field: 'invoice.lines.0.qty', fix: options.fix })
    expect((caught as Error).message).toMatch(/^invoice r1: invoice\.lines\.0\.qty /)
  })
})

describe('beforeKsefStart', () => {
  it('skips a document dated before the start, and nothing else', () => {
    expect(beforeKsefStart('FV/1', '2026-01-31', '2026-02-01')).toBe(
      'FV/1 is dated 2026-01-31, before the KSeF start date 2026-02-01 (settings.ksefStartDate): issued outside KSeF',
    )
    expect(beforeKsefStart('FV/1', '2026-02-01', '2026-02-01')).toBeUndefined()
    expect(beforeKsefStart('FV/1', '2026-01-31', undefined)).toBeUndefined()
    expect(beforeKsefStart('FV/1', undefined, '2026-02-01')).toBeUndefined()
  })
})
