/**
 * The HTTP faults: a full outage (503 with the HTML page the MF firewall sends), 429 storms, and dropped
 * responses (the request is processed and stored, then the connection is destroyed, so the client cannot tell
 * whether it arrived).
 *
 * @module
 */
import { randomInt } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../errors/index.ts'
import type { SimulatorEnv } from '../http/env.ts'

/**
 * The rejection page of the firewall in front of KSeF (an F5-style "Request Rejected").
 *
 * @example
 * ```ts
 * c.html(outagePage(), 503)
 * ```
 */
export function outagePage(): string {
  const supportId = `${randomInt(1e9, 1e10)}${randomInt(1e9, 1e10)}`
  return `<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. Please consult with your administrator.<br><br>Your support ID is: ${supportId}<br><br><a href='javascript:history.back();'>[Go Back]</a></body></html>`
}

/**
 * Applies the HTTP faults in force to `/v2` and `/storage` requests (not in strict mode).
 *
 * @example
 * ```ts
 * app.use('/v2/*', faultMiddleware)
 * ```
 */
export const faultMiddleware: MiddlewareHandler<SimulatorEnv> = async (c, next) => {
  const sim = c.var.sim
  if (sim.options.strict) return next()
  const path = c.req.path
  if (sim.faults.take('outage', path)) return c.html(outagePage(), 503)
  const storm = sim.faults.take('rate-limit-storm', path)
  if (storm) {
    const seconds = sim.faults.secondsLeft(storm)
    throw ApiError.tooManyRequests(seconds, `Przekroczono limit żądań. Spróbuj ponownie po ${seconds} sekundach.`)
  }
  const drop = sim.faults.take('drop-response', path)
  await next()
  if (drop) {
    // Everything is processed and committed; only the answer is lost.
    const socket = c.env?.incoming?.socket
    socket?.destroy()
  }
}
