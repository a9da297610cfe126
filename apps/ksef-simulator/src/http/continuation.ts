/**
 * Continuation tokens of paged lists (`x-continuation-token`): opaque to clients, an offset here.
 *
 * @module
 */
import { ApiError } from '../errors/index.ts'

/**
 * The token for the page starting at `offset`.
 *
 * @example
 * ```ts
 * encodeContinuation(10) // 'eyJvIjoxMH0='
 * ```
 */
export function encodeContinuation(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64')
}

/**
 * The offset a continuation token stands for (0 without one).
 *
 * @throws {@link ApiError} 21418 for a token that is not one of ours.
 * @example
 * ```ts
 * const offset = decodeContinuation(c.req.header('x-continuation-token'))
 * ```
 */
export function decodeContinuation(token: string | undefined): number {
  if (!token) return 0
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown }).o
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset
  } catch {
    // falls through to the error
  }
  throw ApiError.badRequest(21418)
}
