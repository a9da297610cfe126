/**
 * What the SDK's own tests share.
 *
 * @module
 */
import { ConnectorError } from './errors.ts'

/**
 * The connector error a promise rejects with (a test fails if it resolves or rejects with anything else).
 *
 * @example
 * ```ts
 * expect((await failure(http.request({ url }))).kind).toBe('rate_limit')
 * ```
 */
export async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ConnectorError) return error
    throw error
  }
  throw new Error('expected a ConnectorError')
}
