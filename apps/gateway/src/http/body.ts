/**
 * Reading request bodies: raw bytes (idempotency fingerprints and XML need the exact bytes), JSON parsed once
 * with a clear error, and the media types an endpoint accepts.
 *
 * @module
 */
import type { Context } from 'hono'
import type { AppEnv } from '../env.ts'
import { GatewayError } from './problem.ts'

// Not streaming, so one decoder serves every request.
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The media type of a request, lower-case, without parameters.
 *
 * @example
 * ```ts
 * mediaType(c) // 'application/json' for `Content-Type: application/json; charset=utf-8`
 * ```
 */
export function mediaType(c: Context<AppEnv>): string {
  return (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

/** Whether a media type is JSON (`application/json`, `application/*+json`). */
export const isJson = (type: string): boolean =>
  type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type)

/** Whether a media type is XML. */
export const isXml = (type: string): boolean => type === 'application/xml' || type === 'text/xml'

/**
 * The request body as bytes (cached by Hono, so middleware and handler share one read).
 *
 * @example
 * ```ts
 * const bytes = await bodyBytes(c)
 * ```
 */
export async function bodyBytes(c: Context<AppEnv>): Promise<Uint8Array> {
  return new Uint8Array(await c.req.arrayBuffer())
}

/**
 * The request body parsed as JSON.
 *
 * @throws {@link GatewayError} 415 when it is not JSON, 400 when it does not parse
 * @example
 * ```ts
 * const body = await jsonBody(c)
 * ```
 */
export async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const type = mediaType(c)
  if (!isJson(type)) {
    throw new GatewayError(415, 'UNSUPPORTED_MEDIA_TYPE', `send application/json, not ${type || 'no Content-Type'}`, {
      field: 'header.content-type',
    })
  }
  const bytes = await bodyBytes(c)
  try {
    return JSON.parse(UTF8.decode(bytes))
  } catch (error) {
    throw new GatewayError(400, 'MALFORMED_BODY', `the body is not valid UTF-8 JSON: ${(error as Error).message}`, {
      field: 'body',
    })
  }
}
