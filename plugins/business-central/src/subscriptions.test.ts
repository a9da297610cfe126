import { afterEach, describe, expect, it } from 'vitest'
import { streamsOf } from './cursor.ts'
import { maintainSubscriptions, subscriptionResource } from './subscriptions.ts'
import { COMPANY, type StubBc, settingsFor, startStubBc, testContext } from './test-context.ts'

type Subscription = {
  subscriptionId: string
  notificationUrl: string
  resource: string
  clientState: string
  expirationDateTime: string
  '@odata.etag': string
}

const DAY = 24 * 3600_000
const NOW = new Date('2026-11-20T10:00:00Z')
const HOOK = 'https://hub.example/v1/connectors/business-central/tenant-1/webhook'
const SECRETS = { clientId: 'id', clientSecret: 'secret', clientState: 'cs-0123456789abcdef0123456789abcdef' }

/** BC's /subscriptions: created for three days, renewed by PATCH with If-Match. */
function subscriptionsBc(store: Subscription[], calls: string[]) {
  return (path: string, request: { method: string; headers: Readonly<Record<string, string>>; json<T>(): T }) => {
    calls.push(`${request.method} ${path}`)
    if (path === '/subscriptions' && request.method === 'GET') return { json: { value: store } }
    if (path === '/subscriptions' && request.method === 'POST') {
      const body = request.json<Omit<Subscription, 'subscriptionId' | 'expirationDateTime' | '@odata.etag'>>()
      const created = {
        ...body,
        subscriptionId: `sub-${store.length + 1}`,
        expirationDateTime: new Date(NOW.getTime() + 3 * DAY).toISOString(),
        '@odata.etag': 'W/"1"',
      }
      store.push(created)
      return { status: 201, json: created }
    }
    const renew = /^\/subscriptions\('([^']+)'\)$/.exec(path)
    if (renew && request.method === 'PATCH') {
      const found = store.find((item) => item.subscriptionId === renew[1])
      if (!found) return { status: 404, json: { error: { code: 'BadRequest_NotFound', message: 'gone' } } }
      if (request.headers['if-match'] !== found['@odata.etag'])
        return { status: 412, json: { error: { code: 'Request_EntityChanged', message: 'etag' } } }
      Object.assign(found, request.json<object>(), {
        expirationDateTime: new Date(NOW.getTime() + 3 * DAY).toISOString(),
      })
      return { json: found }
    }
    return undefined
  }
}

let bc: StubBc | undefined
afterEach(async () => {
  await bc?.server.close()
  bc = undefined
})

const streams = streamsOf([COMPANY], ['salesInvoices', 'salesCreditMemos'])

describe('webhook subscriptions', () => {
  it('are made per company and kind when the hub has a public URL, with the clientState', async () => {
    const store: Subscription[] = []
    const calls: string[] = []
    bc = await startStubBc(subscriptionsBc(store, calls))
    const { context } = testContext({
      settings: settingsFor(bc.server.url),
      secrets: SECRETS,
      webhookUrl: HOOK,
      now: () => NOW,
    })
    const kept = await maintainSubscriptions(context, streams, {})
    expect(store.map((item) => [item.resource, item.notificationUrl, item.clientState])).toEqual([
      [`/api/v2.0/companies(${COMPANY})/salesInvoices`, HOOK, SECRETS.clientState],
      [`/api/v2.0/companies(${COMPANY})/salesCreditMemos`, HOOK, SECRETS.clientState],
    ])
    expect(kept[`${COMPANY}/salesInvoices`]).toEqual({
      id: 'sub-1',
      expiresAt: store[0]?.expirationDateTime,
      notificationUrl: HOOK,
    })
    // A pull soon after changes nothing: one listing, no writes.
    calls.length = 0
    await maintainSubscriptions(context, streams, kept)
    expect(calls).toEqual(['GET /subscriptions'])
  })

  it('are renewed a day before they expire, and made again when BC deleted them', async () => {
    const store: Subscription[] = []
    const calls: string[] = []
    bc = await startStubBc(subscriptionsBc(store, calls))
    const settings = settingsFor(bc.server.url)
    const first = await maintainSubscriptions(
      testContext({ settings, secrets: SECRETS, webhookUrl: HOOK, now: () => NOW }).context,
      streams,
      {},
    )
    store.splice(1, 1) // BC deleted the credit memos' subscription (its notifications failed)
    calls.length = 0
    const later = new Date(NOW.getTime() + 2.5 * DAY)
    const { context } = testContext({ settings, secrets: SECRETS, webhookUrl: HOOK, now: () => later })
    const kept = await maintainSubscriptions(context, streams, first)
    expect(calls).toEqual(['GET /subscriptions', "PATCH /subscriptions('sub-1')", 'POST /subscriptions'])
    expect(Object.keys(kept)).toEqual([`${COMPANY}/salesInvoices`, `${COMPANY}/salesCreditMemos`])
  })

  it('are renewed with the new clientState when the secret was rotated', async () => {
    const store: Subscription[] = []
    const calls: string[] = []
    bc = await startStubBc(subscriptionsBc(store, calls))
    const settings = settingsFor(bc.server.url)
    const context = (secrets: typeof SECRETS) =>
      testContext({ settings, secrets, webhookUrl: HOOK, now: () => NOW }).context
    const kept = await maintainSubscriptions(context(SECRETS), streams, {})
    calls.length = 0
    const rotated = { ...SECRETS, clientState: 'cs-fedcba9876543210fedcba9876543210' }
    await maintainSubscriptions(context(rotated), streams, kept)
    expect(calls.filter((call) => call.startsWith('PATCH'))).toHaveLength(2)
    expect(store.map((item) => item.clientState)).toEqual([rotated.clientState, rotated.clientState])
  })

  it('are not made without a public URL or a clientState, and a failure does not stop the pull', async () => {
    const calls: string[] = []
    bc = await startStubBc(subscriptionsBc([], calls))
    const settings = settingsFor(bc.server.url)
    expect(await maintainSubscriptions(testContext({ settings, secrets: SECRETS }).context, streams, {})).toEqual({})
    const noState = testContext({ settings, webhookUrl: HOOK })
    expect(await maintainSubscriptions(noState.context, streams, {})).toEqual({})
    expect(noState.logs.join('\n')).toContain('secrets.clientState is not set')
    expect(calls).toEqual([])
    bc.server.failNext({ status: 503 }, 10)
    const failing = testContext({ settings, secrets: SECRETS, webhookUrl: HOOK })
    expect(await maintainSubscriptions(failing.context, streams, {})).toEqual({})
    expect(failing.logs.join('\n')).not.toContain(SECRETS.clientState)
  })

  it('name the entity set from the API root, as BC docs write it', () => {
    expect(subscriptionResource({ companyId: COMPANY, kind: 'salesInvoices' })).toBe(
      `/api/v2.0/companies(${COMPANY})/salesInvoices`,
    )
  })
})
