import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { testBackends } from '@ksef-hub/pipeline/testing'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGatewayApp } from './app.ts'
import { addTenant, call, openTestGateway, type TestGateway } from './test-support.ts'

const RUNS = Number(process.env.GATEWAY_FUZZ_RUNS ?? 60)
const NIP = '5265877635'

/** JSON values shaped like an invoice, with parts mutated, dropped or replaced by junk. */
const mutatedInvoice = fc
  .record({
    path: fc.constantFrom(
      'header',
      'seller',
      'buyer',
      'details',
      'details.lines',
      'details.totals',
      'details.issueDate',
      'seller.nip',
    ),
    value: fc.oneof(fc.jsonValue(), fc.string(), fc.constant(null), fc.constant(undefined), fc.integer(), fc.double()),
    number: fc.string({ minLength: 1, maxLength: 30 }),
  })
  .map(({ path, value, number }) => {
    const invoice = structuredClone(typicalInvoice({ sellerNip: NIP, number: `FZ/${number}`, lines: 2 })) as Record<
      string,
      unknown
    >
    const keys = path.split('.')
    let target = invoice as Record<string, unknown>
    for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>
    target[keys.at(-1) as string] = value
    return invoice
  })

const anyBody = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  mutatedInvoice.map((value) => JSON.stringify(value)),
  fc.string(),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => new TextDecoder().decode(bytes)),
)

describe.each(testBackends())('fuzzing request bodies finds no 500 (%s)', (backend) => {
  let t: TestGateway
  let apiKey: string
  beforeAll(async () => {
    t = await openTestGateway(backend, { options: { rateLimit: { requestsPerSecond: 100_000, burst: 100_000 } } })
    apiKey = (await addTenant(t.context, 'acme', NIP)).apiKey
  })
  afterAll(() => t.close())

  const endpoints: [string, string, string][] = [
    ['POST', '/v1/invoices', 'application/json'],
    ['POST', '/v1/invoices?validation=full', 'application/json'],
    ['POST', '/v1/invoices', 'application/xml'],
    ['POST', '/v1/invoices/bulk', 'application/json'],
    ['POST', '/v1/webhooks', 'application/json'],
    ['PUT', '/v1/tenant/credentials', 'application/json'],
    ['POST', '/v1/invoices/replay-dead', 'application/json'],
  ]

  it('answers every body with a 2xx or a 4xx problem+json', async () => {
    // In-process (app.request) for speed; the same app the server runs.
    const app = createGatewayApp({
      context: t.context,
      options: { accessLog: false, rateLimit: { requestsPerSecond: 1e6, burst: 1e6 } },
    })
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), anyBody, async ([method, path, type], body) => {
        const response = await app.request(path, {
          method,
          body,
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': type },
        })
        const text = await response.text()
        expect(response.status, `${method} ${path} ${body.slice(0, 200)} -> ${text}`).toBeLessThan(500)
        if (response.status >= 400) {
          expect(response.headers.get('content-type')).toBe('application/problem+json')
          expect(JSON.parse(text).code).toEqual(expect.any(String))
        }
      }),
      { numRuns: RUNS },
    )
  })

  it('answers bulk items that are mutated invoices one by one, never with a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutatedInvoice, { minLength: 1, maxLength: 5 }), async (invoices) => {
        const answer = await call(t.url, 'POST', '/v1/invoices/bulk', {
          apiKey,
          json: { invoices: invoices.map((invoice) => ({ invoice })) },
        })
        expect(answer.status, answer.text).toBe(200)
        expect((answer.json.results as unknown[]).length).toBe(invoices.length)
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    )
  })
})
