/**
 * Test support: the connector's context as the hub builds it (the kit's `connectorTestContext`), settings of a
 * connection to a server on 127.0.0.1, and a small stand-in for BC's token endpoint.
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
import type { BcContext } from './bc-client.ts'
import businessCentral from './index.ts'

/** The tenant of the tests (NIP 5265877635 is valid). */
export const TENANT: TenantInfo = { id: 'tenant-1', nip: '5265877635', name: 'CRONUS Polska sp. z o.o.' }
/** The companies of the tests. */
export const COMPANY = 'f64eba74-dacd-4854-a584-1834f68cfc3a'
export const COMPANY_2 = '1b6e3f2a-0c4d-4e5f-8a9b-0c1d2e3f4a5b'

/** What a test context is made of. */
export interface TestContextOptions {
  readonly settings: unknown
  readonly secrets?: unknown
  readonly tenant?: TenantInfo
  /** Invoices the hub made of this connection's documents, by ref. */
  readonly sent?: Readonly<Record<string, SentInvoice>>
  readonly webhookUrl?: string
  readonly now?: () => Date
  readonly timeoutMs?: number
}

/**
 * A connector context for tests (the kit's, with one quick retry and a 2 s timeout).
 *
 * @example
 * ```ts
 * const { context } = testContext({ settings: settingsFor(server.url) })
 * await businessCentral.healthCheck?.(context)
 * ```
 */
export function testContext(options: TestContextOptions): ConnectorTestContext<BcContext> {
  return connectorTestContext<BcContext>(businessCentral, {
    ...options,
    tenant: options.tenant ?? TENANT,
    connection: { id: 'connection-1', name: 'bc' },
    secrets: options.secrets ?? { clientId: 'app-id', clientSecret: 'app-secret-value' },
    retries: 1,
    backoffMs: () => 1,
    timeoutMs: options.timeoutMs ?? 2_000,
  })
}

/**
 * Settings pointing the connector at a server on 127.0.0.1.
 *
 * @example
 * ```ts
 * const settings = settingsFor(server.url, { pull: { pageSize: 2 } })
 * ```
 */
export function settingsFor(origin: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    entraTenantId: 'contoso.onmicrosoft.com',
    environment: 'production',
    apiBase: `${origin}/v2.0/{entraTenantId}/{environment}/api/v2.0`,
    tokenUrl: `${origin}/{entraTenantId}/oauth2/v2.0/token`,
    companies: [COMPANY],
    taxCodes: { VAT23: '23', VAT8: '8', EXPORT: '0 EX' },
    ...extra,
  }
}

/** A BC stand-in: the API's handler behind a token endpoint that issues `token-<n>`. */
export interface StubBc {
  readonly server: FakeServer
  /** The API root of the stand-in (what `apiBase` resolves to). */
  readonly base: string
  /** API requests (not the token endpoint), in order. */
  readonly requests: FakeRequest[]
  /** Tokens issued so far. */
  tokens(): number
}

/**
 * Starts a BC stand-in on 127.0.0.1: `handle` answers API calls under the base path (the path after it given).
 *
 * @example
 * ```ts
 * const bc = await startStubBc((path) => (path === '/companies' ? { json: { value: [] } } : undefined))
 * ```
 */
export async function startStubBc(
  handle: (path: string, request: FakeRequest) => FakeResponse | undefined | Promise<FakeResponse | undefined>,
): Promise<StubBc> {
  const prefix = '/v2.0/contoso.onmicrosoft.com/production/api/v2.0'
  const requests: FakeRequest[] = []
  let issued = 0
  const isToken = (request: FakeRequest) => request.url.pathname.endsWith('/oauth2/v2.0/token')
  const server = await startFakeServer(
    async (request) => {
      if (isToken(request)) {
        issued++
        return { json: { token_type: 'Bearer', expires_in: 3599, access_token: `token-${issued}` } }
      }
      requests.push(request)
      if (request.headers.authorization !== `Bearer token-${issued}`) {
        return { status: 401, json: { error: { code: 'Authentication_InvalidCredentials', message: 'bad token' } } }
      }
      const path = request.url.pathname.startsWith(prefix) ? request.url.pathname.slice(prefix.length) : ''
      const answer = await handle(decodeURIComponent(path), request)
      return answer ?? { status: 404, json: { error: { code: 'BadRequest_NotFound', message: `no ${path}` } } }
    },
    { exempt: isToken },
  )
  return { server, base: `${server.url}${prefix}`, requests, tokens: () => issued }
}
