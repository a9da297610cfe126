/**
 * Test support: the connector's context as the hub builds it (the kit's `connectorTestContext`), settings of a
 * connection, and a small HubSpot stand-in on 127.0.0.1 for unit tests (the fake HubSpot in
 * `fake/` is for the integration tests).
 *
 * @module
 */
import type { SentInvoice, TenantInfo } from '@ksef-hub/connector-sdk'
import {
  type ConnectorTestContext,
  connectorTestContext,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  startFakeServer,
} from '@ksef-hub/connector-sdk/testing'
import type { HubSpotContext } from './hubspot.ts'
import hubspotConnector from './index.ts'

/** The tenant of the tests (NIP 5265877635 is valid). */
export const TENANT: TenantInfo = { id: 'tenant-1', nip: '5265877635', name: 'Acme Polska sp. z o.o.' }

/** The private app token of the stand-in. */
export const PRIVATE_TOKEN = 'pat-eu1-0123456789abcdef'

/** What a test context is made of. */
export interface TestContextOptions {
  readonly settings: unknown
  readonly secrets?: unknown
  /** Invoices the hub made of this connection's documents, by ref. */
  readonly sent?: Readonly<Record<string, SentInvoice>>
  readonly now?: () => Date
  readonly timeoutMs?: number
}

/**
 * A connector context for tests (the kit's, with one quick retry and a 2 s timeout).
 *
 * @example
 * ```ts
 * const { context } = testContext({ settings: settingsFor(stub.server.url) })
 * await hubspotConnector.healthCheck?.(context)
 * ```
 */
export function testContext(options: TestContextOptions): ConnectorTestContext<HubSpotContext> {
  return connectorTestContext<HubSpotContext>(hubspotConnector, {
    ...options,
    tenant: TENANT,
    connection: { id: 'connection-1', name: 'hubspot' },
    secrets: options.secrets ?? { privateAppToken: PRIVATE_TOKEN },
    retries: 1,
    backoffMs: () => 1,
    timeoutMs: options.timeoutMs ?? 2_000,
  })
}

/**
 * Settings of a connection to `origin` (tax groups 1 = 23 %, 2 = 8 %, "ZW" exempt).
 *
 * @example
 * ```ts
 * const settings = settingsFor(stub.server.url, { pull: { pageSize: 2 } })
 * ```
 */
export function settingsFor(origin: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    baseUrl: origin,
    portalId: '146512345',
    seller: { name: TENANT.name, address: { countryCode: 'PL', line1: 'ul. Prosta 1', line2: '00-001 Warszawa' } },
    taxCodes: {
      '1': '23',
      '2': '8',
      ZW: { rate: 'zw', exemption: { kind: 'polishLaw', basis: 'art. 43 ust. 1 pkt 37 ustawy o VAT' } },
    },
    writeBack: { noteAssociationTypeId: 1700 },
    limits: { searchPerSecond: 100 },
    pull: { settleSeconds: 0 },
    ...extra,
  }
}

/** A HubSpot stand-in: `handle` answers API calls; the token endpoint issues `access-<n>`, `refresh-<n>`. */
export interface StubHubSpot {
  readonly server: FakeServer
  /** API requests (not the token endpoint), in order. */
  readonly requests: FakeRequest[]
  /** Token requests, in order. */
  readonly tokenRequests: FakeRequest[]
}

/**
 * Starts a HubSpot stand-in on 127.0.0.1. API calls must carry the private token or the latest access token.
 *
 * @example
 * ```ts
 * const stub = await startStub((request) => (request.url.pathname === '/crm/v3/objects/invoices' ? { json: { results: [] } } : undefined))
 * ```
 */
export async function startStub(
  handle: (request: FakeRequest) => FakeResponse | undefined | Promise<FakeResponse | undefined>,
): Promise<StubHubSpot> {
  const requests: FakeRequest[] = []
  const tokenRequests: FakeRequest[] = []
  const isToken = (request: FakeRequest) => request.url.pathname === '/oauth/v1/token'
  const server = await startFakeServer(
    async (request) => {
      if (isToken(request)) {
        tokenRequests.push(request)
        const n = tokenRequests.length
        return {
          json: { access_token: `access-${n}`, refresh_token: `refresh-${n}`, expires_in: 1800, token_type: 'bearer' },
        }
      }
      requests.push(request)
      const auth = request.headers.authorization
      const latest = `Bearer access-${tokenRequests.length}`
      if (auth !== `Bearer ${PRIVATE_TOKEN}` && auth !== latest) {
        return { status: 401, json: { status: 'error', message: 'expired', category: 'EXPIRED_AUTHENTICATION' } }
      }
      const answer = await handle(request)
      return (
        answer ?? {
          status: 404,
          json: { status: 'error', message: 'resource not found', category: 'OBJECT_NOT_FOUND' },
        }
      )
    },
    { exempt: isToken },
  )
  return { server, requests, tokenRequests }
}
