/**
 * Body size limits, on every route. A declared `Content-Length` over the limit is refused before a byte is read; a
 * body without one (chunked) is counted while it is read, and refused the moment it passes the limit, before the
 * rest is read. Either refusal closes the connection, and the server stops reading what is left of a huge body
 * (see server.ts). A chunked body is read straight from Node's request and handed to the adapter as the body it
 * reads (`rawBody`, which @hono/node-server takes when it is there): through Hono's bodyLimit and the adapter's
 * web stream, counting cost the event loop ~8 ms per megabyte, garbage collection included, so a tenant sending
 * endless chunked bodies kept it 80 % busy. In process (`app.request`, no Node request) Hono's bodyLimit counts.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { createMiddleware } from 'hono/factory'
import type { AppEnv, GatewayOptions } from '../../env.ts'
import { GatewayError } from '../../http/problem.ts'

/** Reads a Node request's body, refusing it as soon as it passes `maxSize`; the adapter then reads it from memory. */
function readCounted(incoming: IncomingMessage, maxSize: number, tooLarge: () => never): Promise<void> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = () => {
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxSize) {
        chunks.push(chunk)
        return
      }
      cleanup()
      incoming.pause()
      try {
        tooLarge()
      } catch (error) {
        reject(error)
      }
    }
    const onEnd = () => {
      cleanup()
      ;(incoming as IncomingMessage & { rawBody?: Buffer }).rawBody = Buffer.concat(chunks, size)
      resolve()
    }
    const onError = (error: Error) => {
      cleanup()
      reject(error)
    }
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
  })
}

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
    const incoming = (c.env as { incoming?: IncomingMessage & { rawBody?: Buffer } } | undefined)?.incoming
    // Read and counted already (by the limit of every route, before a route's own).
    if (incoming?.rawBody instanceof Buffer) {
      if (incoming.rawBody.length > maxSize) tooLarge()
      await next()
      return
    }
    if (chunked && incoming && !incoming.readableDidRead) {
      await readCounted(incoming, maxSize, tooLarge)
      await next()
      return
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
