/**
 * Operations endpoints: liveness, readiness (database and queue answer), Prometheus metrics.
 *
 * @module
 */
import { QUEUES } from '@ksef-hub/pipeline'
import { sql } from 'kysely'
import type { GatewayApp, RouteDeps } from '../env.ts'

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

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
    const checks: Record<string, string> = {}
    try {
      await within(2_000, sql`select 1`.execute(context.db))
      checks.database = 'ok'
    } catch (error) {
      checks.database = (error as Error).message.slice(0, 200)
    }
    try {
      const queue = await within(2_000, context.boss.getQueue(QUEUES.submit))
      checks.queue = queue ? 'ok' : 'missing'
    } catch (error) {
      checks.queue = (error as Error).message.slice(0, 200)
    }
    if (draining()) checks.gateway = 'shutting down'
    const ready = Object.values(checks).every((value) => value === 'ok')
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503)
  })
  app.get('/metrics', async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  )
}
