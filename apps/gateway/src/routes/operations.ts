/**
 * Operations endpoints: liveness, readiness (database and queue answer; states only, never an error's text),
 * Prometheus metrics.
 *
 * @module
 */
import { readiness } from '@ksef-hub/pipeline'
import type { GatewayApp, RouteDeps } from '../env.ts'

/**
 * Registers `/healthz`, `/readyz` and `/metrics`.
 *
 * @param draining tells readiness that shutdown has begun (load balancers stop sending)
 * @example
 * ```ts
 * registerOperationsRoutes(app, deps, () => stopping)
 * ```
 */
export function registerOperationsRoutes(app: GatewayApp, deps: RouteDeps, draining: () => boolean): void {
  const { context, metrics } = deps
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/readyz', async (c) => {
    const checks: Record<string, string> = { ...(await readiness(context)) }
    if (draining()) checks.gateway = 'shutting down'
    const ready = Object.values(checks).every((value) => value === 'ok')
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503)
  })
  app.get('/metrics', async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  )
}
