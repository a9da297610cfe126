/**
 * What the `connector` commands share: the registry of the connectors this hub runs (loaded as the hub loads it),
 * and a pipeline context with pg-boss for the commands that queue work.
 *
 * @module
 */
import { type ConnectorRegistry, loadConfig, type PipelineContext, silentLogger, startBoss } from '@ksef-hub/pipeline'
import { loadConnectors } from '@ksef-hub/worker'
import type { Io } from '../../io.ts'
import type { Hub } from '../tenant/hub.ts'

/**
 * The connectors this hub runs, with the configuration of `io`'s environment.
 *
 * @example
 * ```ts
 * const registry = await registryOf(io)
 * ```
 */
export function registryOf(io: Io): Promise<ConnectorRegistry> {
  return loadConnectors(loadConfig(io.env))
}

/**
 * Runs work with a pipeline context on an open hub (pg-boss started without its maintenance, stopped after).
 *
 * @example
 * ```ts
 * await withContext(hub, (context) => requestPull(context, job))
 * ```
 */
export async function withContext<T>(hub: Hub, work: (context: PipelineContext) => Promise<T>): Promise<T> {
  const boss = await startBoss(hub.database, { supervise: false, schedule: false })
  try {
    return await work({ db: hub.database.db, boss, keys: hub.keys, now: () => new Date(), logger: silentLogger })
  } finally {
    await boss.stop({ graceful: false, close: hub.database.kind !== 'pglite' })
  }
}
