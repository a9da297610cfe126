/**
 * Building a connector's context from what its host (the hub's worker, or the conformance kit) provides: the
 * settings are checked against the connector's schema, the secrets are checked whenever they are read, and the
 * HTTP client gets the connector's hosts and the connection's limiter. One builder, so the kit tests plugins in
 * the context they will run in.
 *
 * @module
 */

import { type CredentialStore, createCredentials } from '../auth/credentials.ts'
import type { ConnectorContext, ConnectorLogger, HubLookup, TenantInfo } from '../contract/context.ts'
import type { AnyConnector } from '../contract/definition.ts'
import { ConnectorError } from '../errors.ts'
import { createHttpClient } from '../http/client.ts'
import { createLimiter, type Limiter } from '../http/limiter.ts'
import { describeProblems, problemsOf } from './schemas.ts'

/** What a host provides for one piece of a connection's work. */
export interface ConnectorHost {
  readonly tenant: TenantInfo
  readonly connection: { readonly id: string; readonly name: string }
  /** The connection's settings as stored (checked here). */
  readonly settings: unknown
  /** The connection's secrets (checked at every read). */
  readonly store: CredentialStore<unknown>
  readonly logger: ConnectorLogger
  readonly signal: AbortSignal
  readonly now: () => Date
  readonly hub: HubLookup
  /** Where this connection's webhooks arrive, when the hub has a public address. */
  readonly webhookUrl?: string
  /** The connection's limiter in this process (the host keeps one per connection; default: one from `limits`). */
  readonly limiter?: Limiter
  /** Retries of a transient failure within one call, and the backoff before each (the HTTP client's defaults). */
  readonly retries?: number
  readonly backoffMs?: (attempt: number) => number
  /** Time for one HTTP exchange (default 30 s). */
  readonly timeoutMs?: number
  /** The fetch underneath (default the global one). */
  readonly fetch?: typeof fetch
}

/**
 * The context of a connector for one piece of work.
 *
 * @throws `ConnectorError('validation')` when the stored settings no longer match the connector's schema
 * @example
 * ```ts
 * const context = createConnectorContext(connector, { tenant, connection, settings, store, logger, signal, now, hub })
 * const page = await connector.pull?.page(context, cursor)
 * ```
 */
export function createConnectorContext(
  connector: AnyConnector,
  host: ConnectorHost,
): ConnectorContext<unknown, unknown> {
  const settings = connector.settings.safeParse(host.settings)
  if (!settings.success) {
    const problems = describeProblems(problemsOf(settings.error, 'settings'))
    throw new ConnectorError('validation', `the connection's settings are invalid: ${problems}`)
  }
  const http = createHttpClient({
    hosts: connector.hosts(settings.data),
    signal: host.signal,
    limiter: host.limiter ?? createLimiter(connector.limits?.(settings.data) ?? {}),
    ...(host.retries !== undefined ? { retries: host.retries } : {}),
    ...(host.backoffMs ? { backoffMs: host.backoffMs } : {}),
    ...(host.timeoutMs ? { timeoutMs: host.timeoutMs } : {}),
    ...(host.fetch ? { fetch: host.fetch } : {}),
  })
  const checked = (secrets: unknown) => {
    const parsed = connector.secrets.safeParse(secrets)
    if (parsed.success) return parsed.data
    const fields = problemsOf(parsed.error, 'secrets').map((problem) => problem.field)
    // Secrets that do not fit are the tenant's to fix, as a revoked grant is: re-enter them.
    throw new ConnectorError('auth', `the connection's secrets are incomplete or malformed (${fields.join(', ')})`)
  }
  const store: CredentialStore<unknown> = {
    read: async () => checked(await host.store.read()),
    // What a renewal returns is checked before the store writes it: a renewal that lost the refresh token replaced
    // one that still worked, and the connection then needed re-authorization for a plugin's mistake.
    renewLocked: async (renew) =>
      checked(
        await host.store.renewLocked(async (stored) => {
          const renewed = await renew(checked(stored))
          // Stored as returned (the check's output may be transformed), once it fits.
          if (renewed !== undefined) checked(renewed)
          return renewed
        }),
      ),
  }
  return {
    tenant: host.tenant,
    connection: host.connection,
    settings: settings.data,
    credentials: createCredentials({
      auth: connector.auth,
      settings: settings.data,
      store,
      http,
      logger: host.logger,
      now: host.now,
    }),
    http,
    logger: host.logger,
    signal: host.signal,
    now: host.now,
    hub: host.hub,
    ...(host.webhookUrl ? { webhookUrl: host.webhookUrl } : {}),
  }
}
