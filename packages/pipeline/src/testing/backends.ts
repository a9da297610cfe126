/**
 * Which database backends the pipeline's tests run on: both by default (CI), one with
 * `PIPELINE_TEST_BACKENDS=pglite` or `=postgres`.
 *
 * @module
 */

/** A database backend. */
export type Backend = 'pglite' | 'postgres'

/**
 * The backends to test.
 *
 * @example
 * ```ts
 * describe.each(testBackends())('%s', (backend) => { ... })
 * ```
 */
export function testBackends(): Backend[] {
  const value = process.env.PIPELINE_TEST_BACKENDS ?? 'pglite,postgres'
  const backends = value.split(',').map((item) => item.trim()) as Backend[]
  for (const backend of backends) {
    if (backend !== 'pglite' && backend !== 'postgres') {
      throw new Error(`PIPELINE_TEST_BACKENDS: unknown backend ${backend} (use pglite, postgres)`)
    }
  }
  return backends
}
