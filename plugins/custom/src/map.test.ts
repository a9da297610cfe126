import { isMappingError, type MapResult, type SentInvoice, type TenantInfo } from '@ksef-hub/connector-sdk'
import { formatKsefNumber, type InvoiceInput, validateInvoice, warsawDay } from '@ksef-hub/fa3'
import { randomNip } from '@ksef-hub/fa3/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_SELLER, type FakeErp, type SeedResult, startFakeErp } from '../fake/index.ts'
import custom from './index.ts'
import { fakeSettings, testContext } from './test-context.ts'

const tenant: TenantInfo = { id: 'tenant-1', nip: randomNip(), name: FAKE_SELLER.name }
let erp: FakeErp
let seeded: SeedResult

beforeAll(async () => {
  erp = await startFakeErp()
  seeded = erp.seed({ invoices: 40, creditNotes: 4, withoutNip: 1, unmappedTax: 1, drafts: 1 })
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
    const refs = [...seeded.invoices, ...seeded.creditNotes]
    const failures: string[] = []
    for (const ref of refs) {
      const report = validated(invoiceOf(await map(ref)))
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

  it('gives an intra-EU buyer its EU VAT number and an exempt supply its legal basis', async () => {
    const documents = seeded.invoices.map((ref) => erp.document(ref)!)
    const wdt = documents.find((document) => document.customer.vatId !== null)!
    const exempt = documents.find((document) => document.exemptionBasis !== null)!
    const eu = invoiceOf(await map(wdt.id))
    expect(eu.buyer.id).toEqual({
      kind: 'eu',
      countryCode: wdt.customer.vatId?.slice(0, 2),
      vatNumber: wdt.customer.vatId?.slice(2),
    })
    expect(eu.details.lines?.[0]?.exchangeRate).toBe(wdt.exchangeRate)
    const zw = invoiceOf(await map(exempt.id))
    expect(zw.details.annotations?.exemption).toEqual({ kind: 'polishLaw', basis: exempt.exemptionBasis })
  })

  it('maps a credit note to a KOR naming the KSeF number the hub got for its original', async () => {
    const note = erp.document(seeded.creditNotes[0]!)!
    const original = erp.document(note.correction!.invoiceId)!
    const ksefNumber = formatKsefNumber(tenant.nip, warsawDay(new Date()), '0200A0D6723E')
    const sent = new Map<string, SentInvoice>([
      [
        original.id,
        { invoiceId: 'hub-1', number: original.number, issueDate: original.issueDate, state: 'confirmed', ksefNumber },
      ],
    ])
    const invoice = invoiceOf(await map(note.id, sent))
    expect(invoice.details.type).toBe('KOR')
    expect(invoice.details.correction?.correctedInvoices).toEqual([
      { issueDate: original.issueDate, number: original.number, ksefNumber },
    ])
    expect(invoice.details.correction?.reason).toBe(note.correction?.reason)
    expect(validated(invoice).issues).toEqual([])
  })

  it('waits with a credit note whose original the hub has sent but KSeF has not numbered yet', async () => {
    const note = erp.document(seeded.creditNotes[1]!)!
    const original = erp.document(note.correction!.invoiceId)!
    const sent = new Map<string, SentInvoice>([
      [
        original.id,
        {
          invoiceId: 'hub-2',
          number: original.number,
          issueDate: original.issueDate,
          state: 'pending',
          ksefNumber: null,
        },
      ],
    ])
    await expect(map(note.id, sent)).rejects.toMatchObject({ name: 'NotReadyError', kind: 'transient' })
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

  it('skips drafts with the reason', async () => {
    expect(await map(seeded.drafts[0]!)).toEqual({ skip: 'a draft: not issued yet' })
  })
})
