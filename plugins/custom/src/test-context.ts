/**
 * Test support: the custom connector's context as the hub builds it (the SDK's `createConnectorContext`), with
 * the secrets in memory, a hub that knows the invoices a test says it sent, and a logger that keeps its lines.
 *
 * @module
 */
import {
  type ConnectorLogger,
  type CredentialStore,
  createConnectorContext,
  type HubLookup,
  type SentInvoice,
  type TenantInfo,
} from '@ksef-hub/connector-sdk'
import { ksefNumberFor } from '@ksef-hub/connector-sdk/testing'
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

/** A context and what it recorded. */
export interface TestContext {
  readonly context: CustomContext
  /** Every line logged, as JSON. */
  readonly logs: string[]
}

function memoryStore(initial: unknown): CredentialStore<unknown> {
  let secrets = initial
  return {
    read: async () => secrets,
    async renewLocked(renew) {
      const renewed = await renew(secrets)
      if (renewed !== undefined) secrets = renewed
      return secrets
    },
  }
}

function memoryHub(sent: ReadonlyMap<string, SentInvoice>): HubLookup {
  return { invoiceOf: async (ref) => sent.get(ref) }
}

function recordingLogger(lines: string[]): ConnectorLogger {
  const log = (level: string) => (object: Record<string, unknown>, message?: string) => {
    lines.push(JSON.stringify({ level, ...object, msg: message }))
  }
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}

/**
 * A connector context for tests.
 *
 * @example
 * ```ts
 * const { context } = testContext({ settings: fakeSettings(erp), secrets: { apiKey: erp.apiKey }, tenant })
 * const page = await custom.pull?.page(context, undefined)
 * ```
 */
export function testContext(options: TestContextOptions): TestContext {
  const logs: string[] = []
  const context = createConnectorContext(custom, {
    tenant: options.tenant,
    connection: { id: 'connection-1', name: 'erp' },
    settings: options.settings,
    store: memoryStore(options.secrets),
    logger: recordingLogger(logs),
    signal: new AbortController().signal,
    now: options.now ?? (() => new Date()),
    hub: memoryHub(options.sent ?? new Map()),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  }) as CustomContext
  return { context, logs }
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
