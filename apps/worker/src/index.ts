/**
 * `@ksef-hub/worker`: the worker role of the hub, and the registry of the connectors a hub runs.
 *
 * @module
 */
export { findPlugins, type PluginPackage, registrySource, writeRegistry } from './registry/generate.ts'
export { loadConnectors } from './registry/load.ts'
export { runWorker } from './run-worker.ts'
