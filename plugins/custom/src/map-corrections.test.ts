import {
  isMappingError,
  isNotReadyError,
  type MapResult,
  type SentInvoice,
  type TenantInfo,
} from '@ksef-hub/connector-sdk'
import { type InvoiceInput, validateInvoice } from '@ksef-hub/fa3'
import { randomNip } from '@ksef-hub/fa3/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_KSEF_START_DATE, FAKE_SELLER, type FakeErp, type SeedResult, startFakeErp } from '../fake/index.ts'
import custom from './index.ts'
import { confirmedInvoices, fakeSettings, testContext } from './test-context.ts'

const tenant: TenantInfo = { id: 'tenant-1', nip: randomNip(), name: FAKE_SELLER.name }
let erp: FakeErp
let seeded: SeedResult

beforeAll(async () => {
  erp = await startFakeErp()
  seeded = erp.seed({ invoices: 10, creditNotes: 2, outsideKsefCorrections: 1 })
})
afterAll(() => erp.close())

function map(ref: string, sent: ReadonlyMap<string, SentInvoice> = new Map(), settings = fakeSettings(erp)) {
  const data = erp.document(ref)!
  const { context } = testContext({ settings, secrets: { apiKey: erp.apiKey }, tenant, sent })
  return custom.map!(context, { ref, updatedAt: data.updatedAt, data })
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the document mapped')
    },
    (error: unknown) => error,
  )

function invoiceOf(result: MapResult): InvoiceInput {
  if (!('invoice' in result)) throw new Error(`skipped: ${result.skip}`)
  const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
  const report = validateInvoice({ ...result.invoice, header: { ...result.invoice.header, createdAt } })
  expect(report.issues).toEqual([])
  return result.invoice
}

/** A credit note of the fake, and the source document of the invoice it corrects. */
function creditNote(index: number) {
  const note = erp.document(seeded.creditNotes[index]!)!
  return { note, original: erp.document(note.correction!.invoiceId)! }
}

describe('credit notes of the fake source', () => {
  it('become a KOR naming the KSeF number the hub got for the original', async () => {
    const { note, original } = creditNote(0)
    const sent = confirmedInvoices(tenant.nip, [original])
    const invoice = invoiceOf(await map(note.id, sent))
    expect(invoice.details.type).toBe('KOR')
    expect(invoice.details.correction?.correctedInvoices).toEqual([
      { issueDate: original.issueDate, number: original.number, ksefNumber: sent.get(original.id)?.ksefNumber },
    ])
    expect(invoice.details.correction?.reason).toBe(note.correction?.reason)
  })

  it('wait while the hub has not sent the original, and map once KSeF has numbered it', async () => {
    const { note, original } = creditNote(1)
    // Not a guess that the original was issued outside KSeF: the hub keeps the credit note and maps it again.
    const waiting = await failure(map(note.id))
    expect(isNotReadyError(waiting)).toBe(true)
    expect(waiting).toMatchObject({ kind: 'transient', retryAfterMs: expect.any(Number) })
    expect((waiting as Error).message).toContain(original.id)
    const pending: SentInvoice = {
      invoiceId: 'hub-2',
      number: original.number,
      issueDate: original.issueDate,
      state: 'pending',
      ksefNumber: null,
    }
    const stillWaiting = await failure(map(note.id, new Map([[original.id, pending]])))
    expect(isNotReadyError(stillWaiting)).toBe(true)
    expect((stillWaiting as Error).message).toContain(original.number)
    const invoice = invoiceOf(await map(note.id, confirmedInvoices(tenant.nip, [original])))
    expect(invoice.details.correction?.correctedInvoices?.[0]?.ksefNumber).toMatch(/^\d{10}-\d{8}-/)
  })

  it('are refused when KSeF rejected the original: it does not exist in KSeF', async () => {
    const { note, original } = creditNote(1)
    const rejected: SentInvoice = { ...confirmedInvoices(tenant.nip, [original]).get(original.id)!, state: 'rejected' }
    const error = await failure(map(note.id, new Map([[original.id, { ...rejected, ksefNumber: null }]])))
    if (!isMappingError(error)) throw error
    expect([error.code, error.field]).toEqual(['ORIGINAL_NOT_FOUND', 'correction.original'])
    expect(error.message).toMatch(/KSeF rejected/)
    expect(error.fix).toContain(original.number)
  })

  it('name an original issued before the KSeF start as issued outside KSeF (NrKSeFN)', async () => {
    const note = erp.document(seeded.outsideKsefCorrections[0]!)!
    const original = erp.document(note.correction!.invoiceId)!
    expect(original.issueDate < FAKE_KSEF_START_DATE).toBe(true)
    const result = await map(note.id)
    const invoice = invoiceOf(result)
    expect(invoice.details.correction?.correctedInvoices).toEqual([
      { number: original.number, issueDate: original.issueDate },
    ])
    const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
    const report = validateInvoice({ ...invoice, header: { ...invoice.header, createdAt } })
    expect(new TextDecoder().decode(report.bytes)).toContain('<NrKSeFN>1</NrKSeFN>')
    // Without the tenant's KSeF start the source says nothing of the kind: the credit note waits for its original.
    const { ksefStartDate: _, ...withoutStart } = fakeSettings(erp)
    expect(isNotReadyError(await failure(map(note.id, new Map(), withoutStart)))).toBe(true)
  })
})
