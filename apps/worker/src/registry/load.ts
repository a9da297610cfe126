/**
 * The connectors a hub runs: the plugins of this checkout (the generated registry) and the npm packages (or module
 * paths) the configuration names (`KSEF_HUB_CONNECTORS`), loaded the same way by the gateway, the worker and `start`.
 *
 * @module
 */
import { pathToFileURL } from 'node:url'
import { isConnector } from '@ksef-hub/connector-sdk'
import {
  type AnyConnector,
  type ConnectorRegistry,
  connectorRegistry,
  type HubConfig,
  PipelineError,
} from '@ksef-hub/pipeline'
import { PLUGIN_CONNECTORS } from './connectors.generated.ts'

/**
 * Loads the registry.
 *
 * @throws {@link PipelineError} `CONFIGURATION` naming a package that cannot be imported, or does not export a
 *   connector for this SDK, or two connectors with one id
 * @example
 * ```ts
 * const connectors = await loadConnectors(config)
 * const worker = await runWorker(pipeline.context, config, connectors)
 * ```
 */
export async function loadConnectors(config: Pick<HubConfig, 'KSEF_HUB_CONNECTORS'>): Promise<ConnectorRegistry> {
  const loaded: AnyConnector[] = [...PLUGIN_CONNECTORS]
  const names = (config.KSEF_HUB_CONNECTORS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  for (const name of names) {
    let exported: unknown
    try {
      const specifier = name.startsWith('/') ? pathToFileURL(name).href : name
      exported = ((await import(specifier)) as { default?: unknown }).default
    } catch (error) {
      throw new PipelineError(
        'CONFIGURATION',
        `KSEF_HUB_CONNECTORS: cannot import ${name} (${(error as Error).message})`,
      )
    }
    if (!isConnector(exported)) {
      throw new PipelineError(
        'CONFIGURATION',
        `KSEF_HUB_CONNECTORS: ${name} does not export a connector of this hub's SDK as its default export`,
      )
    }
    loaded.push(exported)
  }
  return connectorRegistry(loaded)
}
