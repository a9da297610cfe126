/**
 * A real HTTP server on 127.0.0.1 for the SDK's own tests (the HTTP client, the OAuth 2 grants): each request is
 * recorded with its body read whole before the handler runs, and `close` ends hanging exchanges too.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A request as the server received it. */
export interface ReceivedRequest {
  readonly method: string
  /** Path and query. */
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

/** A running server. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string
  readonly port: number
  readonly received: ReceivedRequest[]
  close(): Promise<void>
}

/** What answers: may leave the response open (a hanging server). */
export type Handler = (request: ReceivedRequest, response: ServerResponse, raw: IncomingMessage) => void

/**
 * Starts a server on a free port of 127.0.0.1.
 *
 * @example
 * ```ts
 * const server = await localServer((request, response) => response.end('ok'))
 * ```
 */
export async function localServer(handler: Handler, port = 0): Promise<LocalServer> {
  const received: ReceivedRequest[] = []
  const server = createServer((raw, response) => {
    const chunks: Buffer[] = []
    raw.on('data', (chunk: Buffer) => chunks.push(chunk))
    raw.on('end', () => {
      const request = {
        method: raw.method ?? 'GET',
        url: raw.url ?? '/',
        headers: raw.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      received.push(request)
      handler(request, response, raw)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  const bound = (server.address() as AddressInfo).port
  return {
    origin: `http://127.0.0.1:${bound}`,
    port: bound,
    received,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A port nothing listens on (a server is started on it and closed). */
export async function closedPort(): Promise<number> {
  const server = await localServer(() => {})
  await server.close()
  return server.port
}
