import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { testBackends } from '@ksef-hub/pipeline/testing'
import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGatewayApp } from './app.ts'
import type { GatewayApp } from './env.ts'
import { addTenant, call, openTestGateway, type TestGateway, unfinishedRequest } from './test-support.ts'

const RUNS = Number(process.env.GATEWAY_FUZZ_RUNS ?? 60)
const NIP = '5265877635'
const LIMITS = { single: 200_000, bulk: 400_000, other: 50_000 }

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

/** Text with zero bytes in it, where PostgreSQL would refuse it. */
const withZeroBytes = fc
  .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }))
  .map(([a, b]) => `${a}\u0000${b}`)

/** Every text field a request body carries, given a zero byte or junk. */
const zeroByteBodies = fc.oneof(
  fc.record({ invoice: mutatedInvoice, sourceRef: withZeroBytes }),
  fc.record({ invoices: fc.array(fc.record({ invoice: mutatedInvoice, sourceRef: withZeroBytes }), { maxLength: 3 }) }),
  fc.record({
    url: withZeroBytes.map((text) => `https://example.com/${text}`),
    events: fc.constant(['invoice.confirmed']),
  }),
  fc.record({
    url: fc.constant('https://example.com/h'),
    events: fc.constant(['invoice.confirmed']),
    description: withZeroBytes,
  }),
  fc.record({ token: withZeroBytes }),
  fc.record({ certificate: withZeroBytes, privateKey: withZeroBytes }),
  fc.record({ ids: fc.array(withZeroBytes, { maxLength: 3 }) }),
  fc.jsonValue().map((value) => ({ value, text: '\u0000' })),
)

/** Bodies as bytes: JSON, mutated invoices, text, invalid UTF-8, raw zero bytes. */
const anyBody: fc.Arbitrary<Uint8Array> = fc
  .oneof(
    fc.jsonValue().map((value) => JSON.stringify(value)),
    mutatedInvoice.map((value) => JSON.stringify(value)),
    zeroByteBodies.map((value) => JSON.stringify(value)),
    fc.string(),
    fc.uint8Array({ maxLength: 300 }),
    // Invalid UTF-8: a lone continuation byte, an overlong form, a surrogate half, a truncated sequence.
    fc
      .tuple(fc.string({ maxLength: 40 }), fc.constantFrom([0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]))
      .map(([text, bad]) => new Uint8Array([...new TextEncoder().encode(`{"a":"${text}`), ...bad, 0x22, 0x7d])),
    fc.uint8Array({ maxLength: 100 }).map((bytes) => bytes.map((byte, i) => (i % 7 === 0 ? 0 : byte))),
  )
  .map((body) => (typeof body === 'string' ? new TextEncoder().encode(body) : body))

const MEDIA_TYPES = ['application/json', 'application/xml', 'text/plain', 'application/merge-patch+json', '']

/** A body sent in pieces, without a Content-Length (chunked over HTTP). */
function chunked(bytes: Uint8Array, pieces: number): ReadableStream<Uint8Array> {
  const size = Math.max(1, Math.ceil(bytes.length / pieces))
  let at = 0
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(at, at + size))
      at += size
    },
  })
}

interface Route {
  readonly method: string
  readonly path: string
}

