/**
 * The gateway app: middleware in order (request id, logging and metrics, timeouts, tenant authentication, rate
 * limits), the `/v1` routes, the generated OpenAPI 3.1 document with its interactive page, and one error handler
 * that answers problem+json.
 *
 * @module
 */

import { swaggerUI } from '@hono/swagger-ui'
import { OpenAPIHono } from '@hono/zod-openapi'
import {
  createIntakePool,
  createSubmissionBatcher,
  DEFAULT_INTAKE_THREADS,
  DEFAULT_REQUEST_BUDGET,
  leaseRequestTokens,
} from '@ksef-hub/pipeline'
import { createMiddleware } from 'hono/factory'
import { requestId } from 'hono/request-id'
import { timeout } from 'hono/timeout'
import type { AppEnv, GatewayApp, GatewayDeps, GatewayOptions, RouteDeps } from './env.ts'
import { lazyChild } from './http/lazy-logger.ts'
import { GatewayError, problemResponse } from './http/problem.ts'
import { limitBodies } from './middleware/body-limit/index.ts'
import { createMetrics, observe } from './middleware/metrics/index.ts'
import { tenantRateLimit } from './middleware/rate-limit/index.ts'
import { tenantAuth } from './middleware/tenant-auth/index.ts'
import { refuseZeroBytesInUrl } from './middleware/url-text/index.ts'
import { registerConnectionDocumentRoutes } from './routes/connection-documents.ts'
import { registerConnectionRoutes } from './routes/connections.ts'
import { registerConnectorWebhookRoutes } from './routes/connector-webhooks.ts'
import { registerIncomingRoutes } from './routes/incoming.ts'
import { registerActRoutes } from './routes/invoices-act.ts'
import { registerReadRoutes } from './routes/invoices-read.ts'
import { registerSubmitRoutes } from './routes/invoices-submit.ts'
import { registerOperationsRoutes } from './routes/operations.ts'
import { registerTenantRoutes } from './routes/tenant.ts'
import { registerTenantLifecycleRoutes } from './routes/tenant-lifecycle.ts'
import { registerWebhookRoutes } from './routes/webhooks.ts'

/** The defaults of {@link GatewayOptions}. */
export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  validation: 'structural',
  rateLimit: DEFAULT_REQUEST_BUDGET,
  bodyLimit: { single: 4 * 1024 * 1024, bulk: 64 * 1024 * 1024, other: 1024 * 1024 },
  timeoutMs: { request: 30_000, bulk: 120_000 },
  authCacheMs: 5_000,
  accessLog: true,
  // Measured best on 2 cores: two transactions in flight let batches grow while one commits.
  groupCommit: { maxInFlight: 2, maxBatch: 200 },
  intakeThreads: DEFAULT_INTAKE_THREADS,
}

/** A gateway app and the hooks its server needs. */
export interface GatewayAppHandle {
  readonly app: GatewayApp
  /** Marks the app as shutting down: `/readyz` answers 503 from then on. */
  readonly drain: () => void
  /** Ends what the app started (its intake pool's threads). */
  readonly close: () => Promise<void>
}

const CONNECTOR_WEBHOOK = /^\/v1\/connectors\/[^/]+\/[^/]+\/webhook$/

