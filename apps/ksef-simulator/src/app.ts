/**
 * The simulator's HTTP application: `/v2` (the KSeF API), `/storage` (pre-signed uploads and downloads) and
 * `/__admin` (fault injection and inspection, absent in strict mode).
 *
 * @module
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { adminRoutes } from './admin/routes.ts'
import { loginRoutes } from './auth/login-routes.ts'
import { authSessionRoutes } from './auth/session-routes.ts'
import type { Simulator } from './context.ts'
import { ApiError, renderApiError, wantsProblemDetails } from './errors/index.ts'
import { faultMiddleware } from './faults/middleware.ts'
import type { SimContext, SimulatorEnv } from './http/env.ts'
import { exportStorageRoutes } from './invoices/exports/routes.ts'
import { invoiceRoutes } from './invoices/routes.ts'
import { rateLimitMiddleware } from './limits/middleware.ts'
import { limitRoutes } from './limits/routes.ts'
import { securityRoutes } from './security/routes.ts'
import { batchSessionRoutes, batchStorageRoutes } from './sessions/batch/routes.ts'
import { onlineSessionRoutes } from './sessions/online/routes.ts'
import { sessionStatusRoutes, upoStorageRoutes } from './sessions/status/routes.ts'
import { testDataRoutes } from './testdata/routes.ts'
import { tokenRoutes } from './tokens/routes.ts'

/** Largest request body under `/v2`. */
const MAX_V2_BODY = 6 * 1024 * 1024

/**
 * Builds the application of a simulator.
 *
 * @example
 * ```ts
 * serve({ fetch: createApp(sim).fetch, port: 0 })
 * ```
 */
export function createApp(sim: Simulator): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()
  app.use('*', async (c, next) => {
    c.set('sim', sim)
    await next()
  })
  app.use('/v2/*', faultMiddleware)
  app.use('/storage/*', faultMiddleware)
  app.use('/v2/*', rateLimitMiddleware)
  // No KSeF request body is larger than an encrypted 3 MB invoice in Base64 inside JSON.
  app.use(
    '/v2/*',
    bodyLimit({
      maxSize: MAX_V2_BODY,
      onError: () => {
        throw ApiError.badRequest(21405, `Treść żądania przekracza ${MAX_V2_BODY} bajtów.`)
      },
    }),
  )

  const v2 = new Hono<SimulatorEnv>()
  for (const routes of [
    securityRoutes(),
    loginRoutes(),
    authSessionRoutes(),
    tokenRoutes(),
    testDataRoutes(),
    limitRoutes(),
    onlineSessionRoutes(),
    batchSessionRoutes(),
    sessionStatusRoutes(),
    invoiceRoutes(),
  ]) {
    v2.route('/', routes)
  }
  app.route('/v2', v2)
  app.route('/', batchStorageRoutes())
  app.route('/', upoStorageRoutes())
  app.route('/', exportStorageRoutes())
  if (!sim.options.strict) app.route('/__admin', adminRoutes())

  const answer = (c: SimContext, error: ApiError) => {
    const rendered = renderApiError(error, {
      problemDetails: wantsProblemDetails(c.req.header('x-error-format')),
      instance: c.req.path,
      now: sim.clock.now(),
    })
    return c.json(rendered.body as object, rendered.status as 400, rendered.headers)
  }
  app.notFound((c) => answer(c, ApiError.notFound(c.req.path)))
  app.onError((error, c) => {
    if (error instanceof ApiError) return answer(c, error)
    sim.log(`unexpected error on ${c.req.method} ${c.req.path}: ${error.stack ?? String(error)}`)
    return answer(c, ApiError.internal('Wystąpił nieoczekiwany błąd przetwarzania żądania.'))
  })
  return app
}
