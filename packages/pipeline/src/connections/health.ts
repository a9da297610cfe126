/**
 * What a connector's failure does to its connection: a refused grant parks the connection as `needs_reauth` (and
 * tells the tenant once), a rate limit defers the work until the system's `Retry-After`, a transient failure is
 * retried by the queue, and anything else is recorded as the connection's last error for a person to read.
 *
 * @module
 */
import { type ConnectorError, isConnectorError } from '@ksef-hub/connector-sdk'
import { appendAudit } from '../audit/audit.ts'
import type { PipelineContext } from '../context.ts'
import { emitEvents } from '../events/events.ts'

/** What to do with the job that failed. */
export type FailureAction =
  /** Throw: the queue retries with its backoff. */
  | { readonly kind: 'retry' }
  /** Send the job again after this long; the current one completes. */
  | { readonly kind: 'defer'; readonly afterMs: number }
  /** Complete the job: retrying cannot help (needs_reauth, or a person must fix something). */
  | { readonly kind: 'stop' }

/** A connection, as failures need it. */
export interface FailingConnection {
  readonly id: string
  readonly tenantId: string
  readonly name: string
  readonly connector: string
}

const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000

/**
 * Parks a connection as `needs_reauth` with the system's reason, and emits `connection.needs_reauth` once (only when
 * it was active), in one transaction.
 *
 * @example
 * ```ts
 * await markNeedsReauth(context, connection, 'the token endpoint refused the grant (invalid_grant)')
 * ```
 */
export async function markNeedsReauth(
  context: PipelineContext,
  connection: FailingConnection,
  reason: string,
): Promise<void> {
  await context.db.transaction().execute(async (trx) => {
    const changed = await trx
      .updateTable('connections')
      .set({ status: 'needs_reauth', status_reason: reason.slice(0, 1000), updated_at: new Date() })
      .where('id', '=', connection.id)
      .where('status', '=', 'active')
      .returning('id')
      .executeTakeFirst()
    if (!changed) return
    await appendAudit(trx, {
      tenantId: connection.tenantId,
      kind: 'connection.needs_reauth',
      actor: `connection:${connection.name}`,
      details: { connection: connection.name, connector: connection.connector, reason },
    })
    await emitEvents(trx, context.boss, [
      {
        tenantId: connection.tenantId,
        type: 'connection.needs_reauth',
        data: { connection: connection.name, connector: connection.connector, reason },
      },
    ])
  })
}

/**
 * Records a connection's last error (or clears it with `undefined`).
 *
 * @example
 * ```ts
 * await recordConnectionError(context, connection.id, 'GET /invoices answered 503')
 * ```
 */
export async function recordConnectionError(
  context: PipelineContext,
  connectionId: string,
  message: string | undefined,
): Promise<void> {
  await context.db
    .updateTable('connections')
    .set(
      message === undefined
        ? { last_error: null, last_error_at: null }
        : { last_error: message.slice(0, 1000), last_error_at: context.now() },
    )
    .where('id', '=', connectionId)
    .execute()
}

/**
 * Settles a connector's failure for a connection and says what becomes of the job.
 *
 * @example
 * ```ts
 * const action = await settleFailure(context, connection, error)
 * if (action.kind === 'retry') throw error
 * ```
 */
export async function settleFailure(
  context: PipelineContext,
  connection: FailingConnection,
  error: unknown,
): Promise<FailureAction> {
  const message = error instanceof Error ? error.message : String(error)
  await recordConnectionError(context, connection.id, message)
  if (!isConnectorError(error)) return { kind: 'retry' }
  const failure: ConnectorError = error
  switch (failure.kind) {
    case 'auth':
      await markNeedsReauth(context, connection, message)
      return { kind: 'stop' }
    case 'rate_limit':
      return { kind: 'defer', afterMs: failure.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS }
    case 'transient':
    case 'conflict':
      return { kind: 'retry' }
    default:
      context.logger.warn({ connection: connection.name, kind: failure.kind, error: message }, 'connector failed')
      return { kind: 'stop' }
  }
}
