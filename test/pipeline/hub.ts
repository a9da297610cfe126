/**
 * End-to-end support for the pipeline: a simulator, a fresh database (PGlite or PostgreSQL), a tenant pointed at
 * the simulator with a real KSeF token, and a worker; plus waiting for invoices to reach a state.
 *
 * @module
 */
import type { ConnectorDefinition } from '@ksef-hub/connector-sdk'
import { completeNip } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { startSimulator } from '@ksef-hub/ksef-simulator'
import {
  createTenant,
  type InvoiceState,
  putSecret,
  type RunningWorker,
  type SubmitRequest,
  startWorker,
  submitInvoice,
  type TenantSettings,
} from '@ksef-hub/pipeline'
import { type Backend, openTestContext, type TestContext } from '@ksef-hub/pipeline/testing'
import { issueToken, type Simulator } from '../ksef-client/simulator.ts'

/** A running hub against a simulator. */
export interface Hub {
  readonly sim: Simulator
  readonly context: TestContext
  readonly worker: RunningWorker
  readonly tenantId: string
  readonly nip: string
  /** Submits a typical invoice with a fresh number (or the given one). */
  submit(number?: string, extra?: Partial<SubmitRequest>): Promise<string>
  /** Waits until every given invoice is in one of the states. */
  waitFor(ids: readonly string[], states: readonly InvoiceState[], timeoutMs?: number): Promise<void>
  /** What the simulator received, by invoice number. */
  received(): Promise<Map<string, { timesReceived: number; ksefNumber: string | null; status: number }>>
  close(): Promise<void>
}

let counter = 0

/** A random valid NIP (a prefix whose check digit would be 10 has none, so draw again). */
function randomNip(): string {
  for (;;) {
    const nip = completeNip(String(100_000_000 + Math.floor(Math.random() * 800_000_000)))
    if (nip) return nip
  }
}

/**
 * Starts a hub on a backend.
 *
 * @example
 * ```ts
 * const hub = await startHub('pglite')
 * const id = await hub.submit()
 * await hub.waitFor([id], ['confirmed'])
 * ```
 */
export async function startHub(
  backend: Backend,
  options: {
    simulator?: Parameters<typeof startSimulator>[0]
    settings?: Partial<TenantSettings>
    connectors?: readonly ConnectorDefinition[]
    nip?: string
  } = {},
): Promise<Hub> {
  const nip = options.nip ?? randomNip()
  const sim = await startSimulator({ port: 0, processingDelayMs: 50, ...options.simulator })
  const context = await openTestContext(backend)
  const tenantId = `t-${nip}`
  await createTenant(context.db, {
    id: tenantId,
    name: 'E2E',
    nip,
    environment: 'test',
    ksefBaseUrl: sim.url,
    settings: { batchThreshold: 1000, ...options.settings },
  })
  await putSecret(context.db, context.keys, tenantId, 'ksef-token', await issueToken(sim, nip))
  const worker = await startWorker(context, {
    rateLimits: 'off',
    schedules: false,
    pollingIntervalSeconds: 0.5,
    ksefTimeoutMs: 5_000,
    breaker: { threshold: 3, cooldownMs: 1_000, maxCooldownMs: 2_000 },
    tuning: { reconcileGraceMs: 1_000, pollFirstMs: 200, pollMaxMs: 1_000, submitBatchSize: 500 },
    ...(options.connectors ? { connectors: options.connectors } : {}),
  })
  const run = `${process.pid}-${Date.now().toString(36)}`
  return {
    sim,
    context,
    worker,
    tenantId,
    nip,
    async submit(number, extra = {}) {
      counter += 1
      const invoice = typicalInvoice({
        sellerNip: nip,
        number: number ?? `FV/E2E/${run}/${counter}`,
        lines: 3,
        issueDate: '2026-11-02',
      })
      const outcome = await submitInvoice(context, { tenantId, invoice, ...extra })
      return outcome.id
    },
    async waitFor(ids, states, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const rows = await context.db
          .selectFrom('invoices')
          .select(['id', 'state'])
          .where('id', 'in', [...ids])
          .execute()
        if (rows.length === ids.length && rows.every((row) => states.includes(row.state as InvoiceState))) return
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${states.join('|')}: ${rows.map((row) => row.state).join(', ')}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    async received() {
      const response = await fetch(`${sim.adminUrl}/received`)
      const body = (await response.json()) as {
        invoices: {
          invoiceNumber: string
          timesReceived: number
          ksefNumber: string | null
          status: number | { code: number }
        }[]
      }
      return new Map(
        body.invoices.map((invoice) => [
          invoice.invoiceNumber,
          {
            timesReceived: invoice.timesReceived,
            ksefNumber: invoice.ksefNumber,
            status: typeof invoice.status === 'number' ? invoice.status : invoice.status.code,
          },
        ]),
      )
    },
    async close() {
      await worker.stop()
      await context.close()
      await sim.close()
    },
  }
}
