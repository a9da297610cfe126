/**
 * The connectors this hub runs, by id. The apps build the registry (from `plugins/` and the npm packages the
 * configuration names) and hand it to the pipeline functions that need it; the pipeline never imports a plugin.
 *
 * @module
 */
import type { AnyConnector } from '@ksef-hub/connector-sdk'
import { PipelineError } from '../errors.ts'

/** Connectors by id. */
export type ConnectorRegistry = ReadonlyMap<string, AnyConnector>

/**
 * A registry of connectors.
 *
 * @throws {@link PipelineError} `CONFIGURATION` when two connectors share an id
 * @example
 * ```ts
 * const registry = connectorRegistry([custom, hubspot])
 * ```
 */
export function connectorRegistry(connectors: readonly AnyConnector[]): ConnectorRegistry {
  const registry = new Map<string, AnyConnector>()
  for (const connector of connectors) {
    if (registry.has(connector.id)) {
      throw new PipelineError('CONFIGURATION', `two connectors have the id ${connector.id}`)
    }
    registry.set(connector.id, connector)
  }
  return registry
}

/**
 * A connector by id.
 *
 * @throws {@link PipelineError} `CONFIGURATION` naming the installed connectors
 * @example
 * ```ts
 * const connector = connectorOf(registry, 'custom')
 * ```
 */
export function connectorOf(registry: ConnectorRegistry, id: string): AnyConnector {
  const connector = registry.get(id)
  if (!connector) {
    const installed = [...registry.keys()].sort().join(', ') || 'none'
    throw new PipelineError('CONFIGURATION', `connector ${id} is not installed in this hub (installed: ${installed})`, {
      field: 'connector',
    })
  }
  return connector
}
