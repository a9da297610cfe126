/**
 * `GET /security/public-key-certificates`: the simulator's certificates for `KsefTokenEncryption` and
 * `SymmetricKeyEncryption`.
 *
 * @module
 */
import { Hono } from 'hono'
import type { SimulatorEnv } from '../http/env.ts'

/**
 * The security routes.
 *
 * @example
 * ```ts
 * v2.route('/', securityRoutes())
 * ```
 */
export function securityRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()
  app.get('/security/public-key-certificates', (c) => c.json(c.var.sim.keys.list()))
  return app
}
