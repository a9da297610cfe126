import { describe, expect, it } from 'vitest'
import { compileFilter } from './filter.ts'
import { BcError } from './http.ts'
import { ENTITIES, type Row } from './model.ts'
import { listQuery, pageOf } from './query.ts'

const rows: Row[] = [
  {
    id: 'a1000000-0000-0000-0000-000000000001',
    vendorInvoiceNumber: "O'BRIEN/1",
    totalAmountIncludingTax: '100.10',
    invoiceDate: '2026-11-02',
    status: 'Open',
    lastModifiedDateTime: '2026-11-02T10:00:00.000Z',
    pricesIncludeTax: false,
  },
  {
    id: 'a1000000-0000-0000-0000-000000000002',
    vendorInvoiceNumber: 'FV/2026/7',
    totalAmountIncludingTax: '99.99',
    invoiceDate: '2026-11-03',
    status: 'Draft',
    lastModifiedDateTime: '2026-11-03T10:00:00.000Z',
    pricesIncludeTax: true,
  },
  {
    id: 'a1000000-0000-0000-0000-000000000003',
    vendorInvoiceNumber: 'FV/2026/8',
    totalAmountIncludingTax: '1000',
    invoiceDate: '2026-11-04',
    status: 'Open',
    lastModifiedDateTime: '2026-11-04T10:00:00.000Z',
    pricesIncludeTax: false,
  },
]

const spec = ENTITIES.purchaseInvoices
const matching = (filter: string) => rows.filter(compileFilter(spec, filter)).map((row) => String(row.id).slice(-1))
const refusal = (filter: string) => {
  try {
    compileFilter(spec, filter)
  } catch (error) {
    return error instanceof BcError ? [error.fact.status, error.fact.code] : 'not a BcError'
  }
  return 'accepted'
}

describe('$filter', () => {
  it('compares each field as its type: text, decimals, dates, date-times, booleans, GUIDs', () => {
    expect(matching("vendorInvoiceNumber eq 'O''BRIEN/1'")).toEqual(['1'])
    expect(matching('totalAmountIncludingTax gt 100')).toEqual(['1', '3'])
    expect(matching('totalAmountIncludingTax le 99.99')).toEqual(['2'])
    expect(matching('invoiceDate ge 2026-11-03')).toEqual(['2', '3'])
    expect(matching('lastModifiedDateTime gt 2026-11-03T10:00:00Z')).toEqual(['3'])
    expect(matching('lastModifiedDateTime lt 2026-11-03T11:00:00+01:00')).toEqual(['1'])
    expect(matching('pricesIncludeTax eq true')).toEqual(['2'])
    expect(matching('id eq A1000000-0000-0000-0000-000000000003')).toEqual(['3'])
  })

  it('matches a Code field upper-cased, as AL evaluates the literal into a Code', () => {
    expect(matching("vendorInvoiceNumber eq 'fv/2026/7'")).toEqual(['2'])
  })

  it('takes and, or, not, parentheses and the string functions', () => {
    expect(matching("status eq 'Open' and totalAmountIncludingTax lt 500")).toEqual(['1'])
    expect(matching("status eq 'Draft' or (status eq 'Open' and invoiceDate eq 2026-11-04)")).toEqual(['2', '3'])
    expect(matching("not (status eq 'Open')")).toEqual(['2'])
    expect(matching("startswith(vendorInvoiceNumber,'FV/') and contains(vendorInvoiceNumber, '/8')")).toEqual(['3'])
  })

  it("refuses what BC's OData refuses with 400: unknown fields, literals of the wrong type, bad syntax", () => {
    expect(refusal("ksefNumber eq 'x'")).toEqual([400, 'BadRequest'])
    expect(refusal("totalAmountIncludingTax eq '100'")).toEqual([400, 'BadRequest'])
    expect(refusal('invoiceDate eq 2026-11-03T00:00:00Z')).toEqual([400, 'BadRequest'])
    expect(refusal("status eq 'Open' and")).toEqual([400, 'BadRequest'])
    expect(refusal("vendorInvoiceNumber eq 'unterminated")).toEqual([400, 'BadRequest'])
    expect(refusal("status eq 'Open')")).toEqual([400, 'BadRequest'])
  })
})

describe('paging', () => {
  it('continues after the last entity given: one that changes meanwhile moves, none is skipped', () => {
    const query = listQuery(spec, new URLSearchParams('$orderby=lastModifiedDateTime'), [])
    const first = pageOf(spec, rows, query, { pageSize: 2 })
    expect(first.rows.map((row) => String(row.id).slice(-1))).toEqual(['1', '2'])
    const changed = rows.map((row) =>
      String(row.id).endsWith('1') ? { ...row, lastModifiedDateTime: '2026-11-05T00:00:00.000Z' } : row,
    )
    const next = listQuery(spec, new URLSearchParams(`$orderby=lastModifiedDateTime&$skiptoken=${first.next}`), [])
    const second = pageOf(spec, changed, next, { pageSize: 2 })
    expect([second.rows.map((row) => String(row.id).slice(-1)), second.next]).toEqual([['3', '1'], undefined])
  })

  it('refuses a skiptoken it did not give', () => {
    const query = listQuery(spec, new URLSearchParams('$skiptoken=bm90LWEtdG9rZW4'), [])
    expect(() => pageOf(spec, rows, query, {})).toThrow(BcError)
  })
})
