/**
 * The gateway's typed Hono environment: what middleware puts on the context for the handlers.
 *
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { ConnectorRegistry, IntakePool, Logger, PipelineContext, SubmissionBatcher } from '@ksef-hub/pipeline'
import type { GatewayMetrics } from './middleware/metrics/index.ts'

/** The authenticated caller. */
export interface Caller {
  readonly tenantId: string
  /** The public id of the API key used (`ksh_...`), for logs. */
  readonly keyId: string
}

/** Options every part of the gateway may read. */
export interface GatewayOptions {
  /** Validation of submitted invoices by default: `structural` (fast; the worker runs the full checks) or `full`. */
  readonly validation: 'structural' | 'full'
  /** Per-tenant request rate: sustained requests per second and burst. */
  readonly rateLimit: { readonly requestsPerSecond: number; readonly burst: number }
  /** Largest request body in bytes: one invoice, a bulk request. */
  readonly bodyLimit: { readonly single: number; readonly bulk: number; readonly other: number }
  /** Time a request may take before it is answered 503 (ms): ordinary, bulk. */
  readonly timeoutMs: { readonly request: number; readonly bulk: number }
  /** How long a verified API key is trusted without asking the database (ms); revocation takes this long. */
  readonly authCacheMs: number
  /** Write one log line per request. */
  readonly accessLog: boolean
  /** Group commit of structural JSON submissions: transactions in flight per tenant, most invoices in one. */
  readonly groupCommit: { readonly maxInFlight: number; readonly maxBatch: number }
  /** Threads that check XML and fully validated submissions off the event loop (0: on it); see intake-pool. */
  readonly intakeThreads: number
  /**
   * The address source systems call the hub at (`KSEF_HUB_PUBLIC_URL`): a webhook signed over its full URL
   * (HubSpot v3) is checked against this address, not the one the gateway sees behind a proxy.
   */
  readonly publicUrl?: string
}

/** What the gateway is built from. */
export interface GatewayDeps {
  readonly context: PipelineContext
  /** The connectors this hub runs (connections are checked against them, webhooks in go to them). */
  readonly connectors?: ConnectorRegistry
  readonly options?: Partial<GatewayOptions>
  /** The intake pool (tests hold one); default: a pool of `options.intakeThreads` threads, closed with the app. */
  readonly intakePool?: IntakePool
}

/** Everything a handler reaches through `c.var`. */
export interface GatewayVariables {
  requestId: string
  caller: Caller
  logger: Logger
}

/** The Hono environment of the gateway. */
export interface AppEnv {
  Variables: GatewayVariables
}

/** The app type handlers are registered on. */
export type GatewayApp = OpenAPIHono<AppEnv>

/** What routes are built with. */
export interface RouteDeps {
  readonly context: PipelineContext
  readonly options: GatewayOptions
  readonly metrics: GatewayMetrics
  readonly connectors: ConnectorRegistry
  /** Group commit of structural JSON submissions (see packages/pipeline/src/bulk/group-commit.ts). */
  readonly batcher: SubmissionBatcher
  /** Where XML and fully validated submissions are checked (off the event loop, tenants in turn). */
  readonly intake: IntakePool
}
