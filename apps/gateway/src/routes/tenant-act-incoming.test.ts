import { randomUUID } from 'node:crypto'
import { buildInvoiceXml } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { getSecret, QUEUES } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, call, openTestGateway, type TestGateway } from '../test-support.ts'

const NIP = '5265877635'

describe.each(testBackends())('tenant, act and incoming endpoints over HTTP (%s)', (backend) => {
  let t: TestGateway
  let acme: Awaited<ReturnType<typeof addTenant>>
  let other: Awaited<ReturnType<typeof addTenant>>
  beforeAll(async () => {
    t = await openTestGateway(backend)
    acme = await addTenant(t.context, 'acme', NIP)
    other = await addTenant(t.context, 'other', '9999999999')
  })
  afterAll(() => t.close())

  it('shows the tenant without secrets, and stores KSeF credentials encrypted', async () => {
    const set = await call(t.url, 'PUT', '/v1/tenant/credentials', {
      apiKey: acme.apiKey,
      json: { token: 'the-secret-ksef-token' },
    })
    expect(set.status).toBe(204)
    const tenant = await call(t.url, 'GET', '/v1/tenant', { apiKey: acme.apiKey })
    expect(tenant.json).toMatchObject({ id: 'acme', nip: NIP, environment: 'test', credentials: 'token' })
    expect(tenant.text).not.toContain('the-secret-ksef-token')
    expect(await getSecret(t.context.db, t.context.keys, 'acme', 'ksef-token')).toBe('the-secret-ksef-token')
    const row = await t.context.db
      .selectFrom('secrets')
      .select('ciphertext')
      .where('tenant_id', '=', 'acme')
      .executeTakeFirstOrThrow()
    expect(Buffer.from(row.ciphertext).toString()).not.toContain('the-secret-ksef-token')
    const theirs = await call(t.url, 'GET', '/v1/tenant', { apiKey: other.apiKey })
    expect(theirs.json).toMatchObject({ id: 'other', credentials: 'none' })
    const notPem = await call(t.url, 'PUT', '/v1/tenant/credentials', {
      apiKey: acme.apiKey,
      json: { certificate: 'x', privateKey: 'y' },
    })
    expect(notPem.json).toMatchObject({ status: 422, code: 'CONFIGURATION' })
  })

  it('retries a rejected invoice with corrected content under the same id, and refuses others', async () => {
    const invoice = typicalInvoice({ sellerNip: NIP, number: 'FV/RETRY/1', lines: 1 })
    const created = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: invoice })
    const id = created.json.id as string
    const notRejected = await call(t.url, 'POST', `/v1/invoices/${id}/retry`, { apiKey: acme.apiKey, json: invoice })
    expect(notRejected.json).toMatchObject({ status: 409, code: 'ILLEGAL_TRANSITION' })
    await t.context.db
      .updateTable('invoices')
      .set({ state: 'rejected', rejection_code: 450 })
      .where('id', '=', id)
      .execute()
    const unchanged = await call(t.url, 'POST', `/v1/invoices/${id}/retry`, { apiKey: acme.apiKey, json: invoice })
    expect(unchanged.json).toMatchObject({ status: 422, code: 'INVOICE_UNCHANGED' })
    const corrected = { ...invoice, details: { ...invoice.details, issuePlace: 'Kraków' } }
    const retried = await call(t.url, 'POST', `/v1/invoices/${id}/retry`, {
      apiKey: acme.apiKey,
      body: buildInvoiceXml(corrected),
      headers: { 'content-type': 'application/xml' },
    })
    expect(retried.status).toBe(200)
    expect(retried.json).toMatchObject({ id, status: 'sent' })
    const view = await call(t.url, 'GET', `/v1/invoices/${id}`, { apiKey: acme.apiKey })
    expect(view.json).toMatchObject({ status: 'sent', rejection: null })
  })

  it('replays only the dead invoices asked for, however the body is framed (chunked, no Content-Length)', async () => {
    const ids: string[] = []
    for (const number of ['FV/PARKED/1', 'FV/PARKED/2']) {
      const invoice = typicalInvoice({ sellerNip: NIP, number, lines: 1 })
      const created = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: invoice })
      ids.push(created.json.id as string)
    }
    await t.context.db.updateTable('invoices').set({ state: 'dead' }).where('id', 'in', ids).execute()
    const body = new TextEncoder().encode(JSON.stringify({ ids: [ids[0]] }))
    const response = await fetch(`${t.url}/v1/invoices/replay-dead`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.apiKey}`, 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(body.subarray(0, 5))
          controller.enqueue(body.subarray(5))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ replayed: [ids[0]] })
    // The one the operator left parked stays parked.
    const parked = await call(t.url, 'GET', `/v1/invoices/${ids[1]}`, { apiKey: acme.apiKey })
    expect(parked.json).toMatchObject({ state: 'dead' })
    const second = await call(t.url, 'POST', '/v1/invoices/replay-dead', {
      apiKey: acme.apiKey,
      json: { ids: [ids[1]] },
    })
    expect(second.json).toMatchObject({ replayed: [ids[1]] })
  })

  it('replays dead invoices and triggers a reconciliation, then reads the report', async () => {
    const invoice = typicalInvoice({ sellerNip: NIP, number: 'FV/DEAD/1', lines: 1 })
    const created = await call(t.url, 'POST', '/v1/invoices', { apiKey: acme.apiKey, json: invoice })
    const id = created.json.id as string
    await t.context.db.updateTable('invoices').set({ state: 'dead' }).where('id', '=', id).execute()
    const replayed = await call(t.url, 'POST', '/v1/invoices/replay-dead', { apiKey: acme.apiKey, json: {} })
    expect(replayed.status).toBe(200)
    expect(replayed.json.replayed).toEqual([id])
    const none = await call(t.url, 'GET', '/v1/reconciliations/latest', { apiKey: acme.apiKey })
    expect(none.json).toMatchObject({ status: 404 })
    const requested = await call(t.url, 'POST', '/v1/reconciliations', { apiKey: acme.apiKey })
    expect(requested.status).toBe(202)
    expect(requested.json.jobId).toEqual(expect.any(String))
    const jobs = await t.context.boss.findJobs(QUEUES.reconcileTenant, { data: { tenantId: 'acme' } })
    expect(jobs).toHaveLength(1)
    await t.context.db
      .insertInto('reconciliation_reports')
      .values({
        id: randomUUID(),
        tenant_id: 'acme',
        range_from: new Date('2026-11-01T00:00:00Z'),
        range_to: new Date('2026-11-08T00:00:00Z'),
        summary: JSON.stringify({ matched: 3 }),
        findings: JSON.stringify([]),
      })
      .execute()
    const report = await call(t.url, 'GET', '/v1/reconciliations/latest', { apiKey: acme.apiKey })
    expect(report.json).toMatchObject({ tenantId: 'acme', summary: { matched: 3 }, findings: [] })
    expect((await call(t.url, 'GET', '/v1/reconciliations/latest', { apiKey: other.apiKey })).status).toBe(404)
  })

  it('lists incoming invoices, shows one as JSON and as XML, only to its tenant', async () => {
    const invoice = typicalInvoice({ sellerNip: '9999999999', buyerNip: NIP, number: 'FZ/IN/1', lines: 1 })
    const id = randomUUID()
    await t.context.db
      .insertInto('incoming_invoices')
      .values({
        id,
        tenant_id: 'acme',
        ksef_number: '9999999999-20261102-0123456789AB-CD',
        seller_nip: '9999999999',
        seller_name: 'Seller',
        invoice_number: 'FZ/IN/1',
        invoice_type: 'VAT',
        issue_date: '2026-11-02',
        currency: 'PLN',
        net_amount: '100.00',
        vat_amount: '23.00',
        gross_amount: '123.00',
        metadata: JSON.stringify({ ksefNumber: '9999999999-20261102-0123456789AB-CD' }),
        xml: Buffer.from(buildInvoiceXml(invoice)),
        model: JSON.stringify(invoice),
      })
      .execute()
    const page = await call(t.url, 'GET', '/v1/incoming?sellerNip=9999999999', { apiKey: acme.apiKey })
    expect(page.json.invoices).toEqual([
      expect.objectContaining({ id, number: 'FZ/IN/1', grossAmount: '123.00', issueDate: '2026-11-02', hasXml: true }),
    ])
    const one = await call(t.url, 'GET', `/v1/incoming/${id}`, { apiKey: acme.apiKey })
    expect(one.json.model).toMatchObject({ details: { number: 'FZ/IN/1' } })
    const xml = await call(t.url, 'GET', `/v1/incoming/${id}/xml`, { apiKey: acme.apiKey })
    expect(xml.text).toBe(buildInvoiceXml(invoice))
    for (const path of [`/v1/incoming/${id}`, `/v1/incoming/${id}/xml`]) {
      expect((await call(t.url, 'GET', path, { apiKey: other.apiKey })).status).toBe(404)
    }
    expect((await call(t.url, 'GET', '/v1/incoming', { apiKey: other.apiKey })).json.invoices).toEqual([])
  })
})
