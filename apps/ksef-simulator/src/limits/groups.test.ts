import { describe, expect, it } from 'vitest'
import { findOperation, specOperations } from '../http/openapi.ts'
import { groupOf, prdGroupLimits } from './groups.ts'

describe('rate-limit groups', () => {
  it("take every protected operation's PRD limits from its own x-rate-limits in the spec", () => {
    const prd = prdGroupLimits()
    const secured = specOperations().filter((op) => op.secured)
    expect(secured.length).toBeGreaterThan(40)
    for (const op of secured) {
      const group = groupOf(op)
      if (group === 'public') expect({ op: op.id, ...op.rateLimits }).toEqual({ op: op.id, perSecond: 60 })
      else expect({ op: op.id, ...prd[group] }).toEqual({ op: op.id, ...op.rateLimits })
    }
    expect(groupOf(specOperations().find((op) => op.id === 'POST /auth/token/refresh') ?? secured[0]!)).toBe('public')
  })

  it('puts the documented operations in their groups', () => {
    const group = (method: string, path: string) => {
      const op = findOperation(method, path)
      if (!op) throw new Error(`no operation ${method} ${path}`)
      return groupOf(op)
    }
    expect(group('POST', '/invoices/query/metadata')).toBe('invoiceMetadata')
    expect(group('GET', '/sessions/20250101-SO-0000000000-0000000000-00/invoices/failed')).toBe('sessionInvoiceList')
    expect(
      group('GET', '/sessions/20250101-SO-0000000000-0000000000-00/invoices/20250101-EE-0000000000-0000000000-00'),
    ).toBe('invoiceStatus')
    expect(group('POST', '/auth/challenge')).toBe('public')
    expect(prdGroupLimits().invoiceMetadata).toEqual({ perSecond: 8, perMinute: 16, perHour: 20 })
  })
})
