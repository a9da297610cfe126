/**
 * A connection pointed at the fake, in HubSpot's own names: the API origin, the portal, and the company property
 * holding the buyer's NIP. The connector's own settings (a page size, its tax table) come as overrides.
 *
 * @module
 */
import type { FakeHubSpot } from './fake-hubspot.ts'

/**
 * Settings of a connection to the fake.
 *
 * @example
 * ```ts
 * const settings = connectionSettings(fake, { pageSize: 5, taxRates: table })
 * const secrets = { accessToken: fake.privateAppToken, clientSecret: fake.clientSecret }
 * ```
 */
export function connectionSettings(
  fake: FakeHubSpot,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    baseUrl: fake.url,
    portalId: fake.portalId,
    nipProperty: fake.nipProperty,
    ...overrides,
  }
}
