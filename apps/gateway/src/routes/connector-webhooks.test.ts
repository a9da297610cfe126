import { createHmac, timingSafeEqual } from 'node:crypto'
import { enableConnector } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, call, openTestGateway, type TestGateway } from '../test-support.ts'
import type { ConnectorWebhookHandler, ConnectorWebhookRequest } from './connector-webhooks.ts'

/** A test connector that signs like many SaaS do: hex HMAC-SHA256 of the raw body in `x-test-signature`. */
function testConnector(handled: { tenantId: string; body: string; config: unknown }[]): ConnectorWebhookHandler {
  return {
    verify(request, context) {
      const secret = context.secrets.webhookSecret
      const given = Buffer.from(request.headers['x-test-signature'] ?? '', 'hex')
      if (!secret) return false
      const expected = createHmac('sha256', secret).update(request.rawBody).digest()
      return given.length === expected.length && timingSafeEqual(given, expected)
    },
    async handle(request: ConnectorWebhookRequest, context) {
      handled.push({
        tenantId: context.tenantId,
        body: new TextDecoder().decode(request.rawBody),
        config: context.config,
      })
      return { status: 202, body: { queued: 1 } }
    },
  }
}

describe.each(testBackends())('webhooks in (%s)', (backend) => {
  let t: TestGateway
  const handled: { tenantId: string; body: string; config: unknown }[] = []
  beforeAll(async () => {
    t = await openTestGateway(backend, { connectorWebhooks: { 'test-crm': testConnector(handled) } })
    await addTenant(t.context, 'acme', '5265877635')
    await addTenant(t.context, 'other', '9999999999')
    await enableConnector(t.context.db, t.context.keys, 'acme', 'test-crm', {
      settings: { portal: 42 },
      secrets: { webhookSecret: 'acme-crm-secret' },
    })
  })
  afterAll(() => t.close())

  const sign = (body: string, secret = 'acme-crm-secret') => createHmac('sha256', secret).update(body).digest('hex')

  it("routes a signed call to the tenant's connector, checking the signature on the raw bytes", async () => {
    // Odd spacing and key order: any re-serialization before the check would break the signature.
    const body = '{ "event":"deal.won",   "id": 7 }'
    const answer = await call(t.url, 'POST', '/v1/connectors/test-crm/acme/webhook', {
      body,
      headers: { 'content-type': 'application/json', 'x-test-signature': sign(body) },
    })
    expect(answer.status).toBe(202)
    expect(answer.json).toEqual({ queued: 1 })
    expect(handled).toEqual([{ tenantId: 'acme', body, config: { portal: 42 } }])
  })

  it('refuses a wrong signature with 401, and unknown connectors or tenants with the same 404', async () => {
    const body = '{"event":"deal.won"}'
    const forged = await call(t.url, 'POST', '/v1/connectors/test-crm/acme/webhook', {
      body,
      headers: { 'content-type': 'application/json', 'x-test-signature': sign(body, 'guess') },
    })
    expect(forged.json).toMatchObject({ status: 401, code: 'SIGNATURE_INVALID' })
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
    expect(handled).toHaveLength(1)
    const audit = await t.context.db
      .selectFrom('audit_log')
      .select('details')
      .where('kind', '=', 'connector.webhook')
      .execute()
    expect(audit.map((row) => row.details.authentic)).toEqual([true, false, false])
  })
})
