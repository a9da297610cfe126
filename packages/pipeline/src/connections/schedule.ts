/**
 * The connections' chore, every minute: a pull for each connection whose interval has passed (webhooks trigger pulls
 * in between; the schedule is the fallback and the catch-up), a round for connections with waiting documents whose
 * time has come, resuming the work parked while a connection waited for re-authorization, and forgetting webhook
 * deliveries older than the replay window.
 *
 * @module
 */
import { sql } from 'kysely'
import type { PipelineContext } from '../context.ts'
import { requestPull } from './pull.ts'
import type { ConnectorRegistry } from './registry.ts'
import { resumeParked } from './resume.ts'
import { REPLAY_WINDOW_HOURS } from './webhooks-in.ts'

const DEFAULT_EVERY_MINUTES = 5

function minutesOf(
  every: number | ((settings: unknown) => number) | undefined,
  settings: { success: boolean; data?: unknown },
): number {
  if (typeof every === 'number') return every
  if (every && settings.success) return every(settings.data)
  return DEFAULT_EVERY_MINUTES
}

/**
 * Runs the chore once.
 *
 * @returns how many pulls it asked for
 * @example
 * ```ts
 * await boss.work(QUEUES.connectionsSchedule, () => scheduleConnections(context, registry))
 * ```
 */
export async function scheduleConnections(context: PipelineContext, registry: ConnectorRegistry): Promise<number> {
  const now = context.now()
  const rows = await context.db
    .selectFrom('connections')
    .innerJoin('tenants', 'tenants.id', 'connections.tenant_id')
    .select([
      'connections.id',
      'connections.tenant_id',
      'connections.connector',
      'connections.settings',
      'connections.last_pull_started_at',
    ])
    .where('connections.enabled', '=', true)
    .where('connections.status', '=', 'active')
    .where('tenants.disabled_at', 'is', null)
    .execute()
  let asked = 0
  for (const row of rows) {
    const connector = registry.get(row.connector)
    const pull = connector?.pull
    if (!connector || !pull) continue
    const everyMs = minutesOf(pull.everyMinutes, connector.settings.safeParse(row.settings)) * 60_000
    const last = row.last_pull_started_at ? new Date(row.last_pull_started_at).getTime() : 0
    if (now.getTime() - last < everyMs) continue
    await requestPull(context, { tenantId: row.tenant_id, connectionId: row.id, reason: 'schedule' })
    asked++
  }
  const waiting = await context.db
    .selectFrom('source_documents')
    .innerJoin('connections', 'connections.id', 'source_documents.connection_id')
    .select(['connections.id', 'connections.tenant_id'])
    .distinct()
    .where('source_documents.state', '=', 'waiting')
    .where('source_documents.retry_at', '<=', now)
    .where('connections.enabled', '=', true)
    .where('connections.status', '=', 'active')
    .execute()
  for (const row of waiting) {
    await requestPull(context, { tenantId: row.tenant_id, connectionId: row.id, reason: 'remap' })
    asked++
  }
  await context.db
    .deleteFrom('webhook_receipts')
    .where('received_at', '<', sql<Date>`now() - make_interval(hours => ${REPLAY_WINDOW_HOURS})`)
    .execute()
  await resumeParked(context)
  return asked
}
