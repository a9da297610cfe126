/**
 * Reading requests the way KSeF does: JSON bodies (malformed JSON is a 21405, not a crash), the client's IP,
 * the public origin for URLs the API returns, query integers with ranges.
 *
 * @module
 */
import { ApiError } from '../errors/index.ts'
import type { SimContext } from './env.ts'
import { validateRequestBody } from './request-validation.ts'

/**
 * The JSON body of a request, validated against the operation's official request schema.
 *
 * @throws {@link ApiError} 21405 for a missing, malformed or invalid body.
 * @example
 * ```ts
 * const body = await jsonBody<OpenOnlineSessionRequest>(c, 'POST', '/sessions/online')
 * ```
 */
export async function jsonBody<T>(
  c: SimContext,
  method: string,
  template: string,
  precheck?: (parsed: unknown) => void,
): Promise<T> {
  const text = await c.req.text()
  if (!text.trim()) throw ApiError.badRequest(21405, 'Treść żądania jest pusta.')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw ApiError.badRequest(21405, `Nieprawidłowy format JSON: ${(error as Error).message}`)
  }
  precheck?.(parsed)
  return validateRequestBody(method, template, parsed) as T
}

/**
 * The client's IP address (IPv4-mapped IPv6 shown as IPv4).
 *
 * @example
 * ```ts
 * clientIp(c) // '127.0.0.1'
 * ```
 */
export function clientIp(c: SimContext): string {
  const address = c.env?.incoming?.socket?.remoteAddress ?? '127.0.0.1'
  return address.startsWith('::ffff:') ? address.slice(7) : address
}

/**
 * The origin the client called (URLs the API returns use the host the client called, as KSeF's do).
 *
 * @example
 * ```ts
 * `${origin(c)}/storage/...`
 * ```
 */
export function origin(c: SimContext): string {
  return new URL(c.req.url).origin
}

/**
 * An integer query parameter within a range, or its default.
 *
 * @throws {@link ApiError} 21405 when present and not an integer in range.
 * @example
 * ```ts
 * const pageSize = queryInt(c, 'pageSize', { min: 10, max: 1000, fallback: 10 })
 * ```
 */
export function queryInt(c: SimContext, name: string, range: { min: number; max: number; fallback: number }): number {
  const raw = c.req.query(name)
  if (raw === undefined || raw === '') return range.fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw ApiError.badRequest(21405, `${name} musi być liczbą całkowitą z zakresu ${range.min}..${range.max}.`)
  }
  return value
}
