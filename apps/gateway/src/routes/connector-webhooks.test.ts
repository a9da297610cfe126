import { createHmac } from 'node:crypto'
import { connectorRegistry, saveConnection } from '@ksef-hub/pipeline'
import { testBackends, testConnector } from '@ksef-hub/pipeline/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, call, openTestGateway, type TestGateway } from '../test-support.ts'
import { calledUrl } from './connector-webhooks.ts'

const registry = connectorRegistry([testConnector('test-crm')])

describe.each(testBackends())('webhooks in (%s)', (backend) => {
  let t: TestGateway
  beforeAll(async () => {
    t = await openTestGateway(backend, { connectors: registry })
    await addTenant(t.context, 'acme', '5265877635')
    await addTenant(t.context, 'other', '9999999999')
    for (const [name, pipeline, secret] of [
      ['crm-a', 'portal-a', 'acme-crm-secret'],
      ['crm-b', 'portal-b', 'acme-crm-secret'],
    ] as const) {
      await saveConnection(t.context.db, t.context.keys, registry, 'acme', {
        name,
        connector: 'test-crm',
        settings: { pipeline },
        secrets: { accessToken: 'token', webhookSecret: secret },
      })
    }
  })
  afterAll(() => t.close())

  const sign = (body: string, secret = 'acme-crm-secret') => createHmac('sha256', secret).update(body).digest('hex')
  const pullsOf = async () =>
    (
      await sql<{ data: { connectionId: string } }>`select data from pgboss.job where name = 'connection.pull'`.execute(
        t.context.db,
      )
    ).rows.map((row) => row.data.connectionId)
  const idOf = async (name: string) =>
    (await t.context.db.selectFrom('connections').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id

  it('checks the signature on the raw bytes and asks for a pull of the connection the event names', async () => {
    // Odd spacing and key order: any re-serialization before the check would break the signature.
    const body = '{ "deliveryId":"d-1",   "refs": ["INV-7"], "account": "portal-b" }'
    const answer = await call(t.url, 'POST', '/v1/connectors/test-crm/acme/webhook', {
      body,
      headers: { 'content-type': 'application/json', 'x-test-signature': sign(body) },
    })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({ received: true })
    expect(await pullsOf()).toEqual([await idOf('crm-b')])
  })

  it('acknowledges a replayed delivery without acting on it again', async () => {
    const body = '{"deliveryId":"d-2","refs":["INV-8"]}'
    const headers = { 'content-type': 'application/json', 'x-test-signature': sign(body) }
    expect((await call(t.url, 'POST', '/v1/connectors/test-crm/acme/webhook', { body, headers })).status).toBe(200)
    const before = (await pullsOf()).length
    await t.context.db.updateTable('connections').set({ pull_requested_at: null }).execute()
    const again = await call(t.url, 'POST', '/v1/connectors/test-crm/acme/webhook', { body, headers })
    expect(again.status).toBe(200)
    expect(await pullsOf()).toHaveLength(before)
    const requested = await t.context.db.selectFrom('connections').select('pull_requested_at').execute()
    expect(requested.every((row) => row.pull_requested_at === null)).toBe(true)
  })

  it('refuses a wrong signature, a tampered body or none with 401, and unknown connectors or tenants with the same 404', async () => {
    const body = '{"deliveryId":"d-3"}'
    const forged = await call(t.url, 'POST', '/v1/connectors/test-crm/acme/webhook', {
      body,
      headers: { 'content-type': 'application/json', 'x-test-signature': sign(body, 'guess') },
    })
    expect(forged.json).toMatchObject({ status: 401, code: 'SIGNATURE_INVALID' })
    const tampered = await call(t.url, 'POST', '/v1/connectors/test-crm/acme/webhook', {
      body: body.replace('d-3', 'd-4'),
      headers: { 'x-test-signature': sign(body) },
    })
    expect(tampered.status).toBe(401)
    const unsigned = await call(t.url, 'POST', '/v1/connectors/test-crm/acme/webhook', { body })
    expect(unsigned.status).toBe(401)
    const notEnabled = await call(t.url, 'POST', '/v1/connectors/test-crm/other/webhook', {
      body,
      headers: { 'x-test-signature': sign(body) },
    })
    const noTenant = await call(t.url, 'POST', '/v1/connectors/test-crm/nobody/webhook', { body })
    const noConnector = await call(t.url, 'POST', '/v1/connectors/hubspot/acme/webhook', { body })
    for (const answer of [notEnabled, noTenant, noConnector]) {
      expect(answer.json).toMatchObject({ status: 404, code: 'NOT_FOUND' })
    }
    const audit = await t.context.db
      .selectFrom('audit_log')
      .select('details')
      .where('kind', '=', 'connection.webhook')
      .orderBy('id')
      .execute()
    expect(audit.map((row) => row.details.outcome)).toEqual([
      'accepted',
      'accepted',
      'replayed',
      'refused',
      'refused',
      'refused',
    ])
  })
})

describe('calledUrl', () => {
  it('puts the path and query the gateway saw under the public address, which a signature over the URL used', () => {
    const seen = 'http://10.0.0.5:3000/v1/connectors/hubspot/acme/webhook?portal=1'
    expect(calledUrl(seen, undefined)).toBe(seen)
    expect(calledUrl(seen, 'https://hub.example.com/')).toBe(
      'https://hub.example.com/v1/connectors/hubspot/acme/webhook?portal=1',
    )
    expect(calledUrl(seen, 'https://example.com/hub')).toBe(
      'https://example.com/hub/v1/connectors/hubspot/acme/webhook?portal=1',
    )
  })
})
