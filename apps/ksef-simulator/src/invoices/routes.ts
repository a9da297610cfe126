/**
 * The invoice-reading routes: metadata query, download by KSeF number, exports.
 *
 * @module
 */
import { Hono } from 'hono'
import type { SimulatorEnv } from '../http/env.ts'
import { downloadRoutes } from './download/routes.ts'
import { exportRoutes } from './exports/routes.ts'
import { queryRoutes } from './query/routes.ts'

/**
 * Every invoice-reading route under `/v2`.
 *
 * @example
 * ```ts
 * v2.route('/', invoiceRoutes())
 * ```
 */
export function invoiceRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()
  app.route('/', queryRoutes())
  app.route('/', downloadRoutes())
  app.route('/', exportRoutes())
  return app
}
