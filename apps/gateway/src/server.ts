/**
 * Serving the gateway over HTTP with graceful shutdown: on close, readiness turns 503, the listener stops taking
 * connections, requests in flight finish (up to a deadline), then idle and remaining connections are closed.
 *
 * @module
 */

import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { purgeExpiredIdempotencyKeys } from '@ksef-hub/pipeline'
import { createGatewayAppHandle } from './app.ts'
import type { GatewayDeps } from './env.ts'

/** Options of {@link startGateway}. */
export interface StartGatewayOptions extends GatewayDeps {
  /** 0 picks a free port. */
  readonly port: number
  /** Default 127.0.0.1. */
  readonly host?: string
  /** How long close() waits for requests in flight (default 10 s). */
  readonly shutdownGraceMs?: number
}

/** A running gateway. */
export interface RunningGateway {
  /** `http://HOST:PORT` */
  readonly url: string
  readonly port: number
  /** Stops gracefully; resolves when every connection is closed. */
  close(): Promise<void>
}

/**
 * Starts the gateway. Prints nothing: the caller prints `Gateway listening on ${url}`.
 *
 * @example
 * ```ts
 * const gateway = await startGateway({ context, port: 3000, host: '127.0.0.1' })
 * console.log(`Gateway listening on ${gateway.url}`)
 * process.once('SIGTERM', () => gateway.close())
 * ```
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const { app, drain, close: closeApp } = createGatewayAppHandle(options)
  const host = options.host ?? '127.0.0.1'
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serve({ fetch: app.fetch, port: options.port, hostname: host }, () => resolve(created as Server))
    created.once('error', reject)
  })
  // A body refused as too large is not read on: once the answer is sent, the Node adapter drains what is left of a
  // request body (up to 64 MB or 500 ms) before it closes the connection, and that reading took the event loop
  // hundreds of milliseconds per refused body. The socket is paused right after the adapter has started draining
  // (its listener runs after this one, hence setImmediate): it reads nothing more (TCP holds the sender back) until
  // the adapter closes it, by when the answer has reached the client.
  server.on('request', (request, response) => {
    response.once('finish', () => {
      if (response.statusCode === 413 && !request.readableEnded) setImmediate(() => request.socket.pause())
    })
  })
  // Slow-loris and stuck-client bounds at the socket level; request timeouts are in the app.
  server.headersTimeout = 20_000
  server.requestTimeout = 180_000
  server.keepAliveTimeout = 5_000
  const port = (server.address() as AddressInfo).port
  const purge = setInterval(() => {
    purgeExpiredIdempotencyKeys(options.context.db, options.context.now()).catch((error: Error) =>
      options.context.logger.warn({ err: { message: error.message } }, 'idempotency key purge failed'),
    )
  }, 3_600_000)
  purge.unref()
  let closing: Promise<void> | undefined
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        clearInterval(purge)
        drain()
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        const deadline = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs ?? 10_000)
        await closed
        clearTimeout(deadline)
        await closeApp()
      })()
      return closing
    },
  }
}
