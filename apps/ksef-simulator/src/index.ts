/**
 * `@ksef-hub/ksef-simulator`: a stateful twin of KSeF API 2.0 on localhost, with fault injection.
 *
 * @example
 * ```ts
 * import { startSimulator } from '@ksef-hub/ksef-simulator'
 * const sim = await startSimulator({ port: 0 })
 * // point a KSeF client at sim.url; script faults at sim.adminUrl
 * await sim.close()
 * ```
 *
 * @module
 */

export { FAULT_KINDS, type FaultKind, type FaultSpec } from './faults/registry.ts'
export { type RunningSimulator, type SimulatorOptions, startSimulator } from './simulator.ts'
