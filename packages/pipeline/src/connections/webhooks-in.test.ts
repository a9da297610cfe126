import { defineConnector, hmacSha256, SDK_VERSION, safeEqual, type WebhookRequest } from '@ksef-hub/connector-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { QUEUES } from '../queue/queues.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { ConnectionRecord } from './connections.ts'
import { connectorRegistry } from './registry.ts'
import { connectTenant, OTHER_NIP } from './test-support.ts'
import { receiveConnectionWebhook } from './webhooks-in.ts'

/** An app's webhooks: a handshake echoing `x-hook-secret`, HMAC-signed bodies naming accounts. */
const hooks = defineConnector({
  id: 'hooks',
  displayName: 'Hooks',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings: z.object({ account: z.string() }),
  secrets: z.object({ webhookSecret: z.string() }),
  hosts: () => [],
  account: (settings) => settings.account,
  webhooks: {
    handshake: (request) =>
      request.headers['x-hook-secret']
        ? { status: 200, body: { hookSecret: request.headers['x-hook-secret'] } }
        : undefined,
    verify(request, context) {
      const given = request.headers['x-signature'] ?? ''
      return safeEqual(given, hmacSha256(context.secrets.webhookSecret, request.rawBody).toString('hex'))
        ? { ok: true }
        : { ok: false, reason: 'signature' }
    },
    parse: (request) =>
      JSON.parse(Buffer.from(request.rawBody).toString()) as {
        deliveryId: string
        events: { account?: string; refs?: string[] }[]
      },
  },
})
const quiet = defineConnector({
  id: 'no-hooks',
  displayName: 'No webhooks',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings: z.object({}),
  secrets: z.object({}),
  hosts: () => [],
})
const registry = connectorRegistry([hooks, quiet])

