/**
 * Listening on 127.0.0.1 and stopping again, for a fake whose outage refuses connections (the port closed) and
 * which comes back on the same port, where the connection's settings point.
 *
 * @module
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A server's listening, started and stopped at will. */
export interface Listener {
  /** Listens on `port` of 127.0.0.1 (0: a free one); resolves with the port. */
  listen(port: number): Promise<number>
  /** Stops listening and ends every connection, hanging ones included (a no-op when not listening). */
  stop(): Promise<void>
}

/**
 * The listening of a fake's server.
 *
 * @example
 * ```ts
 * const listener = listenerOf(createServer(handler))
 * const port = await listener.listen(0)
 * await listener.stop() // an outage: connections refused
 * await listener.listen(port) // back, same address
 * ```
 */
export function listenerOf(server: Server): Listener {
  return {
    listen: (port) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject)
          resolve((server.address() as AddressInfo).port)
        })
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
