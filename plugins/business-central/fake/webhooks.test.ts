import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BC_CONTRACT, contractClient } from './contract-check.ts'
import { type FakeBc, startFakeBc } from './index.ts'

type Entity = Record<string, unknown>

/** A subscriber: echoes validation tokens (or not), answers notifications with the statuses it is given. */
interface Receiver {
  readonly url: string
  readonly calls: { method: string; url: string; body: string }[]
  /** How it answers a validation request. */
  handshake: 'echo' | 'wrong' | 404
  /** Statuses for the next notification POSTs (then 200). */
  readonly statuses: number[]
}

let bc: FakeBc
let api: ReturnType<typeof contractClient>
let companyId: string
let receiver: Receiver
let server: Server

beforeEach(async () => {
  bc = await startFakeBc({ companies: 1, notifications: { automatic: false, collectionThreshold: 3 } })
  api = contractClient(bc)
  companyId = bc.companies[0]!.id
  const calls: Receiver['calls'] = []
  const statuses: number[] = []
  server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      calls.push({ method: request.method ?? '', url: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') })
      const token = new URL(request.url ?? '/', 'http://x').searchParams.get('validationToken')
      if (token !== null) {
        if (receiver.handshake === 404) return response.writeHead(404).end()
        return response
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(receiver.handshake === 'echo' ? token : 'ok')
      }
      response.writeHead(statuses.shift() ?? 200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/bc?connection=c1`
  receiver = { url, calls, handshake: 'echo', statuses }
})
afterEach(async () => {
  await bc.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const resource = () => `/api/v2.0/companies(${companyId})/salesInvoices`

async function subscribe(clientState = 'a-secret-of-the-connection') {
  const created = await api.call('POST', '/subscriptions', {
    json: { notificationUrl: receiver.url, resource: resource(), clientState },
  })
  expect(created.problems).toEqual([])
  return created
}

describe('subscriptions', () => {
  it('are created after the subscriber echoes the validation token of a POST to its URL', async () => {
    const created = await subscribe()
    expect(created.status).toBe(201)
    const subscription = created.body as Entity
    expect(subscription).toMatchObject({
      notificationUrl: receiver.url,
      resource: resource(),
      clientState: 'a-secret-of-the-connection',
    })
    expect(String(subscription.subscriptionId)).toMatch(/^[0-9a-f]{32}$/)
    const lifetime = Date.parse(String(subscription.expirationDateTime)) - bc.clock.now().getTime()
    expect(Math.abs(lifetime - 3 * 24 * 3600 * 1000)).toBeLessThan(5000)
    const [validation] = receiver.calls
    expect(validation?.method).toBe('POST')
    expect(validation?.url).toMatch(/^\/webhooks\/bc\?connection=c1&validationToken=[0-9a-f]{32}$/)
    expect(validation?.body).toBe('')
    const listed = await api.call('GET', '/subscriptions')
    expect([listed.problems, (listed.body as { value: Entity[] }).value.map((item) => item.subscriptionId)]).toEqual([
      [],
      [subscription.subscriptionId],
    ])
  })

  it('are refused when the subscriber answers anything but its token with 200', async () => {
    for (const handshake of ['wrong', 404] as const) {
      receiver.handshake = handshake
      const refused = await api.call('POST', '/subscriptions', {
        json: { notificationUrl: receiver.url, resource: resource() },
      })
      expect([refused.status, refused.problems]).toEqual([400, []])
    }
    const unsupported = await api.call('POST', '/subscriptions', {
      json: { notificationUrl: receiver.url, resource: `/api/v2.0/companies(${companyId})/items` },
    })
    expect(unsupported.status).toBe(400)
    expect(bc.subscriptions()).toEqual([])
  })

  it('renew by PATCH with If-Match, with the handshake again; a failed one leaves the subscription as it was', async () => {
    const subscription = (await subscribe()).body as Entity
    const path = `/subscriptions('${String(subscription.subscriptionId)}')`
    bc.clock.advance(2 * 24 * 3600 * 1000)
    api.forget() // the token expired meanwhile
    const none = await api.call('PATCH', path, { json: {} })
    expect(none.status).toBe(400)
    receiver.handshake = 'wrong'
    const failed = await api.call('PATCH', path, {
      json: {},
      headers: { 'if-match': String(subscription['@odata.etag']) },
    })
    expect(failed.status).toBe(400)
    receiver.handshake = 'echo'
    const renewed = await api.call('PATCH', path, {
      json: {},
      headers: { 'if-match': String(subscription['@odata.etag']) },
    })
    expect([renewed.status, renewed.problems]).toEqual([200, []])
    const body = renewed.body as Entity
    expect(Date.parse(String(body.expirationDateTime))).toBeGreaterThan(
      Date.parse(String(subscription.expirationDateTime)),
    )
    expect(body['@odata.etag']).not.toBe(subscription['@odata.etag'])
    expect(bc.subscriptions()[0]?.handshakes).toBe(2)
    const stale = await api.call('PATCH', path, {
      json: {},
      headers: { 'if-match': String(subscription['@odata.etag']) },
    })
    expect(stale.status).toBe(409)
  })

  it('expire three days after the last renewal, and can be deleted', async () => {
    const first = (await subscribe('one')).body as Entity
    const second = (await subscribe('two')).body as Entity
    expect((await api.call('DELETE', `/subscriptions('${String(second.subscriptionId)}')`)).status).toBe(204)
    bc.clock.advance(3 * 24 * 3600 * 1000 + 1000)
    api.forget()
    const gone = await api.call('GET', `/subscriptions('${String(first.subscriptionId)}')`)
    expect([gone.status, gone.problems]).toEqual([404, []])
    expect(bc.subscriptions()).toEqual([])
  })
})

describe('notifications', () => {
  it('say which invoice was created or changed, with the clientState, once per invoice', async () => {
    const subscription = (await subscribe()).body as Entity
    const created = bc.postInvoice(companyId)
    const [older] = bc.seed(companyId, { invoices: 1 }).invoices
    bc.touch(companyId, older!)
    bc.touch(companyId, older!)
    const [delivery] = await bc.flushNotifications()
    expect(delivery?.outcome).toBe('delivered')
    const posted = receiver.calls.at(-1)!
    const body = JSON.parse(posted.body) as { value: Entity[] }
    expect(BC_CONTRACT.schemaProblems('webhookNotification', body)).toEqual([])
    expect(body.value).toEqual([
      {
        subscriptionId: subscription.subscriptionId,
        clientState: 'a-secret-of-the-connection',
        expirationDateTime: subscription.expirationDateTime,
        resource: `api/v2.0/companies(${companyId})/salesInvoices(${created})`,
        changeType: 'created',
        lastModifiedDateTime: bc.document(companyId, created)?.lastModifiedDateTime,
      },
      expect.objectContaining({
        resource: `api/v2.0/companies(${companyId})/salesInvoices(${older})`,
        changeType: 'updated',
      }),
    ])
    expect(await bc.flushNotifications()).toEqual([])
  })

  it('become one collection item past the threshold of changes', async () => {
    await subscribe()
    for (const id of bc.seed(companyId, { invoices: 4 }).invoices) bc.touch(companyId, id)
    await bc.flushNotifications()
    const body = JSON.parse(receiver.calls.at(-1)!.body) as { value: Entity[] }
    expect(BC_CONTRACT.schemaProblems('webhookNotification', body)).toEqual([])
    expect(body.value).toHaveLength(1)
    expect(body.value[0]).toMatchObject({ changeType: 'collection' })
    expect(String(body.value[0]?.resource)).toMatch(
      new RegExp(
        `^/api/v2\\.0/companies\\(${companyId}\\)/salesInvoices\\?\\$filter=lastModifiedDateTime%20gt%20\\d{4}-`,
      ),
    )
  })

  it('are tried again after 408, 429 and 5xx, and delete the subscription after another refusal', async () => {
    await subscribe()
    receiver.statuses.push(503, 429)
    bc.postInvoice(companyId)
    expect((await bc.flushNotifications()).map((delivery) => [delivery.status, delivery.outcome])).toEqual([
      [503, 'retry'],
    ])
    expect((await bc.flushNotifications()).map((delivery) => [delivery.status, delivery.outcome])).toEqual([
      [429, 'retry'],
    ])
    expect(
      (await bc.flushNotifications()).map((delivery) => [delivery.status, delivery.attempt, delivery.outcome]),
    ).toEqual([[200, 3, 'delivered']])
    receiver.statuses.push(410)
    bc.postInvoice(companyId)
    expect((await bc.flushNotifications()).map((delivery) => delivery.outcome)).toEqual(['subscription-deleted'])
    expect(bc.subscriptions()).toEqual([])
  })

  it('give up after 36 hours of failures', async () => {
    await subscribe()
    receiver.statuses.push(500, 500)
    bc.postInvoice(companyId)
    await bc.flushNotifications()
    bc.clock.advance(36 * 3600 * 1000)
    expect((await bc.flushNotifications()).map((delivery) => delivery.outcome)).toEqual(['gave-up'])
    expect(await bc.flushNotifications()).toEqual([])
  })

  it('come for a purchase invoice when one of its lines changes, and on their own when automatic', async () => {
    const subscription = await api.call('POST', '/subscriptions', {
      json: { notificationUrl: receiver.url, resource: `/api/v2.0/companies(${companyId})/purchaseInvoices` },
    })
    expect(subscription.status).toBe(201)
    const vendors = (await api.call('GET', `/companies(${companyId})/vendors`)).body as { value: Entity[] }
    const invoice = await api.call('POST', `/companies(${companyId})/purchaseInvoices`, {
      json: { vendorId: vendors.value[0]?.id },
    })
    const id = String((invoice.body as Entity).id)
    await bc.flushNotifications()
    bc.automaticNotifications(true)
    const delivered = bc.deliveries().length
    await api.call('POST', `/companies(${companyId})/purchaseInvoices(${id})/purchaseInvoiceLines`, {
      json: { lineType: 'Account', lineObjectNumber: '402-100', quantity: 1, unitCost: 10 },
    })
    expect(bc.deliveries()).toHaveLength(delivered)
    await bc.flushNotifications()
    const body = JSON.parse(receiver.calls.at(-1)!.body) as { value: Entity[] }
    expect(body.value).toEqual([
      expect.objectContaining({
        changeType: 'updated',
        resource: `api/v2.0/companies(${companyId})/purchaseInvoices(${id})`,
      }),
    ])
  })
})

describe('automatic delivery', () => {
  it('sends after the delay without a flush', async () => {
    await bc.close()
    bc = await startFakeBc({ companies: 1, notifications: { delayMs: 50 } })
    api = contractClient(bc)
    companyId = bc.companies[0]!.id
    await subscribe()
    bc.postInvoice(companyId)
    for (let wait = 0; wait < 40 && bc.deliveries().length === 0; wait += 1)
      await new Promise((resolve) => setTimeout(resolve, 25))
    expect(bc.deliveries().map((delivery) => delivery.outcome)).toEqual(['delivered'])
  })
})
