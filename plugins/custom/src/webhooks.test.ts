import { createHmac } from 'node:crypto'
import {
  type ReplayGuard,
  receiveWebhook,
  type TenantInfo,
  type WebhookContext,
  type WebhookRequest,
} from '@ksef-hub/connector-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FAKE_SELLER, type FakeErp, startFakeErp } from '../fake/index.ts'
import custom from './index.ts'
import { type Secrets, type Settings, settingsSchema } from './settings.ts'
import { fakeSettings } from './test-context.ts'
import { valuesAt } from './webhooks.ts'

const tenant: TenantInfo = { id: 'tenant-1', nip: '5265877635', name: FAKE_SELLER.name }
const HUB_URL = 'https://hub.example/v1/connections/c1/webhooks'
let erp: FakeErp

beforeAll(async () => {
  erp = await startFakeErp()
})
afterAll(() => erp.close())

function webhookContext(
  webhooks: Record<string, unknown> = { idField: 'id' },
  now = new Date(),
): WebhookContext<Settings, Secrets> {
  return {
    tenant,
    connection: { id: 'c1', name: 'erp' },
    settings: settingsSchema.parse(fakeSettings(erp, { webhooks })),
    secrets: { apiKey: erp.apiKey, webhookSecret: erp.webhookSecret },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    now: () => now,
  }
}

function memoryGuard(): ReplayGuard {
  const seen = new Set<string>()
  return { firstSight: async (id) => !seen.has(id) && Boolean(seen.add(id)) }
}

const receive = (request: WebhookRequest, context = webhookContext(), guard = memoryGuard()) =>
  receiveWebhook(custom, request, context as WebhookContext<unknown, unknown>, guard)

describe("the source's webhooks", () => {
  it('accepts a correctly signed call and names the documents to pull', async () => {
    const request = erp.webhookRequest(HUB_URL, ['inv-000001', 'cn-000002'], { id: 'evt_1' })
    expect(await receive(request)).toMatchObject({
      kind: 'accepted',
      parsed: { deliveryId: 'evt_1', events: [{ refs: ['inv-000001', 'cn-000002'] }] },
    })
  })

  it('refuses a forged signature, a tampered body and a missing signature', async () => {
    const forged = erp.webhookRequest(HUB_URL, ['inv-000001'], { secret: 'whk_not_the_source_secret' })
    expect(await receive(forged)).toEqual({ kind: 'refused', reason: 'the signature does not match the body' })
    const genuine = erp.webhookRequest(HUB_URL, ['inv-000001'])
    const tampered = {
      ...genuine,
      rawBody: new TextEncoder().encode(new TextDecoder().decode(genuine.rawBody).replace('inv-000001', 'inv-000002')),
    }
    expect(await receive(tampered)).toMatchObject({ kind: 'refused', reason: 'the signature does not match the body' })
    const { 'x-signature': _, ...unsigned } = genuine.headers
    expect(await receive({ ...genuine, headers: unsigned })).toMatchObject({
      kind: 'refused',
      reason: 'no x-signature header',
    })
  })

  it('refuses a stale call, and a timestamp changed to look fresh', async () => {
    const stale = erp.webhookRequest(HUB_URL, ['inv-000001'], { at: new Date(Date.now() - 301_000) })
    expect(await receive(stale)).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/outside 300 s/) })
    const moved = { ...stale, headers: { ...stale.headers, 'x-timestamp': String(Math.floor(Date.now() / 1000)) } }
    expect(await receive(moved)).toMatchObject({ kind: 'refused', reason: 'the signature does not match the body' })
    const early = erp.webhookRequest(HUB_URL, ['inv-000001'], { at: new Date(Date.now() + 299_000) })
    expect((await receive(early)).kind).toBe('accepted')
  })

  it('acknowledges a replayed delivery without acting on it', async () => {
    const guard = memoryGuard()
    const request = erp.webhookRequest(HUB_URL, ['inv-000001'], { id: 'evt_replayed' })
    expect((await receive(request, webhookContext(), guard)).kind).toBe('accepted')
    expect((await receive(request, webhookContext(), guard)).kind).toBe('replayed')
  })

  it('refuses every call when the connection takes no webhooks or has no secret', async () => {
    const request = erp.webhookRequest(HUB_URL, ['inv-000001'])
    const context = webhookContext()
    const without = { ...context, settings: { ...context.settings, webhooks: undefined } }
    expect((await receive(request, without)).kind).toBe('refused')
    const keyless = { ...context, secrets: { apiKey: erp.apiKey } }
    expect(await receive(request, keyless)).toMatchObject({
      kind: 'refused',
      reason: 'secrets.webhookSecret is not set',
    })
  })

  it('checks Base64 signatures of the body alone, with a digest of the body as the delivery id', async () => {
    const body = JSON.stringify({ changes: [{ documentId: 'inv-000007' }, { documentId: 'inv-000009' }] })
    const signature = createHmac('sha256', erp.webhookSecret).update(body).digest('base64')
    const request: WebhookRequest = {
      method: 'POST',
      url: HUB_URL,
      headers: { 'x-erp-hmac': signature },
      rawBody: new TextEncoder().encode(body),
    }
    const context = webhookContext({
      signatureHeader: 'X-ERP-HMAC',
      signaturePrefix: '',
      encoding: 'base64',
      timestampHeader: null,
      refsField: 'changes.documentId',
    })
    const reception = await receive(request, context)
    expect(reception).toMatchObject({ kind: 'accepted', parsed: { events: [{ refs: ['inv-000007', 'inv-000009'] }] } })
    expect(reception.kind === 'accepted' && reception.parsed.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/)
    const lowerCase = { ...request, headers: { 'x-erp-hmac': signature.toLowerCase() } }
    expect((await receive(lowerCase, context)).kind).toBe('refused')
  })
})

