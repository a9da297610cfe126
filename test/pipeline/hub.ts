/**
 * End-to-end support for the pipeline: a simulator, a fresh database (PGlite or PostgreSQL), a tenant pointed at
 * the simulator with a real KSeF token, and a worker; plus waiting for invoices to reach a state.
 *
 * @module
 */
import type { AnyConnector } from '@ksef-hub/connector-sdk'
import { randomNip, typicalInvoice } from '@ksef-hub/fa3/testing'
import { startSimulator } from '@ksef-hub/ksef-simulator'
import {
  type ConnectionInput,
  connectorRegistry,
  createTenant,
  EMBEDDED_RATE_LIMIT_MARGIN_MS,
  type InvoiceState,
  putSecret,
  QUEUES,
  type QueueName,
  type RunningWorker,
  type SubmitRequest,
  saveConnection,
  startWorker,
  submitInvoice,
  submitInvoicesBulk,
  type TenantSettings,
  type WorkerOptions,
} from '@ksef-hub/pipeline'
import { type Backend, openTestContext, type TestContext } from '@ksef-hub/pipeline/testing'
import { fault, issueToken, type Simulator } from '../ksef-client/simulator.ts'

/** One tenant of a hub, with its own NIP and KSeF token. */
export interface HubTenant {
  readonly tenantId: string
  readonly nip: string
  /** Submits a typical invoice of this tenant with a fresh number (or the given one). */
  submit(number?: string, extra?: Partial<SubmitRequest>): Promise<string>
  /** Submits `count` typical invoices in one bulk request (one transaction): the worker finds them as one backlog. */
  submitMany(count: number): Promise<string[]>
}

/** What the simulator received of one invoice (by its number). */
export interface ReceivedInvoice {
  timesReceived: number
  ksefNumber: string | null
  status: number
  /** The status of each arrival, in order. */
  receipts: number[]
}

/** A running hub against a simulator. */
export interface Hub {
  readonly sim: Simulator
  readonly context: TestContext
  readonly worker: RunningWorker
  /** The options the hub's worker runs with (to start more workers like it). */
  readonly workerOptions: WorkerOptions
  /** Starts the worker of a hub started `paused` (no-op otherwise). */
  resume(): Promise<void>
  /** Stops the worker (waiting for its running jobs), e.g. to let a backlog build up; `resume()` restarts it. */
  pause(): Promise<void>
  readonly tenantId: string
  readonly nip: string
  /** Submits a typical invoice with a fresh number (or the given one). */
  submit(number?: string, extra?: Partial<SubmitRequest>): Promise<string>
  /** Submits `count` typical invoices in one bulk request (one transaction): the worker finds them as one backlog. */
  submitMany(count: number): Promise<string[]>
  /** Waits until every given invoice is in one of the states. */
  waitFor(ids: readonly string[], states: readonly InvoiceState[], timeoutMs?: number): Promise<void>
  /** What the simulator received, by invoice number. */
  received(): Promise<Map<string, ReceivedInvoice>>
  /** The status of every arrival of a document (by the hash of its bytes), however KSeF filed it. */
  arrivals(hash: string): Promise<number[]>
  /** Injects a fault into the simulator (see its README). */
  fault(spec: { kind: string; seconds?: number; count?: number; path?: string }): Promise<void>
  /** The faults still in force (a fault with a `count` leaves once it has hit that many times). */
  activeFaults(): Promise<{ kind: string; remaining?: number }[]>
  /** Adds another tenant (own NIP and KSeF token) served by the same worker. */
  addTenant(options?: { settings?: Partial<TenantSettings>; nip?: string }): Promise<HubTenant>
  /** Moves the hub's clock (`context.now()`, what chores and reconciliation read) forward; the simulator's stays. */
  advanceClock(ms: number): void
  /**
   * Changes a queue's retry options for the jobs created from now on, and primes pg-boss's queue cache again
   * (an evicted entry, filled inside an intake transaction, would wait forever on PGlite's one connection).
   */
  tuneQueue(
    name: QueueName,
    options: { retryLimit?: number; retryDelay?: number; retryBackoff?: boolean },
  ): Promise<void>
  close(): Promise<void>
}

