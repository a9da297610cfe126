/**
 * The HubSpot connector's conformance harness: the kit (`ksef-hub connector check plugins/hubspot`) starts the fake
 * HubSpot (`fake/`) as an OAuth app install whose refresh token rotates, seeded with three pages of mappable
 * invoices (PLN and EUR, several tax-rate groups, invoices changed at one instant) and corrections of some of them,
 * and what must not map: a company without a NIP, a line in a tax-rate group the table leaves out. Webhook calls are
 * HubSpot's v3-signed deliveries.
 *
 * @module
 */
import type { ConformanceFake, ConformanceHarness, ExpectedInvoice, FakeFailure } from '@ksef-hub/connector-sdk/testing'
import { Decimal } from 'decimal.js'
import { ASSOCIATION_TYPE_IDS } from './fake/facts.ts'
import {
  CORRECTION_REASON_PROPERTY,
  connectionSettings,
  FAKE_TAX_RATES,
  type FakeHubSpot,
  type FaultKind,
  startFakeHubSpot,
} from './fake/index.ts'
import hubspotConnector from './src/index.ts'

/** The tenant: the seller of every invoice of the fake portal. */
const TENANT = { id: 'conformance-tenant', nip: '5265877635', name: 'Konformancja Sp. z o.o.' }

/** The connection's tax table: every group of the portal's library but the one left out on purpose. */
export const FAKE_TAX_CODES = Object.fromEntries(
  FAKE_TAX_RATES.flatMap((rate) => {
    if (!rate.p12) return []
    const entry = rate.exemption
      ? { rate: rate.p12, exemption: { kind: 'polishLaw', basis: rate.exemption } }
      : rate.p12
    return [[rate.id, entry]]
  }),
)

/**
 * Settings of a connection to the fake, as the connector's own settings name the portal's setup.
 *
 * @example
 * ```ts
 * const settings = fakeSettings(fake, { auth: 'oauth' })
 * ```
 */
export function fakeSettings(fake: FakeHubSpot, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return connectionSettings(fake, {
    seller: { name: TENANT.name, address: { countryCode: 'PL', line1: 'ul. Prosta 1', line2: '00-001 Warszawa' } },
    taxCodes: FAKE_TAX_CODES,
    corrections: { originalProperty: fake.correctionProperty, reasonProperty: CORRECTION_REASON_PROPERTY },
    // The fake's invoices carry HubSpot's multi-currency rate (VERIFY that HubSpot keeps one).
    currency: { exchangeRateProperty: 'hs_exchange_rate' },
    // The fake serves no association labels: the type id its notes take (VERIFY HubSpot's).
    writeBack: { noteAssociationTypeId: ASSOCIATION_TYPE_IDS['notes:invoices'] },
    limits: { searchPerSecond: 50 },
    // The fake's search finds a change at once (no searchLagMs): nothing to wait for.
    pull: { pageSize: 5, settleSeconds: 0 },
    ...overrides,
  })
}

function faultOf(failure: FakeFailure): { kind: FaultKind; retryAfterSeconds?: number } {
  if ('hang' in failure) return { kind: 'hang' }
  if (failure.status === 429) {
    return failure.retryAfterSeconds === undefined
      ? { kind: '429-burst' }
      : { kind: '429-burst', retryAfterSeconds: failure.retryAfterSeconds }
  }
  return { kind: String(failure.status) as FaultKind }
}

/** What an invoice of the fake must become: its number, type, and amount due (HubSpot's billed amount). */
function expectedOf(fake: FakeHubSpot, id: string, type: 'VAT' | 'KOR'): ExpectedInvoice {
  const properties = fake.invoice(id)?.properties ?? {}
  const billed = properties.hs_amount_billed
  return {
    ...(properties.hs_number ? { number: properties.hs_number } : {}),
    type,
    ...(billed ? { totalDue: new Decimal(billed).toFixed(2) } : {}),
  }
}

async function seededFake(): Promise<ConformanceFake> {
  const fake = await startFakeHubSpot({ seed: 11, rotateRefreshTokens: true })
  const seeded = fake.seed({ invoices: 12, corrections: 2, withoutNip: 1, unmappedTaxRate: 1, drafts: 1, ties: true })
  const expected: Record<string, ExpectedInvoice> = {}
  for (const id of seeded.invoices) expected[id] = expectedOf(fake, id, 'VAT')
  for (const id of seeded.corrections) expected[id] = expectedOf(fake, id, 'KOR')
  const refreshToken = fake.oauth.issueRefreshToken()
  return {
    settings: fakeSettings(fake, { auth: 'oauth' }),
    secrets: { clientId: fake.clientId, clientSecret: fake.clientSecret, refreshToken },
    tenant: TENANT,
    mappable: [...seeded.invoices, ...seeded.corrections],
    expected,
    unmappable: [
      ...seeded.withoutNip.map((ref) => ({ ref, code: 'BUYER_NIP_MISSING' as const })),
      ...seeded.unmappedTaxRate.map((ref) => ({ ref, code: 'TAX_CODE_UNMAPPED' as const })),
    ],
    async writeBackEffects(ref, ksefNumber) {
      return fake
        .notesOf(ref)
        .filter((note) => note.body.includes(ksefNumber) && note.attachments.some((file) => file.bytes.length > 0))
        .length
    },
    async webhook(refs) {
      return fake.webhookRequest('https://hub.example/v1/connectors/hubspot/conformance-tenant/webhook', refs)
    },
    failNext(failure, count) {
      const { kind, retryAfterSeconds } = faultOf(failure)
      fake.failNext(kind, count, undefined, retryAfterSeconds !== undefined ? { retryAfterSeconds } : {})
    },
    expireAccessToken: () => fake.oauth.expireAccessTokens(),
    currentRefreshToken: () => fake.oauth.refreshTokens().at(-1) ?? refreshToken,
    close: () => fake.close(),
  }
}

const harness: ConformanceHarness = { connector: hubspotConnector, start: seededFake }

export default harness
