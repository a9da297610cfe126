/**
 * Webhooks in: a source system (HubSpot, Xero, ...) calls `POST /v1/connectors/{connector}/{tenantId}/webhook`.
 * The pipeline hands the call to the tenant's connections of that connector, whose connector checks it on the RAW
 * body (any re-serialization would break a signature), then schedules the pulls it asks for. No API key: the
 * signature authenticates. The contract a connector implements is the SDK's (`webhooks` of `defineConnector`).
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { receiveConnectionWebhook } from '@ksef-hub/pipeline'
import type { GatewayApp, RouteDeps } from '../env.ts'
import { bodyBytes } from '../http/body.ts'
import { GatewayError } from '../http/problem.ts'
import { problem } from '../http/schemas.ts'
import { limitBody } from '../middleware/body-limit/index.ts'

const route = createRoute({
  method: 'post',
  path: '/v1/connectors/{connector}/{tenantId}/webhook',
  tags: ['Webhooks in'],
  summary: "A source system's webhook call, routed to the tenant's connections of that connector",
  description:
    'Authenticated by the source system’s signature over the raw body, checked by the connector with each connection’s secrets. A handshake (a validation token) is answered as the system expects; a delivery seen before is acknowledged and not acted on again.',
  request: {
    params: z.object({
      connector: z.string().openapi({ param: { name: 'connector', in: 'path' }, example: 'hubspot' }),
      tenantId: z.string().openapi({ param: { name: 'tenantId', in: 'path' }, example: 'acme' }),
    }),
    body: { content: { 'application/json': { schema: z.unknown() } } },
  },
  responses: {
    200: { description: 'Handled (or a handshake answered)' },
    202: { description: 'Accepted for processing' },
    401: problem('Signature missing or wrong'),
    404: problem('No such connector for this tenant'),
  },
})

/**
 * The URL the source system called: under the hub's public address when it has one (a proxy in front of the
 * gateway changes scheme, host and port, and a signature over the URL was made with the public one).
 *
 * @example
 * ```ts
 * calledUrl('http://10.0.0.5:3000/v1/connectors/hubspot/acme/webhook?x=1', 'https://hub.example.com')
 * // 'https://hub.example.com/v1/connectors/hubspot/acme/webhook?x=1'
 * ```
 */
export function calledUrl(seen: string, publicUrl: string | undefined): string {
  if (!publicUrl) return seen
  const url = new URL(seen)
  return `${publicUrl.replace(/\/+$/, '')}${url.pathname}${url.search}`
}

/**
 * Registers the inbound webhook route.
 *
 * @example
 * ```ts
 * registerConnectorWebhookRoutes(app, { ...deps, connectors: connectorRegistry([hubspot]) })
 * ```
 */
export function registerConnectorWebhookRoutes(app: GatewayApp, deps: RouteDeps): void {
  app.openAPIRegistry.registerPath(route)
  app.post('/v1/connectors/:connector/:tenantId/webhook', limitBody(deps.options.bodyLimit.other), async (c) => {
    const reply = await receiveConnectionWebhook(deps.context, deps.connectors, {
      connector: c.req.param('connector'),
      tenantId: c.req.param('tenantId'),
      request: {
        method: c.req.method,
        url: calledUrl(c.req.url, deps.options.publicUrl),
        headers: Object.fromEntries([...c.req.raw.headers].map(([name, value]) => [name.toLowerCase(), value])),
        rawBody: await bodyBytes(c),
      },
    })
    if (reply.status === 401) {
      throw new GatewayError(401, 'SIGNATURE_INVALID', 'the webhook signature is missing or wrong')
    }
    if (reply.status === 204) return c.body(null, 204)
    if (typeof reply.body === 'string') return c.text(reply.body, reply.status)
    return c.json(reply.body ?? { received: true }, reply.status)
  })
}
