/**
 * The small HTTP pieces of the fake source: JSON answers (bodies are read by the SDK's `readBody`, within a limit).
 *
 * @module
 */
import type { ServerResponse } from 'node:http'

/**
 * Sends a JSON answer.
 *
 * @example
 * ```ts
 * sendJson(response, 404, { error: 'not_found', message: 'no invoice inv-000001' })
 * ```
 */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  })
  response.end(text)
}