describe.each(testBackends())('fuzzing every route finds no 500 and no partial write (%s)', (backend) => {
  let t: TestGateway
  let app: GatewayApp
  let apiKey: string
  let routes: Route[]
  let invoiceId: string
  beforeAll(async () => {
    t = await openTestGateway(backend, {
      options: { bodyLimit: LIMITS, rateLimit: { requestsPerSecond: 100_000, burst: 100_000 } },
    })
    apiKey = (await addTenant(t.context, 'acme', NIP)).apiKey
    // In-process (app.request) for speed; the same app the server runs.
    app = createGatewayApp({
      context: t.context,
      options: { accessLog: false, bodyLimit: LIMITS, rateLimit: { requestsPerSecond: 1e6, burst: 1e6 } },
    })
    const created = await call(t.url, 'POST', '/v1/invoices', {
      apiKey,
      json: typicalInvoice({ sellerNip: NIP, number: 'FZ/KNOWN', lines: 1 }),
    })
    invoiceId = created.json.id as string
    // Every route the app documents, and the operations routes it does not.
    const document = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, object> }
    routes = [
      ...Object.entries(document.paths).flatMap(([template, methods]) =>
        Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: template })),
      ),
      { method: 'GET', path: '/healthz' },
      { method: 'GET', path: '/readyz' },
      { method: 'GET', path: '/metrics' },
    ]
  })
  afterAll(() => t.close())

  const concrete = (template: string, id: string) =>
    template
      .replace('{id}', id)
      .replace('{connector}', 'custom')
      .replace('{tenantId}', 'acme')
      .replace(/\{[^}]+\}/g, 'x')

  /** What any request could write: compared before and after every refused request. */
  const writes = async () => {
    const { rows } = await sql<Record<string, number>>`select
      (select count(*)::int from hub.invoices) as invoices,
      (select count(*)::int from hub.audit_log) as audit,
      (select count(*)::int from hub.webhook_subscriptions) as subscriptions,
      (select count(*)::int from hub.secrets) as secrets,
      (select count(*)::int from hub.events) as events,
      (select count(*)::int from pgboss.job) as jobs`.execute(t.context.db)
    return rows[0]
  }

  const check = async (label: string, send: () => Promise<Response>) => {
    const before = await writes()
    const response = await send()
    const text = await response.text()
    expect(response.status, `${label} -> ${text.slice(0, 300)}`).toBeLessThan(500)
    if (response.status >= 400) {
      expect(response.headers.get('content-type'), label).toBe('application/problem+json')
      expect(JSON.parse(text).code, label).toEqual(expect.any(String))
      expect(await writes(), `${label}: a refused request wrote something`).toEqual(before)
    }
  }

  it('answers every route, whatever the body (zero bytes, invalid UTF-8, junk) and its framing', async () => {
    const withBody = routes.filter((route) => route.method !== 'GET')
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withBody),
        anyBody,
        fc.constantFrom(...MEDIA_TYPES),
        fc.constantFrom(1, 3, 0),
        fc.constantFrom(invoiceId, crypto.randomUUID(), 'not-an-id', '%00'),
        async (route, body, type, pieces, id) => {
          const path = concrete(route.path, id)
          const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` }
          if (type) headers['content-type'] = type
          // pieces 0: one body of known length; otherwise chunked in that many pieces.
          const init = pieces === 0 ? { body } : { body: chunked(body, pieces), duplex: 'half' }
          await check(`${route.method} ${path} (${type}, ${pieces} pieces)`, async () =>
            app.request(path, { method: route.method, headers, ...init } as RequestInit),
          )
        },
      ),
      { numRuns: RUNS * 4 },
    )
  })

  it('answers every route whatever its path parameters and query (zero bytes, junk)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(withZeroBytes, fc.string({ maxLength: 30 }), fc.constant(invoiceId)),
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('status', 'state', 'number', 'ksefNumber', 'from', 'to', 'limit', 'cursor', 'sourceRef'),
            fc.string({ maxLength: 10 }),
          ),
          fc.oneof(withZeroBytes, fc.string({ maxLength: 30 })),
          { maxKeys: 3 },
        ),
        async (route, id, query) => {
          const path = `${concrete(route.path, encodeURIComponent(id))}?${new URLSearchParams(query)}`
          await check(`${route.method} ${path}`, async () =>
            app.request(path, {
              method: route.method,
              headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
              ...(route.method === 'GET' ? {} : { body: '{}' }),
            }),
          )
        },
      ),
      { numRuns: RUNS * 2 },
    )
  })

  it('refuses a huge body on every route, declared or chunked, before reading it, and writes nothing', async () => {
    for (const route of routes) {
      const path = concrete(route.path, invoiceId)
      const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }
      const before = await writes()
      const declared = await unfinishedRequest(
        t.url,
        route.method,
        path,
        { ...headers, 'content-length': '1000000000' },
        [new Uint8Array(1_000)],
      )
      expect(declared.status, `${route.method} ${path} declared`).toBe(413)
      const piece = new Uint8Array(64 * 1024).fill(0x20)
      const pieces = Array.from({ length: Math.ceil(LIMITS.bulk / piece.length) + 1 }, () => piece)
      const streamed = await unfinishedRequest(
        t.url,
        route.method,
        path,
        { ...headers, 'transfer-encoding': 'chunked' },
        pieces,
      )
      expect(streamed.status, `${route.method} ${path} chunked`).toBe(413)
      expect(await writes()).toEqual(before)
    }
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