describe.each(testBackends())('webhooks in (%s)', (backend) => {
  let context: TestContext
  const connections: Record<string, ConnectionRecord> = {}
  beforeAll(async () => {
    context = await openTestContext(backend)
    // Two organisations of one app, sharing the app's key, and a third with its own.
    for (const [name, account, webhookSecret] of [
      ['alpha', 'ORG-A', 'app-key'],
      ['beta', 'ORG-B', 'app-key'],
      ['gamma', 'ORG-C', 'own-key'],
    ] as const) {
      connections[name] = await connectTenant(context, registry, 'acme', {
        name,
        connector: 'hooks',
        settings: { account },
        secrets: { webhookSecret },
      })
    }
    // Another tenant's organisation of the same app.
    connections.stranger = await connectTenant(
      context,
      registry,
      'other',
      { name: 'alpha', connector: 'hooks', settings: { account: 'ORG-X' }, secrets: { webhookSecret: 'app-key' } },
      OTHER_NIP,
    )
  })
  afterAll(() => context.close())

  const call = (body: unknown, options: { key?: string; headers?: Record<string, string> } = {}): WebhookRequest => {
    const rawBody = Buffer.from(JSON.stringify(body))
    const signature: Record<string, string> = options.key
      ? { 'x-signature': hmacSha256(options.key, rawBody).toString('hex') }
      : {}
    return {
      method: 'POST',
      url: 'https://hub.example/v1/webhooks/hooks/acme',
      headers: { ...signature, ...options.headers },
      rawBody,
    }
  }
  const receive = (request: WebhookRequest, tenantId = 'acme', connector = 'hooks') =>
    receiveConnectionWebhook(context, registry, { connector, tenantId, request })
  const pullsOf = async (name: keyof typeof connections) =>
    (await context.boss.findJobs(QUEUES.connectionPull, { data: { connectionId: connections[name]?.id } })).length
  const requested = async (name: keyof typeof connections) =>
    (
      await context.db
        .selectFrom('connections')
        .select('pull_requested_at')
        .where('id', '=', connections[name]?.id as string)
        .executeTakeFirstOrThrow()
    ).pull_requested_at
  const webhookAudit = (tenantId = 'acme') =>
    context.db
      .selectFrom('audit_log')
      .select('details')
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', 'connection.webhook')
      .orderBy('id')
      .execute()

  it('pulls the connections whose accounts the events name, among the tenant’s own only', async () => {
    const reply = await receive(
      call(
        {
          deliveryId: 'd-1',
          events: [{ account: 'ORG-B', refs: ['INV-7'] }, { account: 'ORG-X' }, { account: 'ORG-Z' }],
        },
        { key: 'app-key' },
      ),
    )
    expect(reply).toEqual({ status: 200, body: { received: true } })
    expect([await pullsOf('alpha'), await pullsOf('beta'), await pullsOf('gamma'), await pullsOf('stranger')]).toEqual([
      0, 1, 0, 0,
    ])
    expect(await requested('stranger')).toBeNull()
    const [entry] = await webhookAudit()
    expect(entry?.details).toEqual({
      connection: 'alpha',
      outcome: 'accepted',
      deliveryId: 'd-1',
      refs: ['INV-7'],
      pulls: 1,
      bytes: expect.any(Number),
    })
    expect(await webhookAudit('other')).toEqual([])
  })

  it('pulls the connection whose key verified the call when its events name no account', async () => {
    await receive(call({ deliveryId: 'd-2', events: [{ refs: ['INV-8'] }] }, { key: 'own-key' }))
    expect(await pullsOf('gamma')).toBe(1)
    expect(await pullsOf('alpha')).toBe(0)
  })

  it('acknowledges a replayed delivery and acts on nothing', async () => {
    const before = await requested('beta')
    const reply = await receive(call({ deliveryId: 'd-1', events: [{ account: 'ORG-B' }] }, { key: 'app-key' }))
    expect(reply).toEqual({ status: 200, body: { received: true } })
    expect(await requested('beta')).toEqual(before)
    expect((await webhookAudit()).at(-1)?.details).toMatchObject({ outcome: 'replayed', pulls: 0 })
  })

  it('takes an authentic delivery whose id and refs carry text PostgreSQL cannot store, instead of failing it', async () => {
    const reply = await receive(
      call(
        { deliveryId: 'd-\u0000-9', events: [{ account: 'ORG-B', refs: ['INV-\u0000', 'INV-\ud800'] }] },
        { key: 'app-key' },
      ),
    )
    expect(reply).toEqual({ status: 200, body: { received: true } })
    expect((await webhookAudit()).at(-1)?.details).toMatchObject({
      outcome: 'accepted',
      deliveryId: 'd-\ufffd-9',
      refs: ['INV-\ufffd', 'INV-\ufffd'],
    })
    // The same delivery again is a replay: the id was kept as stored, and compared so.
    const again = await receive(call({ deliveryId: 'd-\u0000-9', events: [{ account: 'ORG-B' }] }, { key: 'app-key' }))
    expect(again).toEqual({ status: 200, body: { received: true } })
    expect((await webhookAudit()).at(-1)?.details).toMatchObject({ outcome: 'replayed' })
  })

  it('answers a handshake before any check, and remembers nothing of it', async () => {
    const receipts = await context.db.selectFrom('webhook_receipts').select('delivery_id').execute()
    const reply = await receive(call({}, { headers: { 'x-hook-secret': 'challenge-1' } }))
    expect(reply).toEqual({ status: 200, body: { hookSecret: 'challenge-1' } })
    expect(await context.db.selectFrom('webhook_receipts').select('delivery_id').execute()).toEqual(receipts)
  })

  it('refuses a call no connection of the tenant verifies with 401, and acts on nothing', async () => {
    const audited = (await webhookAudit()).length
    expect(await receive(call({ deliveryId: 'd-9', events: [{ account: 'ORG-A' }] }, { key: 'forged' }))).toEqual({
      status: 401,
    })
    expect(await receive(call({ deliveryId: 'd-10', events: [] }))).toEqual({ status: 401 })
    expect(await pullsOf('alpha')).toBe(0)
    const refused = (await webhookAudit()).slice(audited)
    expect(refused.map((entry) => entry.details)).toEqual([
      { outcome: 'refused', bytes: expect.any(Number) },
      { outcome: 'refused', bytes: expect.any(Number) },
    ])
  })

  it('gives one answer for a connector that is not installed, takes no webhooks, or has no connection here', async () => {
    await connectTenant(context, registry, 'acme', { connector: 'no-hooks', secrets: {} })
    for (const [connector, tenantId] of [
      ['quickbooks', 'acme'],
      ['no-hooks', 'acme'],
      ['hooks', 'nobody'],
    ] as const) {
      await expect(
        receive(call({ deliveryId: 'd', events: [] }, { key: 'app-key' }), tenantId, connector),
      ).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: `no connector ${connector} receives webhooks here`,
      })
    }
  })
})
