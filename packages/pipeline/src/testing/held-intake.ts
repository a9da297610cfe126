/**
 * An intake pool whose threads hold each document until the test lets one through: shows what the gateway does
 * while a document is being checked (answers other tenants) and in which order waiting documents get their turn,
 * without timing anything.
 *
 * @module
 */
import { createIntakePool, type IntakePool } from '../intake-pool/pool.ts'

/** A held pool, and how to let documents through. */
export interface HeldIntakePool {
  readonly pool: IntakePool
  /** Lets `count` more documents through (in the order the pool hands them to its threads). */
  release(count?: number): void
}

/**
 * Starts a held pool.
 *
 * @example
 * ```ts
 * const { pool, release } = heldIntakePool()
 * const pending = pool.prepare('acme', input, new Date()) // held
 * release()
 * await pending
 * ```
 */
export function heldIntakePool(options: { threads?: number } = {}): HeldIntakePool {
  const gate = new SharedArrayBuffer(4)
  const passes = new Int32Array(gate)
  const pool = createIntakePool({
    threads: options.threads ?? 1,
    filename: new URL('./held-intake-worker.ts', import.meta.url).href,
    workerData: { gate },
  })
  return {
    pool,
    release(count = 1) {
      Atomics.add(passes, 0, count)
      Atomics.notify(passes, 0)
    },
  }
}
