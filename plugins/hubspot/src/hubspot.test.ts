import { isConnectorError } from '@ksef-hub/connector-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hubspot } from './hubspot.ts'
import { searchRequest } from './search.ts'
import { type StubHubSpot, settingsFor, startStub, testContext } from './test-context.ts'

let stub: StubHubSpot
let policy = 'TEN_SECONDLY_ROLLING'

beforeAll(async () => {
  stub = await startStub((request) => {
    const path = request.url.pathname
    if (path === '/crm/v3/objects/invoices/search') {
      return {
        json: {
          total: 1,
          results: [
            {
              id: '7',
              properties: { hs_number: 'INV-7' },
              createdAt: '2026-11-20T10:00:00Z',
              updatedAt: '2026-11-20T10:00:00Z',
              archived: false,
            },
          ],
        },
      }
    }
    if (path === '/crm/v3/objects/invoices/limited') return undefined
    if (path.startsWith('/crm/v3/objects/invoices/429')) {
      return {
        status: 429,
        json: { status: 'error', message: 'You have reached your limit.', errorType: 'RATE_LIMIT', policyName: policy },
        headers: { 'x-hubspot-ratelimit-interval-milliseconds': '10000' },
      }
    }
    if (path === '/files/v3/files') {
      return {
        status: 201,
        json: {
          id: '555',
          access: 'PRIVATE',
          archived: false,
          createdAt: '2026-11-20T10:00:00Z',
          updatedAt: '2026-11-20T10:00:00Z',
        },
      }
    }
    return undefined
  })
})

afterAll(async () => {
  await stub.server.close()
})

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (error) {
    if (isConnectorError(error)) return error
    throw error
  }
  throw new Error('expected a ConnectorError')
}

describe('the SDK through the hub’s HTTP client', () => {
  it('sends a search as HubSpot takes it: sorting rules as objects, the cursor as epoch ms', async () => {
    const { context } = testContext({ settings: settingsFor(stub.server.url) })
    const answer = await hubspot(context, 'search invoices', (apis) =>
      apis.invoices.search.doSearch(searchRequest(context, 1764547200000, undefined)),
    )
    expect(answer.results[0]?.properties.hs_number).toBe('INV-7')
    const sent = stub.requests.at(-1)
    expect(sent?.headers.authorization).toBe('Bearer pat-eu1-0123456789abcdef')
    expect(sent?.json()).toMatchObject({
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '1764547200000' }] }],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
      limit: 100,
    })
  })

  it('classifies a 404 as not_found and a 429 by its policy (HubSpot sends no Retry-After)', async () => {
    const { context } = testContext({ settings: settingsFor(stub.server.url) })
    const missing = await failure(hubspot(context, 'read an invoice', (apis) => apis.invoices.basic.getById('99')))
    expect(missing.kind).toBe('not_found')
    expect(missing.message).toContain('HubSpot: read an invoice answered 404')
    const burst = await failure(hubspot(context, 'read', (apis) => apis.invoices.basic.getById('429')))
    expect([burst.kind, burst.retryAfterMs]).toEqual(['rate_limit', 10_000])
    policy = 'DAILY'
    const now = new Date('2026-11-20T22:30:00Z') // 23:30 in Warsaw: the day ends in 30 minutes
    const daily = await failure(
      hubspot({ ...context, now: () => now }, 'read', (apis) => apis.invoices.basic.getById('429b')),
    )
    expect([daily.kind, daily.retryAfterMs]).toEqual(['rate_limit', 30 * 60_000])
  })

  it('retries a 5xx of a read and reports transient after the retries, through the SDK untouched', async () => {
    const { context } = testContext({ settings: settingsFor(stub.server.url) })
    const before = stub.requests.length
    // The tests' client tries twice (retries: 1): both fail.
    stub.server.failNext({ status: 503 }, 2)
    const error = await failure(
      hubspot(context, 'search', (apis) => apis.invoices.search.doSearch(searchRequest(context, 0, undefined))),
    )
    expect(error.kind).toBe('transient')
    // A search is a read sent as POST: retried as one.
    expect(stub.server.calls.length - before).toBe(2)
  })

  it('uploads a file as multipart with its bytes and options', async () => {
    const { context } = testContext({ settings: settingsFor(stub.server.url) })
    const file = await hubspot(context, 'upload', (apis) =>
      apis.files.upload(
        { data: Buffer.from('<UPO/>'), name: 'UPO.xml' },
        undefined,
        '/ksef',
        'UPO.xml',
        undefined,
        '{"access":"PRIVATE"}',
      ),
    )
    expect(file.id).toBe('555')
    const sent = stub.requests.at(-1)
    expect(sent?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/)
    const body = sent?.body.toString('utf8') ?? ''
    expect(body).toContain('filename="UPO.xml"')
    expect(body).toContain('<UPO/>')
    expect(body).toContain('{"access":"PRIVATE"}')
  })

  it('renews an OAuth token on a 401 once, storing the rotated refresh token before using it', async () => {
    const { context, store } = testContext({
      settings: settingsFor(stub.server.url, { auth: 'oauth' }),
      secrets: { clientId: 'client', clientSecret: 'secret-value', refreshToken: 'refresh-0' },
    })
    await hubspot(context, 'search', (apis) => apis.invoices.search.doSearch(searchRequest(context, 0, undefined)))
    const stored = store.stored() as Record<string, string>
    expect(stored.accessToken).toBe(`access-${stub.tokenRequests.length}`)
    expect(stored.refreshToken).toBe(`refresh-${stub.tokenRequests.length}`)
    const form = new URLSearchParams(stub.tokenRequests.at(-1)?.body.toString('utf8'))
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-0',
      client_id: 'client',
      client_secret: 'secret-value',
    })
  })

  it('reports a refused private-app token as auth, with no token call', async () => {
    const { context } = testContext({ settings: settingsFor(stub.server.url), secrets: { privateAppToken: 'revoked' } })
    const before = stub.tokenRequests.length
    const error = await failure(
      hubspot(context, 'search', (apis) => apis.invoices.search.doSearch(searchRequest(context, 0, undefined))),
    )
    expect(error.kind).toBe('auth')
    expect(error.message).toContain('private app token')
    expect(stub.tokenRequests.length).toBe(before)
  })
})
