/**
 * Test support: the custom connector's context as the hub builds it (the kit's `connectorTestContext`), settings
 * pointing at the fake source, and what the hub knows of invoices it sent.
 *
 * @module
 */
import type { SentInvoice, TenantInfo } from '@ksef-hub/connector-sdk'
import { type ConnectorTestContext, connectorTestContext, ksefNumberFor } from '@ksef-hub/connector-sdk/testing'
import { warsawDay } from '@ksef-hub/fa3'
import { connectorSettings, type FakeDocument, type FakeErp } from '../fake/index.ts'
import custom from './index.ts'
import type { CustomContext } from './source.ts'

/** What a test context is made of. */
export interface TestContextOptions {
  readonly settings: unknown
  readonly secrets: unknown
  readonly tenant: TenantInfo
  /** Invoices the hub has made of this connection's documents, by source ref. */
  readonly sent?: ReadonlyMap<string, SentInvoice>
  readonly now?: () => Date
  /** Time for one HTTP exchange (tests of hangs set it short). */
  readonly timeoutMs?: number
  /** The fetch under the SDK's client (to record or lose answers). */
  readonly fetch?: typeof fetch
}

/**
 * A connector context for tests (the kit's).
 *
 * @example
 * ```ts
 * const { context } = testContext({ settings: fakeSettings(erp), secrets: { apiKey: erp.apiKey }, tenant })
 * const page = await custom.pull?.page(context, undefined)
 * ```
 */
export function testContext(options: TestContextOptions): ConnectorTestContext<CustomContext> {
  return connectorTestContext<CustomContext>(custom, { ...options, connection: { id: 'connection-1', name: 'erp' } })
}

/**
 * Settings that point the connector at a fake source (its default expressions read the fake's shape).
 *
 * @example
 * ```ts
 * const settings = fakeSettings(erp, { pull: { pageSize: 5 } })
 * ```
 */
export function fakeSettings(erp: FakeErp, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return connectorSettings(erp.url, extra)
}

/**
 * What the hub knows once it has sent `documents` and KSeF has confirmed them: a correction of one of them can
 * name its KSeF number.
 *
 * @example
 * ```ts
 * const sent = confirmedInvoices(tenant.nip, [erp.document('inv-000001')!])
 * const { context } = testContext({ settings, secrets, tenant, sent })
 * ```
 */
export function confirmedInvoices(tenantNip: string, documents: readonly FakeDocument[]): Map<string, SentInvoice> {
  return new Map(
    documents.map((document) => [
      document.id,
      {
        invoiceId: `hub-${document.id}`,
        number: document.number,
        issueDate: document.issueDate,
        state: 'confirmed',
        ksefNumber: ksefNumberFor(tenantNip, warsawDay(new Date()), document.id),
      },
    ]),
  )
}
