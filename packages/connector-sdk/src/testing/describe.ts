/**
 * The kit in vitest: one `describe` per connector, one `it` per check. vitest is imported here only, and only
 * when called, so `runConformance` (and the CLI that runs it) loads without vitest.
 *
 * @module
 */
import type { ConformanceHarness } from './harness.ts'
import { type ConformanceOptions, resolveOptions } from './results.ts'
import { createConformanceSession } from './run.ts'

/**
 * Declares the conformance tests of a plugin. Call it at the top level of a test file, with `await` (it loads
 * vitest first).
 *
 * @example
 * ```ts
 * // plugins/acme/src/conformance.test.ts
 * import { describeConformance } from '@ksef-hub/connector-sdk/testing'
 * import harness from '../conformance.ts'
 *
 * await describeConformance(harness)
 * ```
 */
export async function describeConformance(
  harness: ConformanceHarness,
  options: ConformanceOptions = {},
): Promise<void> {
  const { describe, it } = await import('vitest')
  const session = createConformanceSession(harness, options)
  // The check's own deadline, and time to close its fakes after it.
  const timeout = resolveOptions(options).checkTimeoutMs + 10_000
  describe(`${harness.connector.id}: connector SDK conformance`, () => {
    for (const name of session.checks) {
      it(
        name,
        async () => {
          const result = await session.run(name)
          if (result.status === 'failed') throw new Error(`${name}: ${result.detail}`)
        },
        timeout,
      )
    }
  })
}
