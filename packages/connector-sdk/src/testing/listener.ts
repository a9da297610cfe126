/**
 * Listening on 127.0.0.1 and stopping again, for a fake whose outage refuses connections (the port closed) and
 * which comes back on the same port, where the connection's settings point; and the outage switch of such a fake.
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

/**
 * How a fake is down: `refused` (not listening: connections refused), `unavailable` or `true` (it answers every
 * request as unavailable, in its system's way), or `false` (up).
 */
export type OutageMode = boolean | 'unavailable' | 'refused'

/** A fake's outage switch. */
export interface Outage {
  /** Whether the fake should answer every request as unavailable now. */
  readonly unavailable: boolean
  /** Starts or ends an outage; a fake that was refusing listens again on the port it had. */
  set(mode: OutageMode): Promise<void>
}

/**
 * The outage switch of a fake's server, listening through `listener`.
 *
 * @example
 * ```ts
 * const listener = listenerOf(server)
 * const outage = outageOf(server, listener) // the handler answers 503 while `outage.unavailable`
 * await listener.listen(0)
 * await outage.set('refused') // connections refused
 * await outage.set(false) // back on the same port
 * ```
 */
export function outageOf(server: Server, listener: Listener): Outage {
  let unavailable = false
  let port = 0
  return {
    get unavailable() {
      return unavailable
    },
    async set(mode) {
      unavailable = mode === true || mode === 'unavailable'
      if (mode === 'refused') {
        if (server.listening) port = (server.address() as AddressInfo).port
        await listener.stop()
      } else if (!server.listening) await listener.listen(port)
    },
  }
}
