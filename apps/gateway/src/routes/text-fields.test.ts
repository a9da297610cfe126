import { buildInvoiceXml } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, call, openTestGateway, type TestGateway } from '../test-support.ts'

const NIP = '5265877635'
const NUL = '\u0000'

// PostgreSQL refuses U+0000 in text: each such field is refused with a 400 naming it, before the database.
describe.each(testBackends())('a zero byte in a text field (%s)', (backend) => {
  let t: TestGateway
  let apiKey: string
  beforeAll(async () => {
    t = await openTestGateway(backend)
    apiKey = (await addTenant(t.context, 'acme', NIP)).apiKey
  })
  afterAll(() => t.close())

  const invoice = (number: string) => typicalInvoice({ sellerNip: NIP, number, lines: 1 })
  const storedNumbers = async (prefix: string) =>
    (
      await t.context.db
        .selectFrom('invoices')
        .select('invoice_number')
        .where('invoice_number', 'like', `${prefix}%`)
        .execute()
    ).map((row) => row.invoice_number)

  it('is refused in every field that reaches the database, naming the field', async () => {
    const cases: [string, string, { json?: unknown; body?: string; headers?: Record<string, string> }, string][] = [
      ['POST', '/v1/invoices', { json: { invoice: invoice('FV/NUL/1'), sourceRef: `a${NUL}b` } }, 'sourceRef'],
      [
        'POST',
        '/v1/invoices?sourceRef=a%00b',
        { body: buildInvoiceXml(invoice('FV/NUL/2')), headers: { 'content-type': 'application/xml' } },
        'query.sourceRef',
      ],
      ['GET', '/v1/invoices?number=FV%00', {}, 'query.number'],
      ['GET', '/v1/invoices?ksefNumber=%00', {}, 'query.ksefNumber'],
      ['GET', '/v1/incoming?sellerNip=%00', {}, 'query.sellerNip'],
      ['POST', '/v1/webhooks', { json: { url: `https://example.com/${NUL}`, events: ['invoice.confirmed'] } }, 'url'],
      [
        'POST',
        '/v1/webhooks',
        { json: { url: 'https://example.com/hook', events: ['invoice.confirmed'], description: `x${NUL}` } },
        'description',
      ],
    ]
    for (const [method, path, request, field] of cases) {
      const answer = await call(t.url, method, path, { apiKey, ...request })
      expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(400)
      expect(answer.json).toMatchObject({ code: 'REQUEST_INVALID', field })
      expect(answer.json.detail).toMatch(/U\+0000/)
    }
    expect(await storedNumbers('FV/NUL/')).toEqual([])
    const subscriptions = await call(t.url, 'GET', '/v1/webhooks', { apiKey })
    expect(subscriptions.json.subscriptions).toEqual([])
  })

  it('fails only its own request: 60 valid submissions at once beside bad ones are all stored', async () => {
    const valid = Array.from({ length: 60 }, (_, n) => ({ invoice: invoice(`FV/GROUP/${n}`), sourceRef: `erp-${n}` }))
    const bad = Array.from({ length: 10 }, (_, n) => ({
      invoice: invoice(`FV/GROUP/BAD/${n}`),
      sourceRef: `x${NUL}${n}`,
    }))
    const answers = await Promise.all(
      [...valid, ...bad].map((json) => call(t.url, 'POST', '/v1/invoices', { apiKey, json })),
    )
    expect(answers.slice(0, 60).map((answer) => answer.status)).toEqual(Array(60).fill(201))
    expect(answers.slice(60).map((answer) => answer.status)).toEqual(Array(10).fill(400))
    expect((await storedNumbers('FV/GROUP/')).length).toBe(60)
  })

  it('fails only its own item in a bulk request', async () => {
    const answer = await call(t.url, 'POST', '/v1/invoices/bulk', {
      apiKey,
      json: {
        invoices: [
          { invoice: invoice('FV/BULKNUL/1') },
          { invoice: invoice('FV/BULKNUL/2'), sourceRef: `a${NUL}` },
          { invoice: invoice('FV/BULKNUL/3'), sourceRef: 'y'.repeat(201) },
          { invoice: invoice('FV/BULKNUL/4'), sourceRef: 'bulk-erp-4' },
        ],
      },
    })
    expect(answer.status).toBe(200)
    expect(answer.json, answer.text).toMatchObject({ accepted: 2, failed: 2 })
    const results = answer.json.results as { ok: boolean; error?: { message: string } }[]
    expect(results.map((result) => result.ok)).toEqual([true, false, false, true])
    expect(results[1]?.error?.message).toMatch(/sourceRef must not contain U\+0000/)
    expect((await storedNumbers('FV/BULKNUL/')).sort()).toEqual(['FV/BULKNUL/1', 'FV/BULKNUL/4'])
  })
})
