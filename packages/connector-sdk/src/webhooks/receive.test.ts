import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { WebhookContext } from '../contract/context.ts'
import { type AnyConnector, defineConnector, SDK_VERSION, type WebhookCapability } from '../contract/definition.ts'
import type { WebhookRequest } from '../contract/webhooks.ts'
import { type ReplayGuard, receiveWebhook } from './receive.ts'
import { hmacSha256, safeEqual } from './signatures.ts'
import { webhookVectors } from './vectors.ts'

const context: WebhookContext<unknown, unknown> = {
  tenant: { id: 't1', nip: '5265877635', name: 'Tenant' },
  connection: { id: 'c1', name: 'erp' },
  settings: {},
  secrets: { webhookKey: 'k' },
  logger: { debug() {}, info() {}, warn() {}, error() {} },
  now: () => new Date('2026-11-20T10:00:00Z'),
}

const request = (body = '{"id":"d-1"}', headers: Record<string, string> = {}): WebhookRequest => ({
  method: 'POST',
  url: 'https://hub.example/webhooks/c1',
  headers,
  rawBody: new TextEncoder().encode(body),
})

const connectorWith = (webhooks?: WebhookCapability<unknown, unknown>): AnyConnector =>
  defineConnector({
    id: 'acme-erp',
    displayName: 'Acme ERP',
    version: '1.0.0',
    sdkVersion: SDK_VERSION,
    settings: z.object({}),
    secrets: z.object({ webhookKey: z.string() }),
    hosts: () => ['https://api.acme.example'],
    ...(webhooks ? { webhooks } : {}),
  }) as AnyConnector

/** A capability that logs each step and behaves as told. */
function traced(log: string[], behave: { handshake?: boolean; verify?: boolean | 'throw'; parse?: 'throw' } = {}) {
  const webhooks: WebhookCapability<unknown, unknown> = {
    handshake: (call) => {
      log.push('handshake')
      return behave.handshake ? { status: 200, body: call.headers['validation-token'] ?? '' } : undefined
    },
    verify: () => {
      log.push('verify')
      if (behave.verify === 'throw') throw new Error('bad header')
      return behave.verify === false ? { ok: false, reason: 'signature' } : { ok: true }
    },
    parse: (call) => {
      log.push('parse')
      if (behave.parse) throw new SyntaxError('Unexpected token')
      const { id } = JSON.parse(new TextDecoder().decode(call.rawBody)) as { id: string }
      return { deliveryId: id, events: [{ refs: ['INV-1'] }] }
    },
  }
  return webhooks
}

/** A guard that logs and remembers. */
function guard(log: string[], fails?: Error): ReplayGuard {
  const seen = new Set<string>()
  return {
    async firstSight(id) {
      log.push(`guard ${id}`)
      if (fails) throw fails
      if (seen.has(id)) return false
      seen.add(id)
      return true
    },
  }
}

describe('receiveWebhook', () => {
  it('refuses a call for a connector without webhooks', async () => {
    const reception = await receiveWebhook(connectorWith(), request(), context, guard([]))
    expect(reception).toEqual({ kind: 'refused', reason: 'acme-erp receives no webhooks' })
  })

  it('answers a handshake first, and does nothing else', async () => {
    const log: string[] = []
    const connector = connectorWith(traced(log, { handshake: true }))
    const reception = await receiveWebhook(connector, request('', { 'validation-token': 'tok' }), context, guard(log))
    expect(reception).toEqual({ kind: 'handshake', answer: { status: 200, body: 'tok' } })
    expect(log).toEqual(['handshake'])
  })

  it('accepts an authentic new call, once: a replay is acknowledged and not acted on', async () => {
    const log: string[] = []
    const connector = connectorWith(traced(log))
    const replays = guard(log)
    const first = await receiveWebhook(connector, request(), context, replays)
    expect(first).toEqual({
      kind: 'accepted',
      parsed: { deliveryId: 'd-1', events: [{ refs: ['INV-1'] }] },
      answer: { status: 200, body: { received: true } },
    })
    const again = await receiveWebhook(connector, request(), context, replays)
    expect(again).toEqual({ kind: 'replayed', answer: { status: 200, body: { received: true } } })
    expect(log).toEqual(['handshake', 'verify', 'parse', 'guard d-1', 'handshake', 'verify', 'parse', 'guard d-1'])
  })

  it('refuses a call that fails verification, without parsing it or recording its id', async () => {
    const log: string[] = []
    const reception = await receiveWebhook(
      connectorWith(traced(log, { verify: false })),
      request(),
      context,
      guard(log),
    )
    expect(reception).toEqual({ kind: 'refused', reason: 'signature' })
    expect(log).toEqual(['handshake', 'verify'])
  })

  it('refuses, and does not fail, when verify or parse throws on a hostile body', async () => {
    for (const behave of [{ verify: 'throw' as const }, { parse: 'throw' as const }]) {
      const log: string[] = []
      const reception = await receiveWebhook(connectorWith(traced(log, behave)), request('{'), context, guard(log))
      expect(reception.kind).toBe('refused')
      expect(reception.kind === 'refused' && reception.reason).toMatch(/^unreadable: /)
      expect(log.some((step) => step.startsWith('guard'))).toBe(false)
    }
  })

  it("lets the guard's own failure propagate: the hub's fault, not a refusal of the caller", async () => {
    const down = new Error('replay store unavailable')
    const connector = connectorWith(traced([]))
    await expect(receiveWebhook(connector, request(), context, guard([], down))).rejects.toBe(down)
  })

  it("answers with the connector's answer when it gives one", async () => {
    const webhooks = traced([])
    const connector = connectorWith({
      ...webhooks,
      parse: (call, ctx) => ({ ...webhooks.parse(call, ctx), answer: { status: 202 } }),
    })
    const reception = await receiveWebhook(connector, request(), context, guard([]))
    expect(reception).toMatchObject({ kind: 'accepted', answer: { status: 202 } })
  })
})

describe('a signature check on the Xero samples', () => {
  const [delivery, probe] = webhookVectors().filter((vector) => vector.system === 'xero')
  const xero = connectorWith({
    verify: (call, ctx) => {
      const expected = hmacSha256((ctx.secrets as { webhookKey: string }).webhookKey, call.rawBody).toString('base64')
      return safeEqual(call.headers['x-xero-signature'] ?? '', expected) ? { ok: true } : { ok: false, reason: 'sig' }
    },
    parse: (call) => ({ deliveryId: hmacSha256('id', call.rawBody).toString('hex'), events: [] }),
  })
  const signed = (body: string, signature: string) => request(body, { 'x-xero-signature': signature })
  const withKey = (key: string | undefined) => ({ ...context, secrets: { webhookKey: key } })

  it('accepts the signed delivery and the good probe, refuses the bad probe and a tampered body', async () => {
    if (!delivery || !probe) throw new Error('the Xero samples are missing')
    const key = withKey(delivery.key)
    const replays = guard([])
    expect((await receiveWebhook(xero, signed(delivery.body, delivery.signature ?? ''), key, replays)).kind).toBe(
      'accepted',
    )
    expect((await receiveWebhook(xero, signed(probe.body, probe.signature ?? ''), key, replays)).kind).toBe('accepted')
    expect((await receiveWebhook(xero, signed(probe.body, probe.badSignature ?? ''), key, replays)).kind).toBe(
      'refused',
    )
    const tampered = delivery.body.replace('"INVOICE"', '"CONTACT"')
    expect(tampered).not.toBe(delivery.body)
    expect((await receiveWebhook(xero, signed(tampered, delivery.signature ?? ''), key, replays)).kind).toBe('refused')
  })
})
