/**
 * Running the worker role: the pipeline's job handlers, tuned from the configuration, with the connectors this
 * hub runs.
 *
 * @module
 */
import {
  type ConnectorRegistry,
  type HubConfig,
  type PipelineContext,
  type RunningWorker,
  startWorker,
  workerOptionsOf,
} from '@ksef-hub/pipeline'

/**
 * Starts the worker on an open pipeline.
 *
 * @example
 * ```ts
 * const pipeline = await openPipeline(config)
 * const worker = await runWorker(pipeline.context, config, await loadConnectors(config))
 * ```
 */
export function runWorker(
  context: PipelineContext,
  config: HubConfig,
  connectors: ConnectorRegistry,
): Promise<RunningWorker> {
  return startWorker(context, { ...workerOptionsOf(config), connectors: [...connectors.values()] })
}