describe('reading what a call names', () => {
  /** A call signed with the body alone, as the test's settings say. */
  function call(body: unknown): WebhookRequest {
    const raw = JSON.stringify(body)
    const signature = createHmac('sha256', erp.webhookSecret).update(raw).digest('hex')
    return {
      method: 'POST',
      url: HUB_URL,
      headers: { 'x-signature': signature },
      rawBody: new TextEncoder().encode(raw),
    }
  }
  const bodyOnly = { signaturePrefix: '', timestampHeader: null }
  const body = {
    meta: { 'delivery-id': 'd-17' },
    events: [
      { type: 'invoice.updated', data: { id: 'inv-000003' } },
      { type: 'customer.updated', data: { id: 'K00001' } },
      { type: 'invoice.updated', data: { id: 'inv-000005' } },
    ],
  }

  it('by JSONata when a dotted path cannot say it', async () => {
    const context = webhookContext({
      ...bodyOnly,
      idField: '"d:" & meta.`delivery-id`',
      refsField: 'events[type = "invoice.updated"].data.id',
    })
    expect(await receive(call(body), context)).toMatchObject({
      kind: 'accepted',
      parsed: { deliveryId: 'd:d-17', events: [{ refs: ['inv-000003', 'inv-000005'] }] },
    })
  })

  it('by the dotted paths tenant files already hold, keys with dashes included', async () => {
    const context = webhookContext({ ...bodyOnly, idField: 'meta.delivery-id', refsField: 'events.data.id' })
    expect(await receive(call(body), context)).toMatchObject({
      kind: 'accepted',
      parsed: { deliveryId: 'd-17', events: [{ refs: ['inv-000003', 'K00001', 'inv-000005'] }] },
    })
  })

  it('refuses a call whose delivery id is not there', async () => {
    const context = webhookContext({ ...bodyOnly, idField: 'meta.id' })
    expect(await receive(call(body), context)).toEqual({
      kind: 'refused',
      reason: 'unreadable: the body has no meta.id',
    })
  })
})

describe('valuesAt', () => {
  it('follows lists and skips what is not there', () => {
    expect(valuesAt({ a: [{ b: 1 }, { c: 2 }, { b: [3, 4] }] }, 'a.b')).toEqual([1, 3, 4])
    expect(valuesAt({ a: null }, 'a.b')).toEqual([])
  })
})
