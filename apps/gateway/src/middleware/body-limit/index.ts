/**
 * Body size limits, on every route. A declared `Content-Length` over the limit is refused before a byte is read; a
 * body without one (chunked) is counted while it is read (Hono's bodyLimit reads it into a buffer that stops
 * growing at the limit), and refused the moment it passes the limit, before the rest is read. Either refusal closes
 * the connection, so the server does not go on reading what is left of a huge body. Cheaper than bodyLimit alone,
 * which makes the Node adapter build a full web Request for every request.
 *
 * @module
 */
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, GatewayOptions } from '../../env.ts'
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
    throw new GatewayError(413, 'PAYLOAD_TOO_LARGE', `the body is larger than ${maxSize} bytes`, {
      field: 'body',
      headers: { connection: 'close' },
    })
  }
  const counting = bodyLimit({ maxSize, onError: tooLarge })
  return createMiddleware<AppEnv>(async function limitBody(c, next) {
    const declared = c.req.header('content-length')
    const chunked = c.req.header('transfer-encoding') !== undefined
    // GET and HEAD take no body here, and the Node adapter gives none to count: one would be read and thrown away.
    if ((c.req.method === 'GET' || c.req.method === 'HEAD') && (chunked || Number(declared ?? 0) > 0)) {
      throw new GatewayError(413, 'PAYLOAD_TOO_LARGE', `a ${c.req.method} request takes no body`, {
        field: 'body',
        headers: { connection: 'close' },
      })
    }
    if (!chunked) {
      if (declared !== undefined) {
        if (Number(declared) > maxSize) tooLarge()
        await next()
        return
      }
      // Over HTTP/1.1 a request with neither header has no body; in process (app.request) one may still come.
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        await next()
        return
      }
    }
    await counting(c, next)
  })
}

const BULK = '/v1/invoices/bulk'
const INVOICE = /^\/v1\/invoices(?:\/[^/]+\/retry)?$/

/**
 * The body limit of every route: a bulk request's, one invoice's (submission and retry), or the small limit of
 * everything else (webhooks, credentials, replays, and any route that takes no body at all).
 *
 * @example
 * ```ts
 * app.use(limitBodies(options.bodyLimit))
 * ```
 */
export function limitBodies(limits: GatewayOptions['bodyLimit']) {
  const bulk = limitBody(limits.bulk)
  const single = limitBody(limits.single)
  const other = limitBody(limits.other)
  const pick = (c: Context<AppEnv>) => (c.req.path === BULK ? bulk : INVOICE.test(c.req.path) ? single : other)
  return createMiddleware<AppEnv>(async function limitBodies(c, next) {
    await pick(c)(c, next)
  })
}
