/**
 * Body size limits. A declared `Content-Length` over the limit is refused before a byte is read; a body without
 * one (chunked) is counted while it is read by Hono's bodyLimit. Cheaper than bodyLimit alone, which makes the
 * Node adapter build a full web Request for every request.
 *
 * @module
 */
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../../env.ts'
import { GatewayError } from '../../http/problem.ts'

/**
 * A body limit of `maxSize` bytes.
 *
 * @example
 * ```ts
 * app.post('/v1/invoices', limitBody(4 * 1024 * 1024), handler)
 * ```
 */
export function limitBody(maxSize: number) {
  const tooLarge = (): never => {
    throw new GatewayError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${maxSize} bytes`)
  }
  const counting = bodyLimit({ maxSize, onError: tooLarge })
  return createMiddleware<AppEnv>(async function limitBody(c, next) {
    const declared = c.req.header('content-length')
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(declared) > maxSize) tooLarge()
      await next()
      return
    }
    await counting(c, next)
  })
}