function build(deps: GatewayDeps): GatewayAppHandle {
  const options: GatewayOptions = { ...DEFAULT_GATEWAY_OPTIONS, ...deps.options }
  const metrics = createMetrics()
  const routeDeps: RouteDeps = {
    context: deps.context,
    options,
    metrics,
    connectors: deps.connectors ?? new Map(),
    batcher: createSubmissionBatcher(deps.context, options.groupCommit),
    intake: deps.intakePool ?? createIntakePool({ threads: options.intakeThreads }),
  }
  let draining = false
  const app: GatewayApp = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (result.success) return
      const issue = result.error.issues[0]
      const where = result.target === 'json' ? '' : `${result.target}.`
      const field = `${where}${issue?.path.join('.') ?? ''}`.replace(/\.$/, '') || result.target
      throw new GatewayError(400, 'REQUEST_INVALID', `${field}: ${issue?.message ?? 'invalid'}`, { field })
    },
  })
  const baseLogger = deps.context.logger.child({ component: 'gateway' })

  // A client's X-Request-Id is kept when it is 1-64 of [A-Za-z0-9_=-] (Hono checks the characters); any other is
  // replaced by a UUID, so that no client writes what it likes into the logs.
  app.use(requestId({ limitLength: 64 }))
  app.use(
    createMiddleware<AppEnv>(async function requestLogger(c, next) {
      c.set('logger', lazyChild(baseLogger, { requestId: c.get('requestId') }))
      await next()
    }),
  )
  app.use(observe(metrics, { accessLog: options.accessLog }))
  const onTimeout = () =>
    new GatewayError(
      503,
      'TIMEOUT',
      'the request took too long; it may still complete (retry with the same Idempotency-Key)',
    )
  const ordinary = timeout(options.timeoutMs.request, onTimeout as never)
  const long = timeout(options.timeoutMs.bulk, onTimeout as never)
  app.use(
    createMiddleware<AppEnv>(async function requestTimeout(c, next) {
      await (c.req.path === '/v1/invoices/bulk' ? long : ordinary)(c, next)
    }),
  )
  app.use(refuseZeroBytesInUrl())
  const auth = tenantAuth(deps.context, { cacheMs: options.authCacheMs })
  const limit = tenantRateLimit(
    (tenantId, budget, want) => leaseRequestTokens(deps.context.db, tenantId, budget, want),
    options.rateLimit,
  )
  app.use(
    '/v1/*',
    createMiddleware<AppEnv>(async function authenticated(c, next) {
      // Inbound connector webhooks authenticate by the source system's signature, not an API key.
      if (CONNECTOR_WEBHOOK.test(c.req.path)) {
        await next()
        return
      }
      await auth(c, async () => {
        await limit(c, next)
      })
    }),
  )
  // Every route's body is bounded; after authentication, so that no one reads an unknown caller's body.
  app.use(limitBodies(options.bodyLimit))

  registerSubmitRoutes(app, routeDeps)
  registerActRoutes(app, routeDeps)
  registerReadRoutes(app, routeDeps)
  registerIncomingRoutes(app, routeDeps)
  registerWebhookRoutes(app, routeDeps)
  registerTenantRoutes(app, routeDeps)
  registerTenantLifecycleRoutes(app, routeDeps)
  registerConnectionRoutes(app, routeDeps)
  registerConnectionDocumentRoutes(app, routeDeps)
  registerConnectorWebhookRoutes(app, routeDeps)
  registerOperationsRoutes(app, routeDeps, () => draining)

  app.openAPIRegistry.registerComponent('securitySchemes', 'Bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A tenant API key (`ksh_...`), from `ksef-hub tenant create` or `tenant rotate-key`.',
  })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'KSeF Hub API',
      version: '1.0.0',
      description:
        'Submit invoices to KSeF (FA(3)) and follow them to their UPO. Every error is RFC 9457 problem+json with a stable `code`.',
    },
  })
  app.get('/docs', swaggerUI({ url: '/openapi.json' }))

  app.notFound((c) =>
    problemResponse(c, new GatewayError(404, 'ROUTE_NOT_FOUND', `no route ${c.req.method} ${c.req.path}`)),
  )
  app.onError((error, c) => problemResponse(c, error))
  return {
    app,
    drain: () => (draining = true),
    close: () => (deps.intakePool ? Promise.resolve() : routeDeps.intake.close()),
  }
}

/**
 * Creates the gateway app (a Hono app: test it with `app.request()` or serve it with {@link startGateway}).
 *
 * @example
 * ```ts
 * const app = createGatewayApp({ context })
 * const response = await app.request('/v1/invoices', { method: 'POST', headers, body })
 * ```
 */
export function createGatewayApp(deps: GatewayDeps): GatewayApp {
  return build(deps).app
}

/**
 * Like {@link createGatewayApp}, with the drain hook the server uses for graceful shutdown.
 *
 * @example
 * ```ts
 * const { app, drain } = createGatewayAppHandle({ context })
 * ```
 */
export function createGatewayAppHandle(deps: GatewayDeps): GatewayAppHandle {
  return build(deps)
}
