import { silentLogger } from '@ksef-hub/pipeline'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../env.ts'
import { createMetrics, observe } from './index.ts'

function app(accessLog: boolean) {
  const metrics = createMetrics()
  const lines: Record<string, unknown>[] = []
  const logger = { ...silentLogger, info: (object: Record<string, unknown>) => lines.push(object) }
  const hono = new Hono<AppEnv>()
  hono.use(async (c, next) => {
    c.set('logger', logger)
    await next()
  })
  hono.use(observe(metrics, { accessLog }))
  hono.get('/v1/things/:id', (c) => c.json({ id: c.req.param('id') }))
  hono.post('/v1/things', (c) => c.json({ created: true }, 201))
  return { hono, metrics, lines }
}

const valuesOf = async (metrics: ReturnType<typeof createMetrics>, name: string) =>
  (await metrics.registry.getSingleMetric(name)?.get())?.values ?? []

describe('the metrics middleware', () => {
  it('counts requests by method, route pattern and status: ids never become labels', async () => {
    const { hono, metrics } = app(false)
    await hono.request('/v1/things/1')
    await hono.request('/v1/things/2')
    await hono.request('/v1/things', { method: 'POST' })
    await hono.request('/v1/nowhere/3')
    const counts = (await valuesOf(metrics, 'ksef_hub_http_requests_total')).map(({ labels, value }) => ({
      ...labels,
      value,
    }))
    expect(counts).toEqual(
      expect.arrayContaining([
        { method: 'GET', route: '/v1/things/:id', status: '200', value: 2 },
        { method: 'POST', route: '/v1/things', status: '201', value: 1 },
        { method: 'GET', route: 'unmatched', status: '404', value: 1 },
      ]),
    )
    expect(counts).toHaveLength(3)
    const durations = await valuesOf(metrics, 'ksef_hub_http_request_duration_seconds')
    const count = durations.find(
      (value) =>
        (value as { metricName?: string }).metricName === 'ksef_hub_http_request_duration_seconds_count' &&
        value.labels.route === '/v1/things/:id',
    )
    expect(count?.value).toBe(2)
    expect(await metrics.registry.metrics()).toContain('ksef_hub_gateway_process_cpu_seconds_total')
  })

  it('writes one access log line per request when asked, with the route pattern, not the path', async () => {
    const quiet = app(false)
    await quiet.hono.request('/v1/things/1')
    expect(quiet.lines).toEqual([])
    const { hono, lines } = app(true)
    await hono.request('/v1/things/42')
    expect(lines).toEqual([{ method: 'GET', route: '/v1/things/:id', status: 200, ms: expect.any(Number) }])
  })
})
