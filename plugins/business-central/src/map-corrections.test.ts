import { isMappingError, isNotReadyError } from '@ksef-hub/connector-sdk'
import { ksefNumberFor, withCreatedAt } from '@ksef-hub/connector-sdk/testing'
import { formatIssue, validateInvoice } from '@ksef-hub/fa3'
import { describe, expect, it } from 'vitest'
import { mapDocument } from './map.ts'
import { refOf } from './refs.ts'
import { COMPANY, settingsFor, TENANT, testContext } from './test-context.ts'
import { bcCreditMemo, nextId, pulled } from './test-fixtures.ts'

const invoiceId = nextId()
const invoiceRef = refOf(COMPANY, 'salesInvoices', invoiceId)
const original = {
  id: invoiceId,
  number: '103001',
  invoiceDate: '2026-11-16',
  postingDate: '2026-11-16',
  status: 'Open',
}
const ksefNumber = ksefNumberFor(TENANT.nip, '2026-11-16', 'original')

describe('a posted credit memo', () => {
  it('corrects the invoice it names, with its KSeF number, its lines negative (KOR)', async () => {
    const sent = {
      [invoiceRef]: {
        invoiceId: 'hub-1',
        number: '103001',
        issueDate: '2026-11-16',
        state: 'confirmed' as const,
        ksefNumber,
      },
    }
    const { context } = testContext({ settings: settingsFor('http://127.0.0.1:9'), sent })
    const result = await mapDocument(context, pulled('salesCreditMemos', bcCreditMemo(invoiceId), { original }))
    if (!('invoice' in result)) throw new Error(result.skip)
    const report = validateInvoice(withCreatedAt(result.invoice, new Date()))
    expect(report.issues.filter((issue) => issue.severity === 'error').map(formatIssue)).toEqual([])
    expect(result.invoice.details).toMatchObject({
      type: 'KOR',
      number: '104001',
      issueDate: '2026-11-18',
      correction: { correctedInvoices: [{ number: '103001', issueDate: '2026-11-16', ksefNumber }] },
    })
    expect(result.invoice.details.lines?.[0]).toMatchObject({ quantity: '-1', netAmount: '-100.00' })
    expect(result.invoice.details.totals.totalDue).toBe('-123.00')
  })

  it('waits while the invoice it corrects has no KSeF number yet', async () => {
    const sent = {
      [invoiceRef]: {
        invoiceId: 'hub-1',
        number: '103001',
        issueDate: '2026-11-16',
        state: 'pending' as const,
        ksefNumber: null,
      },
    }
    const { context } = testContext({ settings: settingsFor('http://127.0.0.1:9'), sent })
    const mapping = mapDocument(context, pulled('salesCreditMemos', bcCreditMemo(invoiceId), { original }))
    await expect(mapping).rejects.toSatisfy(isNotReadyError)
  })

  it('waits for an invoice the hub has not taken in yet (never a guess that it was issued outside KSeF)', async () => {
    const { context } = testContext({ settings: settingsFor('http://127.0.0.1:9') })
    const mapping = mapDocument(context, pulled('salesCreditMemos', bcCreditMemo(invoiceId), { original }))
    await expect(mapping).rejects.toSatisfy(isNotReadyError)
  })

  it('corrects an invoice dated before the KSeF start as issued outside KSeF (NrKSeFN)', async () => {
    const settings = settingsFor('http://127.0.0.1:9', { ksefStartDate: '2026-11-17' })
    const { context } = testContext({ settings })
    const result = await mapDocument(context, pulled('salesCreditMemos', bcCreditMemo(invoiceId), { original }))
    if (!('invoice' in result)) throw new Error(result.skip)
    expect(result.invoice.details.correction?.correctedInvoices).toEqual([
      { number: '103001', issueDate: '2026-11-16' },
    ])
    expect(validateInvoice(withCreatedAt(result.invoice, new Date())).valid).toBe(true)
  })

  it('that names no invoice: ORIGINAL_NOT_FOUND with the fix', async () => {
    const { context } = testContext({ settings: settingsFor('http://127.0.0.1:9') })
    const memo = bcCreditMemo('00000000-0000-0000-0000-000000000000', { invoiceNumber: '' })
    const mapping = mapDocument(context, pulled('salesCreditMemos', memo, { original: null }))
    await expect(mapping).rejects.toSatisfy(
      (error: unknown) => isMappingError(error) && error.code === 'ORIGINAL_NOT_FOUND' && Boolean(error.fix),
    )
  })
})
