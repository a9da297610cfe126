import { isMappingError, type MappingError, type SourceDocument, type TenantInfo } from '@ksef-hub/connector-sdk'
import { validateInvoice } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_SELLER, type FakeDocument, type FakeErp, startFakeErp } from '../fake/index.ts'
import { DEFAULT_MAPPING } from './defaults.ts'
import custom from './index.ts'
import { fakeSettings, testContext } from './test-context.ts'

const tenant: TenantInfo = { id: 'tenant-1', nip: '5265877635', name: FAKE_SELLER.name }
let erp: FakeErp
let document: FakeDocument

beforeAll(async () => {
  erp = await startFakeErp()
  document = erp.document(erp.seed({ invoices: 1 }).invoices[0]!)!
})
afterAll(() => erp.close())

function map(mapping: Record<string, unknown>, data: unknown = document, extra: Record<string, unknown> = {}) {
  const settings = fakeSettings(erp, { mapping, ...extra })
  const { context } = testContext({ settings, secrets: { apiKey: erp.apiKey }, tenant })
  const source: SourceDocument = { ref: 'doc-1', data }
  return custom.map!(context, source)
}

async function mappingError(promise: Promise<unknown>): Promise<MappingError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  )
  if (!isMappingError(error)) throw new Error(`expected a MappingError, got ${String(error)}`)
  return error
}

describe('mapping errors name the settings field and the source field', () => {
  it('a value of the wrong type, by the source field it came from', async () => {
    const expression = DEFAULT_MAPPING.replace('"unitPrice": unitPrice', '"unitPrice": description')
    const error = await mappingError(map({ expression }))
    expect(error.code).toBe('FIELD_INVALID')
    expect(error.field).toBe('lines[0].description')
    expect(error.message).toMatch(
      /^document FV\/\S+ \(id doc-1\): settings\.mapping\.expression gave lines\[0\]\.unitPrice from source field lines\[0\]\.description that/,
    )
    expect(error.fix).toBe(
      'correct lines[0].description in the source system, or settings.mapping.expression if it reads the wrong field',
    )
  })

  it('a missing field the invoice needs, by the result field when no source field is known', async () => {
    const expression = DEFAULT_MAPPING.replace('"number": number,', '"number": $uppercase(reference),')
    const error = await mappingError(map({ expression }))
    expect([error.code, error.field]).toEqual(['FIELD_INVALID', 'number'])
    expect(error.fix).toBe('correct settings.mapping.expression so that it gives a valid number')
  })

  it('an expression that fails on a document, by the settings field', async () => {
    const error = await mappingError(map({ expression: '{ "number": $number(number) }' }))
    expect([error.code, error.field]).toEqual(['FIELD_INVALID', 'settings.mapping.expression'])
    expect(error.message).toMatch(/Unable to cast value to a number.*\(D3030\)/)
    const skip = await mappingError(map({ skip: '$substring(status, "x")' }))
    expect(skip.field).toBe('settings.mapping.skip')
  })

  it('a hostile expression is stopped and reported, not left running', async () => {
    const started = Date.now()
    const error = await mappingError(map({ expression: '($f := function($x) { $f($x) + 1 }; $f(1))' }))
    expect(error.message).toMatch(/Stack overflow/)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('a document without a seller when the connection has none', async () => {
    const settings = fakeSettings(erp, { seller: undefined })
    const { context } = testContext({ settings, secrets: { apiKey: erp.apiKey }, tenant })
    const error = await mappingError(custom.map!(context, { ref: 'doc-1', data: document }))
    expect([error.code, error.field]).toEqual(['FIELD_INVALID', 'seller'])
    expect(error.fix).toMatch(/settings\.seller/)
  })
})

describe('the fa3 target', () => {
  const invoice = typicalInvoice({ lines: 3, sellerNip: tenant.nip, issueDate: '2026-01-15' })

  it('takes a whole FA(3) invoice from the source, the seller being the tenant', async () => {
    const { seller: _, ...withoutSeller } = invoice
    const result = await map({ target: 'fa3', expression: 'invoice' }, { invoice: withoutSeller })
    if (!('invoice' in result)) throw new Error('skipped')
    expect(result.invoice.seller).toEqual({ ...FAKE_SELLER, nip: tenant.nip })
    expect(validateInvoice(result.invoice).issues).toEqual([])
  })

  it("refuses another seller's NIP and a model mismatch, naming the source field", async () => {
    const other = { invoice: { ...invoice, seller: { ...invoice.seller, nip: '7010002139' } } }
    const foreign = await mappingError(map({ target: 'fa3', expression: 'invoice' }, other))
    expect([foreign.code, foreign.field]).toEqual(['FIELD_INVALID', 'invoice.seller.nip'])
    const broken = { invoice: { ...invoice, details: { ...invoice.details, currency: 985 } } }
    const mismatch = await mappingError(map({ target: 'fa3', expression: 'invoice' }, broken))
    expect([mismatch.code, mismatch.field]).toEqual(['FIELD_INVALID', 'invoice.details.currency'])
  })
})
