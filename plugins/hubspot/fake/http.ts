/**
 * The fake's HTTP pieces: an answer as data, writing it, and JSON bodies parsed the way HubSpot refuses them.
 *
 * @module
 */
import type { ServerResponse } from 'node:http'
import { CRM_ERRORS } from './errors.ts'

/** What the fake answers to one request. */
export interface Answer {
  readonly status: number
  /** A JSON body. */
  readonly json?: unknown
  /** A raw body (its content type in `headers`). */
  readonly body?: Buffer | string
  readonly headers?: Readonly<Record<string, string>>
}

/** HubSpot labels its JSON answers `application/json;charset=utf-8`. */
export const JSON_TYPE = 'application/json;charset=utf-8'

/**
 * Writes an answer.
 *
 * @example
 * ```ts
 * send(response, { status: 204 })
 * ```
 */
export function send(response: ServerResponse, answer: Answer): void {
  let body: Buffer | undefined
  const headers: Record<string, string> = { ...answer.headers }
  if (answer.json !== undefined) {
    body = Buffer.from(JSON.stringify(answer.json))
    headers['content-type'] ??= JSON_TYPE
  } else if (answer.body !== undefined) {
    body = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body)
  }
  headers['content-length'] = String(body?.length ?? 0)
  response.writeHead(answer.status, headers)
  response.end(body)
}

/**
 * A JSON object body, or HubSpot's 400 for anything else.
 *
 * @throws {HubSpotError} 400 when the body is not a JSON object
 * @example
 * ```ts
 * const input = jsonObject(body) // { properties: { ... } }
 * ```
 */
export function jsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch (error) {
    throw CRM_ERRORS.invalid(`Invalid input JSON: ${(error as Error).message}`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw CRM_ERRORS.invalid('Invalid input JSON: expected an object')
  }
  return value as Record<string, unknown>
}

/**
 * A list-valued query parameter, given repeated (`properties=a&properties=b`, as the SDK sends it) or
 * comma-separated (`properties=a,b`).
 *
 * @example
 * ```ts
 * listParam(new URL('http://x/?properties=a,b&properties=c').searchParams, 'properties') // ['a', 'b', 'c']
 * ```
 */
export function listParam(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter(Boolean)
}
