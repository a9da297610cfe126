import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, call, openTestGateway, type TestGateway } from '../../test-support.ts'

const NIP = '5265877635'

describe.each(testBackends())('Idempotency-Key over HTTP (%s)', (backend) => {
  let t: TestGateway
  let acme: Awaited<ReturnType<typeof addTenant>>
  let other: Awaited<ReturnType<typeof addTenant>>
  beforeAll(async () => {
    t = await openTestGateway(backend)
    acme = await addTenant(t.context, 'acme', NIP)
    other = await addTenant(t.context, 'other', '9999999999')
  })
  afterAll(() => t.close())

  it('replays the stored response for the same key and body, and refuses the same key with another body', async () => {
    const invoice = typicalInvoice({ sellerNip: NIP, number: 'FV/IDEM/1', lines: 1 })
    const headers = { 'idempotency-key': 'key-1' }
    const first = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: invoice, headers })
    expect(first.status).toBe(201)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const replay = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: invoice, headers })
    expect(replay.status).toBe(201)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.text).toBe(first.text)
    expect(replay.headers.get('location')).toBe(first.headers.get('location'))
    const changed = typicalInvoice({ sellerNip: NIP, number: 'FV/IDEM/2', lines: 1 })
    const mismatch = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: changed, headers })
    expect(mismatch.status).toBe(422)
    expect(mismatch.json).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'header.idempotency-key' })
    // The query is part of the request: the same body with ?validation=full is another request.
    const otherQuery = await call(t.url, 'POST', '/v1/invoices?validation=full', {
      apiKey: acme.apiKey,
      json: invoice,
      headers,
    })
    expect(otherQuery.json).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' })
  })

  it('fingerprints the actual path: a retry of another invoice with the same key is another request', async () => {
    const headers = { 'idempotency-key': 'key-retry' }
    const json = typicalInvoice({ sellerNip: NIP, number: 'FV/IDEM/R', lines: 1 })
    const mistyped = `/v1/invoices/${crypto.randomUUID()}/retry`
    const first = await call(t.url, 'POST', mistyped, { apiKey: acme.apiKey, json, headers })
    expect(first.status).toBe(404)
    const right = await call(t.url, 'POST', `/v1/invoices/${crypto.randomUUID()}/retry`, {
      apiKey: acme.apiKey,
      json,
      headers,
    })
    expect(right.headers.get('idempotent-replayed')).toBeNull()
    expect(right.json).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' })
  })

  it('fingerprints the content type: a 415 is not replayed to the request sent with the right one', async () => {
    const headers = { 'idempotency-key': 'key-media-type' }
    const body = JSON.stringify(typicalInvoice({ sellerNip: NIP, number: 'FV/IDEM/MT', lines: 1 }))
    const plain = await call(t.url, 'POST', '/v1/invoices', {
      apiKey: acme.apiKey,
      body,
      headers: { ...headers, 'content-type': 'text/plain' },
    })
    expect(plain.status).toBe(415)
    const json = await call(t.url, 'POST', '/v1/invoices', {
      apiKey: acme.apiKey,
      body,
      headers: { ...headers, 'content-type': 'application/json' },
    })
    expect(json.headers.get('idempotent-replayed')).toBeNull()
    expect(json.json).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' })
  })

  it('replays the same JSON sent with other whitespace, and the same query in another order', async () => {
    const headers = { 'idempotency-key': 'key-whitespace' }
    const invoice = typicalInvoice({ sellerNip: NIP, number: 'FV/IDEM/WS', lines: 1 })
    const path = '/v1/invoices?validation=structural&sourceRef=ws-1'
    const compact = await call(t.url, 'POST', path, {
      apiKey: acme.apiKey,
      body: JSON.stringify(invoice),
      headers: { ...headers, 'content-type': 'application/json' },
    })
    expect(compact.status).toBe(201)
    const pretty = await call(t.url, 'POST', '/v1/invoices?sourceRef=ws-1&validation=structural', {
      apiKey: acme.apiKey,
      body: JSON.stringify(invoice, null, 2),
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
    })
    expect(pretty.status).toBe(201)
    expect(pretty.headers.get('idempotent-replayed')).toBe('true')
    expect(pretty.text).toBe(compact.text)
  })

  it('keys belong to a tenant: the same key of another tenant is another key', async () => {
    const invoice = typicalInvoice({ sellerNip: '9999999999', number: 'FV/IDEM/OTHER', lines: 1 })
    const answer = await call(t.url, 'POST', '/v1/invoices', {
      apiKey: other.apiKey,
      json: invoice,
      headers: { 'idempotency-key': 'key-1' },
    })
    expect(answer.status).toBe(201)
    expect(answer.headers.get('idempotent-replayed')).toBeNull()
  })

  it('replays a 4xx answer too, and refuses a malformed key', async () => {
    const broken = { nonsense: true }
    const headers = { 'idempotency-key': 'key-invalid-invoice' }
    const first = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: broken, headers })
    expect(first.status).toBe(422)
    const again = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: broken, headers })
    expect(again.status).toBe(422)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.headers.get('content-type')).toBe('application/problem+json')
    const badKey = await call(t.url, 'POST', '/v1/invoices', {
      apiKey: acme.apiKey,
      json: broken,
      headers: { 'idempotency-key': 'x'.repeat(256) },
    })
    expect(badKey.json).toMatchObject({ status: 400, code: 'IDEMPOTENCY_KEY_INVALID' })
  })

  it('answers 409 to a concurrent request with the same key, and exactly one of them stores', async () => {
    const invoices = Array.from({ length: 40 }, (_, n) => ({
      invoice: typicalInvoice({ sellerNip: NIP, number: `FV/IDEM/C/${n}`, lines: 1 }),
    }))
    const headers = { 'idempotency-key': 'key-concurrent' }
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() =>
        call(t.url, 'POST', '/v1/invoices/bulk', { apiKey: acme.apiKey, json: { invoices }, headers }),
      ),
    )
    const statuses = answers.map((answer) => answer.status)
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1)
    for (const answer of answers.filter((a) => a.status === 409)) {
      expect(answer.json).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_USE' })
      expect(answer.headers.get('retry-after')).toBe('1')
    }
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true)
    const created = answers
      .filter((answer) => answer.status === 200 && answer.headers.get('idempotent-replayed') === null)
      .flatMap((answer) => (answer.json.results as { created: boolean }[]).filter((result) => result.created))
    expect(created).toHaveLength(40)
  })
})
