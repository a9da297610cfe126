/**
 * A connection pointed at the fake, in the names BC and Entra use: the API base, the token endpoint, the Entra
 * tenant, the environment, and the companies (by id) the connection covers. The connector's own settings (a page
 * size, its tax table) come as overrides.
 *
 * @module
 */
import type { FakeBc } from './fake-bc.ts'

/**
 * Settings of a connection to the fake; `companies` is the first company unless overridden.
 *
 * @example
 * ```ts
 * const settings = connectionSettings(bc, { taxCodes: FAKE_TAX_CODES, pageSize: 5 })
 * const secrets = { clientId: bc.credentials.clientId, clientSecret: bc.credentials.clientSecret }
 * ```
 */
export function connectionSettings(fake: FakeBc, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiBase: fake.apiBase,
    tokenUrl: fake.tokenUrl,
    entraTenantId: fake.credentials.entraTenantId,
    environment: fake.credentials.environment,
    companies: fake.companies.slice(0, 1).map((company) => company.id),
    ...overrides,
  }
}
