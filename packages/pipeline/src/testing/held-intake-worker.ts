/**
 * The thread of {@link heldIntakePool}: takes a pass from the shared gate before each document (waiting, blocked,
 * until the test gives one), then checks it as the real thread does.
 *
 * @module
 */
import { workerData } from 'node:worker_threads'
import prepareTask, { type PrepareResult, type PrepareTask } from '../intake-pool/worker.ts'

const passes = new Int32Array((workerData as { gate: SharedArrayBuffer }).gate)

/**
 * Waits for a pass, then checks the document.
 *
 * @example
 * ```ts
 * // run by piscina on the held pool's thread
 * ```
 */
export default function heldTask(task: PrepareTask): PrepareResult {
  for (;;) {
    const available = Atomics.load(passes, 0)
    if (available > 0 && Atomics.compareExchange(passes, 0, available, available - 1) === available) break
    if (available === 0) Atomics.wait(passes, 0, 0)
  }
  return prepareTask(task)
}
