#!/usr/bin/env node
/**
 * The worker process (`KSEF_HUB_ROLE=worker` deployments and the chaos test): opens the pipeline from the
 * environment, runs the jobs until SIGTERM/SIGINT, then stops taking jobs, lets the running ones finish and
 * closes. Killed without warning, it loses nothing: every step is committed with the job that acts next.
 *
 * @module
 */
import { isPipelineError, loadConfig, openPipeline } from '@ksef-hub/pipeline'
import { loadConnectors } from './registry/load.ts'
import { runWorker } from './run-worker.ts'

try {
  const config = loadConfig(process.env)
  const pipeline = await openPipeline(config)
  const { logger } = pipeline.context
  if (pipeline.masterKey.generatedAt) logger.warn({ file: pipeline.masterKey.generatedAt }, 'generated a master key')
  const worker = await runWorker(pipeline.context, config, await loadConnectors(config))
  logger.info({ database: pipeline.database.kind }, 'worker started')
  const stop = async (signal: string) => {
    logger.info({ signal }, 'worker stopping')
    await worker.stop()
    await pipeline.close()
    logger.info({}, 'worker stopped')
  }
  process.once('SIGTERM', () => void stop('SIGTERM'))
  process.once('SIGINT', () => void stop('SIGINT'))
} catch (error) {
  // A configuration or database error is the operator's to fix: one clear line, no stack trace.
  process.stderr.write(`ksef-hub worker: ${isPipelineError(error) ? error.message : (error as Error).message}\n`)
  process.exitCode = 1
}
