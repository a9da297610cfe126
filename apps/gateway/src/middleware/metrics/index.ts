/**
 * Prometheus metrics of the gateway: requests by route and status, latency histograms, invoices taken in. One
 * registry per app, so tests and several apps in one process do not collide.
 *
 * @module
 */

import { createMiddleware } from 'hono/factory'
import { matchedRoutes } from 'hono/route'
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client'
import type { AppEnv } from '../../env.ts'

/** The gateway's metrics. */
export interface GatewayMetrics {
  readonly registry: Registry
  readonly requests: Counter<'method' | 'route' | 'status'>
  readonly duration: Histogram<'method' | 'route'>
  readonly invoices: Counter<'mode' | 'outcome'>
}

/**
 * Creates the metrics (with the process's default metrics).
 *
 * @example
 * ```ts
 * const metrics = createMetrics()
 * const text = await metrics.registry.metrics()
 * ```
 */
export function createMetrics(): GatewayMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'ksef_hub_gateway_' })
  return {
    registry,
    requests: new Counter({
      name: 'ksef_hub_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'ksef_hub_http_request_duration_seconds',
      help: 'HTTP request duration by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    invoices: new Counter({
      name: 'ksef_hub_invoices_submitted_total',
      help: 'Invoices taken in through the API, by mode (single, bulk) and outcome (created, existing, failed)',
      labelNames: ['mode', 'outcome'],
      registers: [registry],
    }),
  }
}

function routeOf(method: string, routes: readonly { method: string; path: string }[]): string {
  const endpoint = routes.findLast((route) => route.method === method || (method === 'HEAD' && route.method === 'GET'))
  return endpoint?.path ?? 'unmatched'
}

/**
 * Counts and times every request, and writes the access log line.
 *
 * @example
 * ```ts
 * app.use(observe(metrics, { accessLog: true }))
 * ```
 */
export function observe(metrics: GatewayMetrics, options: { accessLog: boolean }) {
  return createMiddleware<AppEnv>(async function observe(c, next) {
    const started = performance.now()
    await next()
    // The matched pattern (`/v1/invoices/:id`), never the raw path: ids must not explode the label space.
    const route = routeOf(c.req.method, matchedRoutes(c))
    const seconds = (performance.now() - started) / 1000
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) })
    metrics.duration.observe({ method: c.req.method, route }, seconds)
    if (options.accessLog) {
      c.get('logger').info(
        { method: c.req.method, route, status: c.res.status, ms: Math.round(seconds * 10_000) / 10 },
        'request',
      )
    }
  })
}
