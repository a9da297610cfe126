import { connectorRegistry, markNeedsReauth } from '@ksef-hub/pipeline'
import { testBackends, testConnector } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, call, openTestGateway, type TestGateway } from '../test-support.ts'

const registry = connectorRegistry([testConnector('test-crm')])

describe.each(testBackends())('connections over HTTP (%s)', (backend) => {
  let t: TestGateway
  let acme: Awaited<ReturnType<typeof addTenant>>
  let other: Awaited<ReturnType<typeof addTenant>>
  beforeAll(async () => {
    t = await openTestGateway(backend, { connectors: registry })
    acme = await addTenant(t.context, 'acme', '5265877635')
    other = await addTenant(t.context, 'other', '9999999999')
  })
  afterAll(() => t.close())

  const create = (apiKey: string, json: unknown) => call(t.url, 'POST', '/v1/connections', { apiKey, json })

  it('lists the connectors this hub runs, with their capabilities', async () => {
    const answer = await call(t.url, 'GET', '/v1/connectors', { apiKey: acme.apiKey })
    expect(answer.json).toEqual({
      connectors: [
        {
          id: 'test-crm',
          displayName: 'Test CRM (test-crm)',
          version: '1.0.0',
          capabilities: ['writeBack', 'webhooks'],
        },
      ],
    })
  })

  it("checks settings and secrets against the connector's schemas before storing anything, naming the field", async () => {
    const badSetting = await create(acme.apiKey, {
      connector: 'test-crm',
      settings: { baseUrl: 'nope' },
      secrets: { accessToken: 'x' },
    })
    expect(badSetting.json).toMatchObject({ status: 422, code: 'CONFIGURATION', field: 'settings.baseUrl' })
    const noSecret = await create(acme.apiKey, { connector: 'test-crm' })
    expect(noSecret.json).toMatchObject({ status: 422, field: 'secrets.accessToken' })
    const unknown = await create(acme.apiKey, { connector: 'sap', secrets: {} })
    expect(unknown.json).toMatchObject({
      status: 422,
      field: 'connector',
      detail: expect.stringMatching(/not installed/),
    })
    const zero = await create(acme.apiKey, {
      connector: 'test-crm',
      settings: { pipeline: 'a\u0000b' },
      secrets: { accessToken: 'x' },
    })
    expect(zero.json).toMatchObject({ status: 400, code: 'REQUEST_INVALID', field: 'settings.pipeline' })
    expect((await call(t.url, 'GET', '/v1/connections', { apiKey: acme.apiKey })).json).toEqual({ connections: [] })
  })

  it('creates a connection (201), changes it by name (200), and never answers its secrets', async () => {
    const created = await create(acme.apiKey, {
      name: 'crm',
      connector: 'test-crm',
      settings: { pipeline: 'sales' },
      secrets: { accessToken: 'very-secret-token' },
    })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({
      name: 'crm',
      connector: 'test-crm',
      enabled: true,
      status: 'active',
      settings: { pipeline: 'sales' },
      documents: { submitted: 0, unmappable: 0 },
      writeBacks: { done: 0 },
    })
    const changed = await create(acme.apiKey, { name: 'crm', connector: 'test-crm', settings: { pipeline: 'b2b' } })
    expect(changed.status).toBe(200)
    expect(changed.json).toMatchObject({ settings: { pipeline: 'b2b' } })
    const read = await call(t.url, 'GET', '/v1/connections/crm', { apiKey: acme.apiKey })
    expect(read.json).toMatchObject({ name: 'crm', cursorAgeSeconds: null, lastError: null })
    for (const answer of [created, changed, read, await call(t.url, 'GET', '/v1/tenant', { apiKey: acme.apiKey })]) {
      expect(answer.text).not.toContain('very-secret-token')
    }
    expect((await call(t.url, 'GET', '/v1/tenant', { apiKey: acme.apiKey })).json).toMatchObject({
      connectors: [{ name: 'crm', connector: 'test-crm', enabled: true, status: 'active' }],
    })
  })

  it("answers another tenant's connection as if it did not exist", async () => {
    for (const path of ['/v1/connections/crm', '/v1/connections/crm/documents']) {
      expect((await call(t.url, 'GET', path, { apiKey: other.apiKey })).json).toMatchObject({ status: 404 })
    }
    expect((await call(t.url, 'POST', '/v1/connections/crm/sync', { apiKey: other.apiKey })).status).toBe(404)
  })

  it('asks for a pull now; a connection that needs re-authorization refuses until its secrets are set again', async () => {
    const sync = await call(t.url, 'POST', '/v1/connections/crm/sync', { apiKey: acme.apiKey })
    expect(sync.status).toBe(202)
    const row = await t.context.db
      .selectFrom('connections')
      .selectAll()
      .where('name', '=', 'crm')
      .executeTakeFirstOrThrow()
    expect(row.pull_requested_at).toBeInstanceOf(Date)
    await markNeedsReauth(
      t.context,
      { id: row.id, tenantId: 'acme', name: 'crm', connector: 'test-crm' },
      'invalid_grant',
    )
    const parked = await call(t.url, 'POST', '/v1/connections/crm/sync', { apiKey: acme.apiKey })
    expect(parked.json).toMatchObject({ status: 409, detail: expect.stringMatching(/re-authorization/) })
    expect((await call(t.url, 'GET', '/v1/connections/crm', { apiKey: acme.apiKey })).json).toMatchObject({
      status: 'needs_reauth',
      statusReason: 'invalid_grant',
    })
    const events = await t.context.db
      .selectFrom('events')
      .select(['type', 'data'])
      .where('tenant_id', '=', 'acme')
      .execute()
    expect(events).toEqual([{ type: 'connection.needs_reauth', data: expect.objectContaining({ connection: 'crm' }) }])
    const again = await create(acme.apiKey, {
      name: 'crm',
      connector: 'test-crm',
      secrets: { accessToken: 'new-token' },
    })
    expect(again.json).toMatchObject({ status: 'active', statusReason: null })
    expect((await call(t.url, 'POST', '/v1/connections/crm/sync', { apiKey: acme.apiKey })).status).toBe(202)
  })

  it("lists a connection's documents with the reason and the fix, filtered by state", async () => {
    const { id } = await t.context.db
      .selectFrom('connections')
      .select('id')
      .where('name', '=', 'crm')
      .executeTakeFirstOrThrow()
    await t.context.db
      .insertInto('source_documents')
      .values([
        { connection_id: id, ref: 'INV-1', tenant_id: 'acme', state: 'submitted', data_hash: 'a' },
        {
          connection_id: id,
          ref: 'INV-2',
          tenant_id: 'acme',
          state: 'unmappable',
          data_hash: 'b',
          code: 'BUYER_NIP_MISSING',
          field: 'customer.nip',
          reason: 'the buyer has no NIP',
          fix: 'enter the NIP',
        },
      ])
      .execute()
    const answer = await call(t.url, 'GET', '/v1/connections/crm/documents?state=unmappable', { apiKey: acme.apiKey })
    expect(answer.json).toEqual({
      documents: [
        expect.objectContaining({
          ref: 'INV-2',
          state: 'unmappable',
          code: 'BUYER_NIP_MISSING',
          field: 'customer.nip',
          fix: 'enter the NIP',
        }),
      ],
    })
    expect((await call(t.url, 'GET', '/v1/connections/crm', { apiKey: acme.apiKey })).json).toMatchObject({
      documents: { submitted: 1, unmappable: 1 },
    })
    const bad = await call(t.url, 'GET', '/v1/connections/crm/documents?state=lost', { apiKey: acme.apiKey })
    expect(bad.json).toMatchObject({ status: 400, field: 'query.state' })
  })

  it('retries a document that did not become an invoice; refuses one that did, an unknown one, and bad refs', async () => {
    const retry = (apiKey: string, json: unknown) =>
      call(t.url, 'POST', '/v1/connections/crm/documents/retry', { apiKey, json })
    expect((await retry(acme.apiKey, { refs: ['INV-2'] })).json).toEqual({ retried: 1 })
    const waiting = await call(t.url, 'GET', '/v1/connections/crm/documents?ref=INV-2', { apiKey: acme.apiKey })
    expect(waiting.json).toMatchObject({
      documents: [{ ref: 'INV-2', state: 'waiting', reason: 'a retry was asked for' }],
    })
    const invoice = await retry(acme.apiKey, { refs: ['INV-1'] })
    expect(invoice).toMatchObject({ status: 409, json: { code: 'ILLEGAL_TRANSITION' } })
    expect((await retry(acme.apiKey, { refs: ['INV-404'] })).json).toMatchObject({
      status: 404,
      detail: 'connection crm has no document INV-404',
    })
    expect((await retry(acme.apiKey, { refs: ['INV-\u0000'] })).json).toMatchObject({ status: 400, field: 'refs.0' })
    expect((await retry(acme.apiKey, { refs: [] })).json).toMatchObject({ status: 400, field: 'refs' })
    // Another tenant's connection is not there for this caller.
    expect((await retry(other.apiKey, { refs: ['INV-2'] })).status).toBe(404)
  })
})
