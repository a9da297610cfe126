/**
 * The small HTTP pieces of the fake source: JSON answers, bodies read within a size limit.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * A body over the limit (answered 413).
 *
 * @example
 * ```ts
 * if (size > limit) throw new BodyTooLarge()
 * ```
 */
export class BodyTooLarge extends Error {}

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

/**
 * Reads a request's body, refusing one over `limit` bytes (declared or counted).
 *
 * @throws {BodyTooLarge} over the limit
 * @example
 * ```ts
 * const raw = await readBody(request, 1_048_576)
 * ```
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(request.headers['content-length'] ?? 0) > limit) throw new BodyTooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new BodyTooLarge()
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
