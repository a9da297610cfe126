import { invoiceArbitrary, typicalInvoice } from '@ksef-hub/fa3/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { contentHash, newRecordId, storedForm } from './keys.ts'

describe('storedForm', () => {
  it('gives the JSON of the model and the same hash as contentHash, for any valid invoice', () => {
    fc.assert(
      fc.property(invoiceArbitrary(), (invoice) => {
        const { json, hash } = storedForm(invoice)
        expect(json).toBe(JSON.stringify(invoice))
        expect(hash).toBe(contentHash(invoice))
      }),
      { numRuns: 60 },
    )
  })

  it('ignores the creation time, as contentHash does, and nothing else', () => {
    const invoice = typicalInvoice({ lines: 2 })
    const later = { ...invoice, header: { ...invoice.header, createdAt: '2026-12-01T10:00:00Z' } }
    expect(storedForm(later).hash).toBe(storedForm(invoice).hash)
    expect(storedForm(later).json).toContain('2026-12-01T10:00:00Z')
    const renumbered = { ...invoice, details: { ...invoice.details, number: 'FV/OTHER' } }
    expect(storedForm(renumbered).hash).not.toBe(storedForm(invoice).hash)
  })

  it('falls back to serialising twice when the header is not the first member', () => {
    const { header, ...rest } = typicalInvoice({ lines: 1 })
    const reordered = { ...rest, header }
    expect(storedForm(reordered).hash).toBe(contentHash(reordered))
    expect(storedForm(reordered).json).toBe(JSON.stringify(reordered))
  })
})

describe('newRecordId', () => {
  it('gives unique UUIDv7 ids that increase in the order they are made', () => {
    const ids = Array.from({ length: 5_000 }, () => newRecordId())
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    // As PostgreSQL orders uuid values: byte by byte, which for lower-case hex is string order.
    expect([...ids].sort()).toEqual(ids)
  })

  it('leads with the time it was made, in milliseconds', () => {
    const before = Date.now()
    const id = newRecordId()
    const millis = Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)
    expect(millis).toBeGreaterThanOrEqual(before)
    expect(millis).toBeLessThanOrEqual(Date.now())
  })
})
