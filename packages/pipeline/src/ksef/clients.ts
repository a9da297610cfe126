/**
 * One KSeF client per tenant, configured from the tenant's environment and its encrypted credentials, all
 * drawing from one rate-limit budget shared through the database.
 *
 * @module
 */
import {
  createKsefClient,
  KSEF_ENVIRONMENTS,
  type KsefClient,
  type KsefCredentials,
  nipContext,
  RateLimiter,
  resolveEnvironment,
} from '@ksef-hub/ksef-client'
import type { PipelineContext } from '../context.ts'
import { PipelineError } from '../errors.ts'
import { getSecret } from '../secrets/store.ts'
import { getTenant, type TenantRecord } from '../tenants/tenants.ts'
import { type ExchangeLogger, exchangeLogger } from './exchange-log.ts'
import { DatabaseRateLimitStore } from './rate-limit-store.ts'

/** A tenant's client and what goes with it. */
export interface TenantClient {
  readonly tenant: TenantRecord
  readonly client: KsefClient
  /** The circuit-breaker scope: the KSeF API the tenant talks to. */
  readonly scope: string
  readonly log: ExchangeLogger
}

/** Options of the pool. */
export interface ClientPoolOptions {
  /** `official` (default) or `off` (no client-side limiting, e.g. against a relaxed simulator in tests). */
  readonly rateLimits?: 'official' | 'off'
  /** Time for one HTTP exchange with KSeF (default 30 s). */
  readonly timeoutMs?: number
  /** How much wider than KSeF's the limiter's windows are (default: the client's, 150 ms). */
  readonly rateLimitMarginMs?: number
}

/**
 * Refuses a custom base URL that is an official KSeF host of another environment: a TEST tenant must never reach
 * DEMO or PROD through a misconfigured URL.
 *
 * @example
 * ```ts
 * assertEnvironmentBinding('test', 'https://api.ksef.mf.gov.pl/v2') // throws
 * ```
 */
export function assertEnvironmentBinding(environment: TenantRecord['environment'], baseUrl: string | null): void {
  if (!baseUrl) return
  const host = new URL(baseUrl).host
  for (const official of Object.values(KSEF_ENVIRONMENTS)) {
    if (new URL(official.apiBaseUrl).host === host && official.name !== environment) {
      throw new PipelineError(
        'CONFIGURATION',
        `a ${environment.toUpperCase()} tenant cannot use ${host}, the ${official.name.toUpperCase()} KSeF`,
      )
    }
  }
}

async function credentialsOf(context: PipelineContext, tenant: TenantRecord): Promise<KsefCredentials> {
  const token = await getSecret(context.db, context.keys, tenant.id, 'ksef-token')
  if (token) return { kind: 'token', token }
  const certificate = await getSecret(context.db, context.keys, tenant.id, 'ksef-certificate')
  if (certificate) {
    const parsed = JSON.parse(certificate) as { certificate: string; privateKey: string }
    return { kind: 'certificate', certificate: parsed.certificate, privateKey: parsed.privateKey }
  }
  throw new PipelineError(
    'CONFIGURATION',
    `tenant ${tenant.id} has no KSeF credentials (set a KSeF token or certificate for it)`,
  )
}

/**
 * Creates and caches the tenants' KSeF clients.
 *
 * @example
 * ```ts
 * const pool = new KsefClientPool(context)
 * const { client, tenant } = await pool.forTenant('acme')
 * ```
 */
export class KsefClientPool {
  readonly #context: PipelineContext
  readonly #limiter: RateLimiter
  readonly #timeoutMs: number
  readonly #clients = new Map<string, Promise<TenantClient>>()

  constructor(context: PipelineContext, options: ClientPoolOptions = {}) {
    this.#context = context
    this.#limiter = new RateLimiter({
      store: new DatabaseRateLimitStore(context.db),
      limits: options.rateLimits ?? 'official',
      maxWaitMs: 120_000,
      ...(options.rateLimitMarginMs !== undefined ? { marginMs: options.rateLimitMarginMs } : {}),
    })
    this.#timeoutMs = options.timeoutMs ?? 30_000
  }

  /** The tenant's client, created on first use. */
  forTenant(tenantId: string): Promise<TenantClient> {
    let entry = this.#clients.get(tenantId)
    if (!entry) {
      entry = this.#create(tenantId)
      this.#clients.set(tenantId, entry)
      entry.catch(() => this.#clients.delete(tenantId))
    }
    return entry
  }

  async #create(tenantId: string): Promise<TenantClient> {
    const tenant = await getTenant(this.#context.db, tenantId)
    assertEnvironmentBinding(tenant.environment, tenant.ksefBaseUrl)
    const environment = resolveEnvironment(tenant.ksefBaseUrl ? { baseUrl: tenant.ksefBaseUrl } : tenant.environment)
    const log = exchangeLogger(this.#context.db, this.#context.logger.child({ tenantId }), tenantId)
    const client = createKsefClient({
      environment: tenant.ksefBaseUrl ? { baseUrl: tenant.ksefBaseUrl } : tenant.environment,
      context: nipContext(tenant.nip),
      credentials: await credentialsOf(this.#context, tenant),
      logger: log,
      timeoutMs: this.#timeoutMs,
      rateLimiter: this.#limiter,
    })
    return { tenant, client, scope: environment.apiBaseUrl, log }
  }

  /** Forgets a tenant's client (after its credentials or environment changed). */
  invalidate(tenantId: string): void {
    this.#clients.delete(tenantId)
  }

  /** Writes every client's pending audit entries. */
  async flush(): Promise<void> {
    const clients = await Promise.allSettled([...this.#clients.values()])
    await Promise.all(clients.map((result) => (result.status === 'fulfilled' ? result.value.log.flush() : undefined)))
  }
}
