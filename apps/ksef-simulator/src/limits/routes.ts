/**
 * `GET /limits/context`, `GET /limits/subject` and `GET /rate-limits` of the caller's context.
 *
 * @module
 */
import { Hono } from 'hono'
import { requireAccess } from '../auth/bearer.ts'
import type { SimulatorEnv } from '../http/env.ts'
import { contextKey } from '../sessions/session-lookup.ts'
import { TestDataStore } from '../store/testdata-store.ts'
import { contextLimits } from './session-limits.ts'

/**
 * The limit routes.
 *
 * @example
 * ```ts
 * v2.route('/', limitRoutes())
 * ```
 */
export function limitRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()
  app.get('/limits/context', requireAccess, (c) => c.json(contextLimits(c.var.sim, contextKey(c.var.access.ctx))))
  app.get('/limits/subject', requireAccess, (c) => {
    const override = new TestDataStore(c.var.sim.db).setting<object>(contextKey(c.var.access.ctx), 'certificate-limits')
    return c.json(override ?? { enrollment: { maxEnrollments: 300 }, certificate: { maxCertificates: 100 } })
  })
  app.get('/rate-limits', requireAccess, (c) => c.json(c.var.sim.rateLimiter.effective(contextKey(c.var.access.ctx))))
  return app
}
