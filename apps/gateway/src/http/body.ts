/**
 * Reading request bodies: raw bytes (idempotency fingerprints and XML need the exact bytes), JSON parsed once per
 * request with a clear error (invalid UTF-8 is refused, never replaced), checked against a schema with the field
 * at fault named, and the media types an endpoint accepts.
 *
 * @module
 */
import type { z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../env.ts'
import { GatewayError } from './problem.ts'

// Not streaming, so one decoder serves every request.
const UTF8 = new TextDecoder('utf-8', { fatal: true })
// The JSON of a request, parsed once (the idempotency middleware and the handler both need it).
const parsedJson = new WeakMap<Context<AppEnv>, { value: unknown } | { error: GatewayError }>()

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
 * The request body as bytes (cached by Hono, so middleware and handler share one read), whatever its framing
 * (a declared length or chunks).
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
 * The body parsed as JSON whatever its media type (once per request).
 *
 * @throws {@link GatewayError} 400 `MALFORMED_BODY` when it is not UTF-8 JSON
 * @example
 * ```ts
 * const value = await parseJson(c)
 * ```
 */
export async function parseJson(c: Context<AppEnv>): Promise<unknown> {
  let parsed = parsedJson.get(c)
  if (!parsed) {
    const bytes = await bodyBytes(c)
    try {
      parsed = { value: JSON.parse(UTF8.decode(bytes)) }
    } catch (error) {
      parsed = {
        error: new GatewayError(
          400,
          'MALFORMED_BODY',
          `the body is not valid UTF-8 JSON: ${(error as Error).message}`,
          {
            field: 'body',
          },
        ),
      }
    }
    parsedJson.set(c, parsed)
  }
  if ('error' in parsed) throw parsed.error
  return parsed.value
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
  return parseJson(c)
}

/**
 * The first problem zod found, as the gateway's 400 naming the field.
 *
 * @example
 * ```ts
 * if (!parsed.success) throw requestInvalid(parsed.error)
 * ```
 */
export function requestInvalid(error: z.ZodError, prefix = ''): GatewayError {
  const issue = error.issues[0]
  const field = `${prefix}${issue?.path.join('.') ?? ''}`.replace(/\.$/, '') || 'body'
  return new GatewayError(400, 'REQUEST_INVALID', `${field}: ${issue?.message ?? 'invalid'}`, { field })
}

/**
 * The JSON body checked against a schema (an empty body, in any framing, reads as `{}` when `emptyAsObject`).
 *
 * @throws {@link GatewayError} 415, 400 `MALFORMED_BODY`, or 400 `REQUEST_INVALID` naming the field
 * @example
 * ```ts
 * const { url, events } = await validJson(c, CreateSchema)
 * ```
 */
export async function validJson<T extends z.ZodType>(
  c: Context<AppEnv>,
  schema: T,
  options: { emptyAsObject?: boolean } = {},
): Promise<z.output<T>> {
  const empty = options.emptyAsObject && (await bodyBytes(c)).length === 0
  const parsed = schema.safeParse(empty ? {} : await jsonBody(c))
  if (!parsed.success) throw requestInvalid(parsed.error)
  return parsed.data
}
