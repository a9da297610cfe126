/**
 * `@ksef-hub/worker`: the worker role of the hub.
 *
 * @module
 */
export { runWorker } from './run-worker.ts'
