import { receiveWebhook, type WebhookRequest } from '@ksef-hub/connector-sdk'
import { createCapturingLogger, createMemoryReplayGuard } from '@ksef-hub/connector-sdk/testing'
import { describe, expect, it } from 'vitest'
import businessCentral from './index.ts'
import { refOf } from './refs.ts'
import { type Secrets, type Settings, secretsSchema, settingsSchema } from './settings.ts'
import { COMPANY, COMPANY_2, settingsFor, TENANT } from './test-context.ts'

const CLIENT_STATE = 'cs-4f1d2a9b8c7e6d5f4a3b2c1d0e9f8a7b'
const settings: Settings = settingsSchema.parse(settingsFor('http://127.0.0.1:9'))
const secrets: Secrets = secretsSchema.parse({ clientId: 'id', clientSecret: 'secret', clientState: CLIENT_STATE })
const INVOICE = '5d115c9c-44e3-ea11-bb43-000d3a2feca1'

function context(overrides: Partial<Secrets> = {}) {
  return {
    tenant: TENANT,
    connection: { id: 'c1', name: 'bc' },
    settings,
    secrets: { ...secrets, ...overrides },
    logger: createCapturingLogger([]),
    now: () => new Date(),
  }
}

/** A notification as BC posts it (dev-itpro/api-reference/v2.0/dynamics-subscriptions.md). */
function notification(
  entries: Record<string, unknown>[],
  url = 'https://hub.example/v1/connectors/business-central/t/webhook',
): WebhookRequest {
  const body = {
    value: entries.map((entry) => ({
      subscriptionId: 'webhookSalesInvoicesId',
      clientState: CLIENT_STATE,
      expirationDateTime: '2026-11-23T10:15:30Z',
      resource: `api/v2.0/companies(${COMPANY})/salesInvoices(${INVOICE})`,
      changeType: 'updated',
      lastModifiedDateTime: '2026-11-20T10:15:30.1230000Z',
      ...entry,
    })),
  }
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    rawBody: new TextEncoder().encode(JSON.stringify(body)),
  }
}

describe("BC's webhooks", () => {
  it('answer the validation handshake with the token as text, before any check', async () => {
    const request: WebhookRequest = {
      method: 'POST',
      url: 'https://hub.example/v1/connectors/business-central/t/webhook?validationToken=abc%2B123',
      headers: {},
      rawBody: new Uint8Array(),
    }
    const reception = await receiveWebhook(
      businessCentral,
      request,
      context({ clientState: undefined }),
      createMemoryReplayGuard(),
    )
    expect(reception).toEqual({ kind: 'handshake', answer: { status: 200, body: 'abc+123' } })
  })

  it('accept a notification with the clientState, naming the document, once', async () => {
    const guard = createMemoryReplayGuard()
    const request = notification([{}])
    const reception = await receiveWebhook(businessCentral, request, context(), guard)
    expect(reception.kind).toBe('accepted')
    if (reception.kind !== 'accepted') return
    expect(reception.parsed.events).toEqual([{ refs: [refOf(COMPANY, 'salesInvoices', INVOICE)] }])
    expect(reception.parsed.deliveryId).toMatch(/^bc:[0-9a-f]{64}$/)
    expect((await receiveWebhook(businessCentral, request, context(), guard)).kind).toBe('replayed')
  })

  it('give a retried notification the same delivery id, whatever its whitespace', async () => {
    const request = notification([{}])
    const spaced = {
      ...request,
      rawBody: new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(request.rawBody)), null, 2)),
    }
    const parse = businessCentral.webhooks!.parse
    expect((await parse(spaced, context())).deliveryId).toBe((await parse(request, context())).deliveryId)
  })

  it('refuse another clientState, a missing one, and any entry without it', async () => {
    const guard = createMemoryReplayGuard()
    const other = await receiveWebhook(
      businessCentral,
      notification([{}]),
      context({ clientState: `${CLIENT_STATE}x` }),
      guard,
    )
    expect(other.kind).toBe('refused')
    const none = await receiveWebhook(businessCentral, notification([{}]), context({ clientState: undefined }), guard)
    expect(none).toMatchObject({ kind: 'refused', reason: expect.stringContaining('clientState is not set') })
    const mixed = notification([{}, { clientState: 'forged-state-value-0000' }])
    expect((await receiveWebhook(businessCentral, mixed, context(), guard)).kind).toBe('refused')
  })

  it('refuse a notification about a company the connection does not serve, and a body that is not BC', async () => {
    const guard = createMemoryReplayGuard()
    const elsewhere = notification([{ resource: `api/v2.0/companies(${COMPANY_2})/salesInvoices(${INVOICE})` }])
    expect((await receiveWebhook(businessCentral, elsewhere, context(), guard)).kind).toBe('refused')
    const garbage = { ...notification([{}]), rawBody: new TextEncoder().encode('{"value":[{"changeType":"updatex"}]}') }
    expect((await receiveWebhook(businessCentral, garbage, context(), guard)).kind).toBe('refused')
  })

  it('pull for a collection or a deletion, which name no document', async () => {
    const collection = notification([
      {
        changeType: 'collection',
        resource: `api/v2.0/companies(${COMPANY})/salesInvoices?$filter=lastModifiedDateTime gt 2026-11-20T10:00:00Z`,
      },
    ])
    const parsed = await businessCentral.webhooks!.parse(collection, context())
    expect(parsed.events).toEqual([{}])
    const deleted = await businessCentral.webhooks!.parse(notification([{ changeType: 'deleted' }]), context())
    expect(deleted.events).toEqual([{}])
  })
})
