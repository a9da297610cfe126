import { afterEach, describe, expect, it } from 'vitest'
import type { DocumentData } from './document-data.ts'
import { healthCheck } from './index.ts'
import { pullPage } from './pull.ts'
import { COMPANY, COMPANY_2, type StubBc, settingsFor, startStubBc, testContext } from './test-context.ts'
import { bcCompanyInformation, bcCreditMemo, bcCustomer, bcInvoice, nextId } from './test-fixtures.ts'

let bc: StubBc | undefined
afterEach(async () => {
  await bc?.server.close()
  bc = undefined
})

const billTo = bcCustomer({ id: 'c1a2b3c4-0000-4000-8000-000000000002', number: 'C00020', balanceDue: 1234.5 })

describe('the pull reads what the mapping needs', () => {
  it('the seller, a bill-to customer (buyer fields only), the corrected invoice, and the rate before the posting date', async () => {
    const original = bcInvoice({ id: nextId(), number: '103001', invoiceDate: '2026-10-01' })
    const invoice = bcInvoice({
      currencyCode: 'EUR',
      billToCustomerId: billTo.id,
      customer: { ...bcCustomer(), balanceDue: 99 },
    })
    const memo = bcCreditMemo(String(original.id))
    const rateQueries: string[] = []
    bc = await startStubBc((path, request) => {
      const base = `/companies(${COMPANY})`
      if (path === `${base}/companyInformation`) return { json: { value: [bcCompanyInformation()] } }
      if (path === `${base}/salesInvoices`) return { json: { value: [invoice] } }
      if (path === `${base}/salesCreditMemos`) return { json: { value: [memo] } }
      if (path === `${base}/customers(${billTo.id})`) return { json: billTo }
      if (path === `${base}/salesInvoices(${original.id})`) return { json: original }
      if (path === `${base}/currencyExchangeRates`) {
        rateQueries.push(request.url.searchParams.get('$filter') ?? '')
        return {
          json: {
            value: [
              {
                currencyCode: 'EUR',
                startingDate: '2026-11-13',
                exchangeRateAmount: 1,
                relationalExchangeRateAmount: 4.2512,
              },
            ],
          },
        }
      }
      return undefined
    })
    const { context } = testContext({ settings: settingsFor(bc.server.url) })
    const first = await pullPage(context, undefined)
    const second = await pullPage(context, first.cursor)
    const [sale] = first.documents.map((document) => document.data as DocumentData)
    const [credit] = second.documents.map((document) => document.data as DocumentData)
    expect(sale?.company?.displayName).toBe('CRONUS Polska sp. z o.o.')
    expect(sale?.billToCustomer).toMatchObject({ number: 'C00020', taxRegistrationNumber: 'PL7010002139' })
    expect(sale?.billToCustomer).not.toHaveProperty('balanceDue')
    expect(sale?.document.customer).not.toHaveProperty('balanceDue')
    expect(sale?.exchangeRate).toBe('4.2512')
    expect(rateQueries).toEqual(["currencyCode eq 'EUR' and startingDate lt 2026-11-16"])
    expect(credit?.original).toMatchObject({ number: '103001', invoiceDate: '2026-10-01' })
    expect(second.more).toBe(false)
  })
})

describe('the health check', () => {
  it('lists the companies and names one the settings list but BC has not', async () => {
    bc = await startStubBc((path) =>
      path === '/companies'
        ? { json: { value: [{ id: COMPANY, name: 'CRONUS', displayName: 'CRONUS Polska' }] } }
        : undefined,
    )
    await healthCheck(testContext({ settings: settingsFor(bc.server.url) }).context)
    const both = testContext({ settings: settingsFor(bc.server.url, { companies: [COMPANY, COMPANY_2] }) }).context
    await expect(healthCheck(both)).rejects.toMatchObject({
      kind: 'not_found',
      message: expect.stringContaining(COMPANY_2),
    })
  })
})
