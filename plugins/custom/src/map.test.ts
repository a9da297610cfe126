import { isMappingError, type MapResult, type SentInvoice, type TenantInfo } from '@ksef-hub/connector-sdk'
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
  seeded = erp.seed({
    invoices: 40,
    creditNotes: 4,
    withoutNip: 1,
    unmappedTax: 1,
    drafts: 1,
    outsideKsefCorrections: 1,
  })
})
afterAll(() => erp.close())

function context(sent: ReadonlyMap<string, SentInvoice> = new Map()) {
  return testContext({ settings: fakeSettings(erp), secrets: { apiKey: erp.apiKey }, tenant, sent }).context
}

async function map(ref: string, sent?: ReadonlyMap<string, SentInvoice>): Promise<MapResult> {
  const data = erp.document(ref)
  if (!data) throw new Error(`no document ${ref}`)
  return custom.map?.(context(sent), { ref, updatedAt: data.updatedAt, data }) as Promise<MapResult>
}

async function mapError(ref: string) {
  const error = await map(ref).then(
    () => undefined,
    (failure: unknown) => failure,
  )
  if (!isMappingError(error)) throw new Error(`document ${ref} mapped, or failed otherwise: ${String(error)}`)
  return error
}

/** The invoice as the hub takes it in: with its creation time (header.createdAt), which the hub sets. */
function validated(invoice: InvoiceInput) {
  const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
  return validateInvoice({ ...invoice, header: { ...invoice.header, createdAt } })
}

function invoiceOf(result: MapResult): InvoiceInput {
  if (!('invoice' in result)) throw new Error(`skipped: ${result.skip}`)
  return result.invoice
}

describe('mapping the fake source with the default expressions', () => {
  it('maps every seeded invoice and credit note to an invoice that passes fa3 in full', async () => {
    // By the time a credit note is mapped, the hub has sent its original and KSeF has numbered it.
    const sent = confirmedInvoices(
      tenant.nip,
      seeded.invoices.map((ref) => erp.document(ref)!),
    )
    const refs = [...seeded.invoices, ...seeded.creditNotes, ...seeded.outsideKsefCorrections]
    const failures: string[] = []
    for (const ref of refs) {
      const report = validated(invoiceOf(await map(ref, sent)))
      if (!report.valid) failures.push(`${ref}: ${JSON.stringify(report.issues.slice(0, 3))}`)
    }
    expect(failures).toEqual([])
  })

  it('covers the rates and currencies of Polish B2B invoicing', async () => {
    const rates = new Set<string>()
    const currencies = new Set<string>()
    for (const ref of seeded.invoices) {
      const { details } = invoiceOf(await map(ref))
      currencies.add(details.currency)
      for (const line of details.lines ?? []) rates.add(String(line.vatRate))
    }
    expect([...rates].sort()).toEqual(['0 WDT', '23', '5', '8', 'zw'])
    expect([...currencies].sort()).toEqual(['EUR', 'PLN'])
  })

  it('refuses a customer without a NIP, naming the source field and the fix', async () => {
    const error = await mapError(seeded.withoutNip[0]!)
    expect(error.code).toBe('BUYER_NIP_MISSING')
    expect(error.field).toBe('customer.nip')
    expect(error.fix).toMatch(/enter the NIP/)
  })

  it('refuses a tax code the table leaves out, naming the line and the fix', async () => {
    const document = erp.document(seeded.unmappedTax[0]!)!
    const error = await mapError(document.id)
    expect(error.code).toBe('TAX_CODE_UNMAPPED')
    expect(error.field).toBe(`lines[${document.lines.length - 1}].taxCode`)
    expect(error.fix).toMatch(/add "NP" to the connection's taxCodes/)
  })

  it('skips drafts, and invoices issued before the KSeF start, with the reason', async () => {
    expect(await map(seeded.drafts[0]!)).toEqual({ skip: 'a draft: not issued yet' })
    const old = erp.document(seeded.beforeKsef[0]!)!
    expect(await map(old.id)).toEqual({
      skip: `issued outside KSeF (on ${old.issueDate}, before ksefStartDate ${FAKE_KSEF_START_DATE})`,
    })
  })
})
