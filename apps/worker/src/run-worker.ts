/**
 * Running the worker role: the pipeline's job handlers, tuned from the configuration, with the connector
 * plugins this deployment enables.
 *
 * @module
 */
import type { ConnectorDefinition } from '@ksef-hub/connector-sdk'
import {
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
 * const worker = await runWorker(pipeline.context, config)
 * ```
 */
export function runWorker(
  context: PipelineContext,
  config: HubConfig,
  connectors: readonly ConnectorDefinition[] = [],
): Promise<RunningWorker> {
  return startWorker(context, { ...workerOptionsOf(config), connectors })
}
