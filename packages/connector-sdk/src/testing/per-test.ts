/**
 * Fakes started within a test and closed after it, so a test file keeps no module variable and no closing
 * `afterEach` of its own for them. The test runner's `afterEach` is given, so the kit loads without vitest.
 *
 * @module
 */

/**
 * `start`, wrapped so that what it starts in a test is closed after that test (call it at the top of a test file).
 *
 * @param afterEach the test runner's (vitest's)
 * @example
 * ```ts
 * import { afterEach, it } from 'vitest'
 *
 * const startFake = startedPerTest(afterEach, startFakeHubSpot)
 *
 * it('answers', async () => {
 *   const fake = await startFake({ seed: 5 }) // closed after this test
 * })
 * ```
 */
export function startedPerTest<Args extends unknown[], Fake extends { close(): Promise<void> }>(
  afterEach: (hook: () => Promise<void>) => void,
  start: (...args: Args) => Promise<Fake>,
): (...args: Args) => Promise<Fake> {
  const started: Fake[] = []
  afterEach(async () => {
    const closing = started.splice(0)
    for (const fake of closing) await fake.close()
  })
  return async (...args) => {
    const fake = await start(...args)
    started.push(fake)
    return fake
  }
}