let counter = 0

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
    connectors?: readonly AnyConnector[]
    /** Connections of the first tenant, made with these connectors. */
    connections?: readonly ConnectionInput[]
    nip?: string
    /** Overrides of the worker's options (e.g. `rateLimits: 'official'`). */
    worker?: Partial<WorkerOptions>
    /** Start without the worker (to build a backlog first); `resume()` starts it. */
    paused?: boolean
  } = {},
): Promise<Hub> {
  const sim = await startSimulator({ port: 0, processingDelayMs: 50, ...options.simulator })
  let clockOffsetMs = 0
  const context = await openTestContext(backend, { now: () => new Date(Date.now() + clockOffsetMs) })
  // Production retry delays (10 s and more, doubling) would make every retried job wait far past a test's time.
  for (const name of Object.values(QUEUES)) {
    await context.boss.updateQueue(name, { retryDelay: 1, retryBackoff: false })
    // updateQueue evicts the queue from pg-boss's cache; a cold cache inside a PGlite transaction waits on itself.
    await context.boss.findJobs(name, {})
  }
  const run = `${process.pid}-${Date.now().toString(36)}`
  const addTenant = async (tenantOptions: { settings?: Partial<TenantSettings>; nip?: string } = {}) => {
    const nip = tenantOptions.nip ?? randomNip()
    const tenantId = `t-${nip}`
    await createTenant(context.db, {
      id: tenantId,
      name: 'E2E',
      nip,
      environment: 'test',
      ksefBaseUrl: sim.url,
      settings: { batchThreshold: 1000, ...tenantOptions.settings },
    })
    await putSecret(context.db, context.keys, tenantId, 'ksef-token', await issueToken(sim, nip))
    const tenant: HubTenant = {
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
      async submitMany(count) {
        const items = Array.from({ length: count }, () => {
          counter += 1
          return {
            invoice: typicalInvoice({
              sellerNip: nip,
              number: `FV/E2E/${run}/${counter}`,
              lines: 3,
              issueDate: '2026-11-02',
            }),
          }
        })
        const results = await submitInvoicesBulk(context, { tenantId, items })
        return results.map((result) => {
          if (!result.ok) throw new Error(`bulk item ${result.index}: ${result.error.code} ${result.error.message}`)
          return result.id
        })
      },
    }
    return tenant
  }
  const first = await addTenant({
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.nip ? { nip: options.nip } : {}),
  })
  const { tenantId, nip } = first
  const registry = connectorRegistry(options.connectors ?? [])
  for (const connection of options.connections ?? []) {
    await saveConnection(context.db, context.keys, registry, tenantId, connection)
  }
  const workerOptions: WorkerOptions = {
    rateLimits: 'off',
    schedules: false,
    pollingIntervalSeconds: 0.5,
    ksefTimeoutMs: 5_000,
    breaker: { threshold: 3, cooldownMs: 1_000, maxCooldownMs: 2_000 },
    ...(options.connectors ? { connectors: options.connectors } : {}),
    ...options.worker,
    // A test's tuning changes the fast defaults it names, not the others.
    tuning: {
      reconcileGraceMs: 1_000,
      pollFirstMs: 200,
      pollMaxMs: 1_000,
      submitBatchSize: 500,
      // As `ksef-hub start` tunes a worker on the embedded database (workerOptionsOf).
      ...(backend === 'pglite' ? { rateLimitMarginMs: EMBEDDED_RATE_LIMIT_MARGIN_MS } : {}),
      ...options.worker?.tuning,
    },
  }
  const receivedEntries = async () => {
    const response = await fetch(`${sim.adminUrl}/received`)
    const body = (await response.json()) as {
      invoices: {
        invoiceNumber: string
        hash: string
        timesReceived: number
        ksefNumber: string | null
        status: number | { code: number }
        receipts: { status: number | { code: number } }[]
      }[]
    }
    const code = (status: number | { code: number }) => (typeof status === 'number' ? status : status.code)
    return body.invoices.map((invoice) => ({
      invoiceNumber: invoice.invoiceNumber,
      hash: invoice.hash,
      timesReceived: invoice.timesReceived,
      ksefNumber: invoice.ksefNumber,
      status: code(invoice.status),
      receipts: invoice.receipts.map((receipt) => code(receipt.status)),
    }))
  }
  let worker = options.paused ? undefined : await startWorker(context, workerOptions)
  return {
    sim,
    context,
    get worker() {
      if (!worker) throw new Error('the hub was started paused: call resume() first')
      return worker
    },
    workerOptions,
    async resume() {
      worker ??= await startWorker(context, workerOptions)
    },
    async pause() {
      const running = worker
      worker = undefined
      await running?.stop()
    },
    tenantId,
    nip,
    submit: first.submit,
    submitMany: first.submitMany,
    addTenant,
    fault: (spec) => fault(sim, spec),
    async activeFaults() {
      const response = await fetch(`${sim.adminUrl}/faults`)
      return ((await response.json()) as { faults: { kind: string; remaining?: number }[] }).faults
    },
    advanceClock(ms) {
      clockOffsetMs += ms
    },
    async tuneQueue(name, queueOptions) {
      await context.boss.updateQueue(name, queueOptions)
      await context.boss.findJobs(name, {})
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
      return new Map((await receivedEntries()).map(({ invoiceNumber, hash: _, ...entry }) => [invoiceNumber, entry]))
    },
    async arrivals(hash) {
      // An arrival KSeF could not read (or cancelled before reading, 550) is listed by its hash, not its number.
      return (await receivedEntries()).filter((entry) => entry.hash === hash).flatMap((entry) => entry.receipts)
    },
    async close() {
      await worker?.stop()
      await context.close()
      await sim.close()
    },
  }
}
