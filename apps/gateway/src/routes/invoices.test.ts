import { buildInvoiceXml } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { QUEUES } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, call, openTestGateway, type TestGateway } from '../test-support.ts'

const ACME_NIP = '5265877635'
const OTHER_NIP = '9999999999'

describe.each(testBackends())('invoices over HTTP (%s)', (backend) => {
  let t: TestGateway
  let acme: Awaited<ReturnType<typeof addTenant>>
  let other: Awaited<ReturnType<typeof addTenant>>
  beforeAll(async () => {
    t = await openTestGateway(backend)
    acme = await addTenant(t.context, 'acme', ACME_NIP)
    other = await addTenant(t.context, 'other', OTHER_NIP)
  })
  afterAll(() => t.close())

  it('takes a JSON invoice, queues it, and answers the same record for the same document', async () => {
    const invoice = typicalInvoice({ sellerNip: ACME_NIP, number: 'FV/GW/1', lines: 3 })
    const first = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: invoice })
    expect(first.status).toBe(201)
    expect(first.json).toMatchObject({ state: 'received', status: 'sent', created: true })
    expect(first.headers.get('location')).toBe(`/v1/invoices/${first.json.id}`)
    const again = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: { invoice } })
    expect(again.status).toBe(200)
    expect(again.json).toMatchObject({ id: first.json.id, created: false })
    const jobs = await t.context.boss.findJobs(QUEUES.submit, { data: { invoiceId: first.json.id } })
    expect(jobs).toHaveLength(1)
  })

  it('takes FA(3) XML and runs the full checks on ?validation=full', async () => {
    const invoice = typicalInvoice({ sellerNip: ACME_NIP, number: 'FV/GW/XML', lines: 2 })
    const xml = buildInvoiceXml(invoice)
    const answer = await call(t.url, 'POST', '/v1/invoices?validation=full&sourceRef=erp-xml-1', {
      apiKey: acme.apiKey,
      body: xml,
      headers: { 'content-type': 'application/xml' },
    })
    expect(answer.status).toBe(201)
    expect(answer.json).toMatchObject({ state: 'queued', created: true })
    const stored = await call(t.url, 'GET', `/v1/invoices/${answer.json.id}/xml`, { apiKey: acme.apiKey })
    expect(stored.status).toBe(200)
    expect(stored.headers.get('content-type')).toContain('application/xml')
    expect(stored.text).toBe(xml)
    const qr = await call(t.url, 'GET', `/v1/invoices/${answer.json.id}/qr`, { apiKey: acme.apiKey })
    expect(qr.status).toBe(200)
    expect((qr.json.invoice as { url: string; label: string }).url).toMatch(
      /^https:\/\/qr-test\.ksef\.mf\.gov\.pl\/invoice\/5265877635\//,
    )
    expect((qr.json.invoice as { label: string }).label).toBe('OFFLINE')
  })

  it('answers an invalid invoice with problem+json naming the field, and a wrong seller too', async () => {
    const invoice = typicalInvoice({ sellerNip: ACME_NIP, number: 'FV/GW/BAD', lines: 1 })
    const broken = { ...invoice, details: { ...invoice.details, issueDate: 'yesterday' } }
    const answer = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: broken })
    expect(answer.status).toBe(422)
    expect(answer.headers.get('content-type')).toBe('application/problem+json')
    expect(answer.json).toMatchObject({ code: 'INVOICE_INVALID', status: 422, field: 'details.issueDate' })
    expect(answer.text).not.toMatch(/at .*\.ts:\d+/)
    const foreign = typicalInvoice({ sellerNip: OTHER_NIP, number: 'FV/GW/SELLER', lines: 1 })
    const wrong = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: foreign })
    expect(wrong.json).toMatchObject({ code: 'WRONG_SELLER', field: 'seller.nip', status: 422 })
  })

  it('refuses a second invoice with the same number (409) and malformed bodies (400, 415)', async () => {
    const invoice = typicalInvoice({ sellerNip: ACME_NIP, number: 'FV/GW/DUP', lines: 1 })
    await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: { invoice, sourceRef: 'a' } })
    const dup = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: { invoice, sourceRef: 'b' } })
    expect(dup.json).toMatchObject({ status: 409, code: 'DUPLICATE_INVOICE_NUMBER' })
    const malformed = await call(t.url, 'POST', '/v1/invoices', {
      apiKey: acme.apiKey,
      body: '{"header":',
      headers: { 'content-type': 'application/json' },
    })
    expect(malformed.json).toMatchObject({ status: 400, code: 'MALFORMED_BODY' })
    const text = await call(t.url, 'POST', '/v1/invoices', {
      apiKey: acme.apiKey,
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    })
    expect(text.json).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' })
  })

  it('reads one invoice with its history, lists with filters and cursor, and has no UPO before KSeF confirms', async () => {
    for (const n of [1, 2, 3]) {
      const invoice = typicalInvoice({ sellerNip: ACME_NIP, number: `FV/GW/LIST/${n}`, lines: 1 })
      expect((await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: invoice })).status).toBe(201)
    }
    const page = await call(t.url, 'GET', '/v1/invoices?limit=2&status=sent', { apiKey: acme.apiKey })
    expect(page.status).toBe(200)
    const invoices = page.json.invoices as { id: string; status: string }[]
    expect(invoices).toHaveLength(2)
    expect(invoices.every((invoice) => invoice.status === 'sent')).toBe(true)
    const next = await call(t.url, 'GET', `/v1/invoices?limit=2&cursor=${page.json.nextCursor}`, {
      apiKey: acme.apiKey,
    })
    expect((next.json.invoices as { id: string }[]).map((invoice) => invoice.id)).not.toContain(invoices[0]?.id)
    const byNumber = await call(t.url, 'GET', '/v1/invoices?number=FV%2FGW%2FLIST%2F2', { apiKey: acme.apiKey })
    expect(byNumber.json.invoices).toHaveLength(1)
    const id = invoices[0]?.id
    const one = await call(t.url, 'GET', `/v1/invoices/${id}`, { apiKey: acme.apiKey })
    expect(one.status).toBe(200)
    expect(one.json).toMatchObject({ id, status: 'sent', statusLabel: { pl: 'wysłana' }, ksefNumber: null })
    expect((one.json.history as { kind: string }[])[0]?.kind).toBe('invoice.created')
    const upo = await call(t.url, 'GET', `/v1/invoices/${id}/upo`, { apiKey: acme.apiKey })
    expect(upo.json).toMatchObject({ status: 404, code: 'NOT_FOUND' })
    const bad = await call(t.url, 'GET', '/v1/invoices?limit=9999', { apiKey: acme.apiKey })
    expect(bad.json).toMatchObject({ status: 400, code: 'REQUEST_INVALID', field: 'query.limit' })
  })

  it("isolates tenants: another tenant's invoice answers 404 everywhere, as if it did not exist", async () => {
    const invoice = typicalInvoice({ sellerNip: ACME_NIP, number: 'FV/GW/ISO', lines: 1 })
    const created = await call(t.url, 'POST', '/v1/invoices?validation=full', { apiKey: acme.apiKey, json: invoice })
    const id = created.json.id as string
    for (const path of [
      `/v1/invoices/${id}`,
      `/v1/invoices/${id}/xml`,
      `/v1/invoices/${id}/upo`,
      `/v1/invoices/${id}/qr`,
    ]) {
      const mine = await call(t.url, 'GET', path, { apiKey: acme.apiKey })
      const theirs = await call(t.url, 'GET', path, { apiKey: other.apiKey })
      expect(theirs.status, path).toBe(404)
      expect(theirs.json.detail, path).toMatch(/does not exist/)
      // The owner sees the invoice (its UPO does not exist yet, and says so differently).
      expect(mine.status, path).toBe(path.endsWith('/upo') ? 404 : 200)
      if (path.endsWith('/upo')) expect(mine.json.detail).toMatch(/has no UPO yet/)
    }
    const retry = await call(t.url, 'POST', `/v1/invoices/${id}/retry`, { apiKey: other.apiKey, json: invoice })
    expect(retry.status).toBe(404)
    const list = await call(t.url, 'GET', '/v1/invoices?limit=500', { apiKey: other.apiKey })
    expect((list.json.invoices as { id: string }[]).map((row) => row.id)).not.toContain(id)
    const replay = await call(t.url, 'POST', '/v1/invoices/replay-dead', { apiKey: other.apiKey, json: { ids: [id] } })
    expect(replay.status).toBe(404)
  })

  it('takes many invoices in one request, with a result per item', async () => {
    const good = [1, 2, 3].map((n) => ({
      invoice: typicalInvoice({ sellerNip: ACME_NIP, number: `FV/GW/BULK/${n}`, lines: 2 }),
    }))
    const answer = await call(t.url, 'POST', '/v1/invoices/bulk', {
      apiKey: acme.apiKey,
      json: { invoices: [...good, { invoice: { nonsense: true } }, good[0]] },
    })
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({ accepted: 4, failed: 1 })
    const results = answer.json.results as { ok: boolean; id?: string; created?: boolean; error?: { code: string } }[]
    expect(results[3]).toMatchObject({ ok: false, error: { code: 'INVOICE_INVALID' } })
    expect(results[4]).toMatchObject({ ok: true, id: results[0]?.id, created: false })
    const again = await call(t.url, 'POST', '/v1/invoices/bulk', { apiKey: acme.apiKey, json: { invoices: good } })
    expect((again.json.results as { id: string; created: boolean }[]).map((r) => [r.id, r.created])).toEqual(
      results.slice(0, 3).map((r) => [r.id, false]),
    )
    const empty = await call(t.url, 'POST', '/v1/invoices/bulk', { apiKey: acme.apiKey, json: { invoices: [] } })
    expect(empty.json).toMatchObject({ status: 400, code: 'REQUEST_INVALID', field: 'invoices' })
  })
})
