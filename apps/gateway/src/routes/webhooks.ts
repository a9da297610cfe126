/**
 * Webhooks out: a tenant subscribes URLs to events (invoice confirmed, rejected, stuck; incoming received) and
 * reads the delivery log. Deliveries are signed (`KSeF-Hub-Signature: t=...,v1=...`, HMAC-SHA256 over
 * `t.body`) with the subscription's secret, shown once at creation.
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { createSubscription, deleteSubscription, deliveryLog, EVENT_TYPES, listSubscriptions } from '@ksef-hub/pipeline'
import type { GatewayApp, RouteDeps } from '../env.ts'
import { validJson } from '../http/body.ts'
import { DeliverySchema, IdParamSchema, problem, WebhookSubscriptionSchema, withoutZeroByte } from '../http/schemas.ts'

const security = [{ Bearer: [] }]

const CreateSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .refine(...withoutZeroByte),
    events: z.array(z.enum(EVENT_TYPES)).min(1),
    description: z
      .string()
      .max(500)
      .refine(...withoutZeroByte)
      .optional(),
  })
  .openapi('WebhookSubscriptionCreate')

const createRouteDef = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  tags: ['Webhooks out'],
  summary: 'Subscribe a URL to events',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: CreateSchema } } } },
  responses: {
    201: {
      description: 'Subscribed. `secret` signs the deliveries; it is shown only now.',
      content: {
        'application/json': { schema: z.object({ subscription: WebhookSubscriptionSchema, secret: z.string() }) },
      },
    },
    400: problem('Bad subscription'),
    413: problem('Body too large'),
    415: problem('Not JSON'),
  },
})

const listRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  tags: ['Webhooks out'],
  summary: 'The subscriptions',
  security,
  responses: {
    200: {
      description: 'Subscriptions',
      content: { 'application/json': { schema: z.object({ subscriptions: z.array(WebhookSubscriptionSchema) }) } },
    },
  },
})

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  tags: ['Webhooks out'],
  summary: 'End a subscription',
  security,
  request: { params: IdParamSchema },
  responses: { 204: { description: 'Ended' }, 404: problem('No such subscription') },
})

const deliveriesRoute = createRoute({
  method: 'get',
  path: '/v1/webhooks/deliveries',
  tags: ['Webhooks out'],
  summary: 'The delivery log, newest first: every attempt with its outcome',
  security,
  request: {
    query: z.object({
      eventId: z.uuid().optional(),
      subscriptionId: z.uuid().optional(),
      limit: z.coerce.number().int().min(1).max(500).optional(),
    }),
  },
  responses: {
    200: {
      description: 'Attempts',
      content: { 'application/json': { schema: z.object({ deliveries: z.array(DeliverySchema) }) } },
    },
  },
})

/**
 * Registers the webhook subscription routes.
 *
 * @example
 * ```ts
 * registerWebhookRoutes(app, deps)
 * ```
 */
export function registerWebhookRoutes(app: GatewayApp, deps: RouteDeps): void {
  const { db, keys } = deps.context
  app.openapi(deliveriesRoute, async (c) =>
    c.json({ deliveries: await deliveryLog(db, c.get('caller').tenantId, c.req.valid('query')) }, 200),
  )
  // Documented from the route definition; handled on the raw body (invalid UTF-8 refused, not replaced).
  app.openAPIRegistry.registerPath(createRouteDef)
  app.post('/v1/webhooks', async (c) => {
    const body = await validJson(c, CreateSchema)
    const created = await createSubscription(db, keys, c.get('caller').tenantId, {
      url: body.url,
      events: body.events,
      ...(body.description !== undefined ? { description: body.description } : {}),
    })
    c.header('location', `/v1/webhooks/${created.subscription.id}`)
    return c.json(created, 201)
  })
  app.openapi(listRoute, async (c) =>
    c.json({ subscriptions: await listSubscriptions(db, c.get('caller').tenantId) }, 200),
  )
  app.openapi(deleteRoute, async (c) => {
    await deleteSubscription(db, c.get('caller').tenantId, c.req.valid('param').id)
    return c.body(null, 204)
  })
}
