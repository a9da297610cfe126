import { formatKsefNumber } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import type { SentInvoice } from '../contract/context.ts'
import { MappingError, NotReadyError } from '../errors.ts'
import { BUYER_NIP, base, contextWith, dayOffset, rejection, TENANT, validated } from './sales-document.fixtures.ts'
import { composeInvoice } from './sales-document.ts'
import type { SalesDocument } from './sales-document-schema.ts'

describe('composeInvoice', () => {
  it('makes a net-priced PLN document a valid VAT invoice, totals added up in decimal', async () => {
    const invoice = await composeInvoice(base, contextWith())
    const report = validated(invoice)
    const { details, buyer } = report.invoice ?? ({} as never)
    expect(details.type).toBe('VAT')
    expect(buyer.id).toEqual({ kind: 'nip', nip: BUYER_NIP })
    expect(details.lines?.map((line) => [line.netAmount, line.vatRate])).toEqual([
      ['200.00', '23'],
      ['10.00', '8'],
      ['50.00', '23'],
    ])
    // 250 + 57.50 VAT at 23 %, 10 (9.995 rounded) + 0.80 VAT at 8 %.
    expect(details.totals).toMatchObject({
      standard: { net: '250.00', vat: '57.50' },
      reduced: { net: '10.00', vat: '0.80' },
      totalDue: '318.30',
    })
    expect(details.payment).toMatchObject({ method: 'transfer', dueDates: [{ date: dayOffset(14) }] })
    expect(report.invoice?.buyer).toMatchObject({ customerNumber: 'C0042', contacts: [{ email: base.buyer.email }] })
    expect(report.invoice?.seller.nip).toBe(TENANT.nip)
  })

  it('makes a gross-priced EUR document with its exchange rate a valid invoice', async () => {
    const invoice = await composeInvoice(
      {
        ...base,
        currency: 'EUR',
        exchangeRate: '4.2563',
        prices: 'gross',
        lines: [
          { name: 'Licencja', quantity: '3', unitPrice: '123.00', taxCode: 'VAT23' },
          { name: 'E-book', quantity: '1', unitPrice: '10.80', taxCode: 'VAT8' },
        ],
      },
      contextWith(),
    )
    const report = validated(invoice)
    const details = report.invoice?.details
    expect(details?.currency).toBe('EUR')
    expect(details?.lines?.[0]).toMatchObject({ unitGrossPrice: '123', grossAmount: '369.00', exchangeRate: '4.2563' })
    expect(details?.totals.standard?.vatInPln).toBeDefined()
  })

  it('names the KSeF number of a corrected invoice the hub sent and KSeF confirmed', async () => {
    const ksefNumber = formatKsefNumber(TENANT.nip, dayOffset(-10), '0A1B2C3D4E5F')
    const sent = { invoiceId: 'i1', number: 'FV/2026/0', issueDate: dayOffset(-10), state: 'confirmed', ksefNumber }
    const correction: SalesDocument = {
      ...base,
      kind: 'correction',
      number: 'KOR/2026/1',
      lines: [{ name: 'Konsultacje (zwrot)', quantity: '-1', unitPrice: '100.00', taxCode: 'VAT23' }],
      correction: { reason: 'zwrot', original: { ref: 'r-0', number: 'wrong', issueDate: dayOffset(-9) } },
    }
    const report = validated(await composeInvoice(correction, contextWith({ 'r-0': sent as SentInvoice })))
    expect(report.issues).toEqual([])
    expect(report.invoice?.details.type).toBe('KOR')
    expect(report.invoice?.details.correction).toMatchObject({
      reason: 'zwrot',
      correctedInvoices: [{ number: 'FV/2026/0', issueDate: dayOffset(-10), ksefNumber }],
    })
    expect(report.invoice?.details.totals.totalDue).toBe('-123.00')
  })

  it('waits (transient, with a time) for a corrected invoice KSeF has not numbered yet', async () => {
    const sent = { invoiceId: 'i1', number: 'FV/2026/0', issueDate: dayOffset(-1), state: 'pending', ksefNumber: null }
    const correction: SalesDocument = { ...base, kind: 'correction', correction: { original: { ref: 'r-0' } } }
    const error = await rejection(composeInvoice(correction, contextWith({ 'r-0': sent as SentInvoice })))
    expect(error).not.toBeInstanceOf(MappingError)
    expect(error.kind).toBe('transient')
    expect(error.retryAfterMs).toBeGreaterThan(0)
    expect(error.message).toContain('FV/2026/0')
  })

  it('names an original issued outside KSeF (NrKSeFN) only when the source says so, never by guessing', async () => {
    const correction: SalesDocument = {
      ...base,
      kind: 'correction',
      lines: [{ name: 'Rabat', quantity: '1', unitPrice: '-10.00', taxCode: 'VAT23' }],
      correction: { original: { ref: 'r-old', number: 'FV/2025/77', issueDate: dayOffset(-40), outsideKsef: true } },
    }
    const report = validated(await composeInvoice(correction, contextWith()))
    expect(report.invoice?.details.correction?.correctedInvoices).toEqual([
      { number: 'FV/2025/77', issueDate: dayOffset(-40) },
    ])
    expect(new TextDecoder().decode(report.bytes)).toContain('<NrKSeFN>1</NrKSeFN>')
    // The same original, not marked: the hub has not sent it yet, so the correction waits for it.
    const unmarked = {
      ...correction,
      correction: { original: { ref: 'r-old', number: 'FV/2025/77', issueDate: dayOffset(-40) } },
    }
    expect(await rejection(composeInvoice(unmarked, contextWith()))).toBeInstanceOf(NotReadyError)
    // Marked as issued outside KSeF but without its number: a mapping error naming the field, not a wait for ever.
    const numberless = {
      ...correction,
      correction: { original: { ref: 'r-old', issueDate: dayOffset(-40), outsideKsef: true } },
    }
    expect(await rejection(composeInvoice(numberless, contextWith()))).toMatchObject({
      code: 'ORIGINAL_NOT_FOUND',
      field: 'correction.original.number',
    })
    // Its KSeF number, when it reached KSeF some other way.
    const ksefNumber = formatKsefNumber(TENANT.nip, dayOffset(-40), '0100A1B2C3D4')
    const elsewhere = {
      ...correction,
      correction: { original: { number: 'FV/2025/77', issueDate: dayOffset(-40), ksefNumber } },
    }
    expect((await composeInvoice(elsewhere, contextWith())).details.correction?.correctedInvoices).toEqual([
      { number: 'FV/2025/77', issueDate: dayOffset(-40), ksefNumber },
    ])
  })

  it('stops a correction whose original KSeF rejected, or that names no original it can identify', async () => {
    const rejected = { state: 'rejected', number: 'FV/9', ksefNumber: null } as unknown as SentInvoice
    const ofRejected: SalesDocument = { ...base, kind: 'correction', correction: { original: { ref: 'r-9' } } }
    expect(await rejection(composeInvoice(ofRejected, contextWith({ 'r-9': rejected })))).toMatchObject({
      code: 'ORIGINAL_NOT_FOUND',
      message: expect.stringMatching(/KSeF rejected/),
    })
    for (const original of [undefined, { number: 'FV/1' }]) {
      const correction: SalesDocument = {
        ...base,
        kind: 'correction',
        ...(original ? { correction: { original } } : {}),
      }
      const error = (await rejection(composeInvoice(correction, contextWith()))) as MappingError
      expect(error).toMatchObject({ code: 'ORIGINAL_NOT_FOUND', field: 'correction.original' })
    }
  })

  it('stops a value that is not a decimal number, naming its line and field', async () => {
    for (const quantity of ['2 szt', '1,5', '', 'Infinity', 'NaN', '0x10']) {
      const lines = [base.lines[0], { ...base.lines[1], quantity }] as SalesDocument['lines']
      const error = (await rejection(composeInvoice({ ...base, lines }, contextWith()))) as MappingError
      expect(error, quantity).toBeInstanceOf(MappingError)
      expect(error).toMatchObject({ code: 'FIELD_INVALID', field: 'lines[1].quantity' })
    }
    const lines = [{ ...base.lines[0], unitPrice: 'abc' }] as SalesDocument['lines']
    expect(await rejection(composeInvoice({ ...base, lines }, contextWith()))).toMatchObject({
      field: 'lines[0].unitPrice',
    })
  })

  it('stops a document that does not fit salesDocumentSchema, naming the field and how to fix it', async () => {
    const cases: [SalesDocument, string, RegExp][] = [
      [
        { ...base, lines: [{ ...base.lines[0], quantity: 2 as never }] } as SalesDocument,
        'lines[0].quantity',
        /expected string, received number/,
      ],
      [
        {
          ...base,
          buyer: { ...base.buyer, identity: { kind: 'eu', countryCode: 'US' as never, vatNumber: '811907980' } },
        },
        'buyer.identity.countryCode',
        /EU member state/,
      ],
      [{ ...base, issueDate: '07.12.2026' }, 'issueDate', /YYYY-MM-DD/],
      [{ ...base, currency: 'zł' }, 'currency', /ISO 4217/],
      [{ ...base, payment: { method: 'barter' as never } }, 'payment.method', /expected one of "cash"/],
    ]
    for (const [document, field, message] of cases) {
      const error = (await rejection(composeInvoice(document, contextWith()))) as MappingError
      expect(error, field).toBeInstanceOf(MappingError)
      expect(error).toMatchObject({ code: 'FIELD_INVALID', field })
      expect(error.message).toMatch(new RegExp(`^invoice FV/1 \\(ref 42\\): ${field.replace(/[.[\]]/g, '\\$&')} `))
      expect(error.message).toMatch(message)
      expect(error.fix).toBe(`correct ${field} in the source system (or the connection's mapping)`)
    }
  })

  it('stops a document without lines, a foreign one without its rate, and a line with an unmapped code', async () => {
    expect(await rejection(composeInvoice({ ...base, lines: [] }, contextWith()))).toMatchObject({ field: 'lines' })
    expect(await rejection(composeInvoice({ ...base, currency: 'EUR' }, contextWith()))).toMatchObject({
      code: 'FIELD_INVALID',
      field: 'exchangeRate',
    })
    const lines = [{ ...base.lines[0], taxCode: 'VAT5' }] as SalesDocument['lines']
    expect(await rejection(composeInvoice({ ...base, lines }, contextWith()))).toMatchObject({
      code: 'TAX_CODE_UNMAPPED',
      field: 'lines[0].taxCode',
    })
  })

  it('stops a buyer without a NIP', async () => {
    const buyer = { ...base.buyer, nipCandidates: [['customer.taxId', null]] as [string, null][] }
    expect(await rejection(composeInvoice({ ...base, buyer }, contextWith()))).toMatchObject({
      code: 'BUYER_NIP_MISSING',
      field: 'customer.taxId',
    })
  })
})
