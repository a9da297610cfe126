/**
 * Webhooks in: a source system (HubSpot, Xero, ...) calls `POST /v1/connectors/{connector}/{tenantId}/webhook`.
 * The call is routed to the tenant's connector, which checks the signature on the RAW body (any re-serialization
 * would break it) with the tenant's connector secrets, then handles it. No API key: the signature authenticates.
 *
 * The handler interface lives here, at the gateway, so the connector contract in packages/connector-sdk stays as
 * it is; a connector that receives webhooks exports one of these beside its definition.
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { appendAudit, connectorSecretName, getSecret, type Logger } from '@ksef-hub/pipeline'
import type { GatewayApp, RouteDeps } from '../env.ts'
import { bodyBytes } from '../http/body.ts'
import { GatewayError } from '../http/problem.ts'
import { problem } from '../http/schemas.ts'
import { limitBody } from '../middleware/body-limit/index.ts'

/** An inbound webhook call, as the source system sent it. */
export interface ConnectorWebhookRequest {
  /** The exact bytes received: signatures are computed over these. */
  readonly rawBody: Uint8Array
  /** Header names lower-case. */
  readonly headers: Readonly<Record<string, string>>
  /** The full URL called (some systems sign it, e.g. HubSpot v3). */
  readonly url: string
  readonly method: string
}

/** What a connector's webhook handler gets besides the request: its tenant's settings and secrets. */
export interface ConnectorWebhookContext {
  readonly tenantId: string
  readonly connector: string
  readonly config: Readonly<Record<string, unknown>>
  readonly secrets: Readonly<Record<string, string>>
  readonly logger: Logger
}

/** The part of a connector that receives webhooks. */
export interface ConnectorWebhookHandler {
  /** Whether the request is authentic (signature over the raw body, timestamp fresh). Must not throw. */
  verify(request: ConnectorWebhookRequest, context: ConnectorWebhookContext): boolean | Promise<boolean>
  /** Acts on an authentic request (e.g. queue the documents it names); answers what the source expects. */
  handle(
    request: ConnectorWebhookRequest,
    context: ConnectorWebhookContext,
  ): Promise<{ readonly status?: 200 | 202 | 204; readonly body?: unknown }>
}

const route = createRoute({
  method: 'post',
  path: '/v1/connectors/{connector}/{tenantId}/webhook',
  tags: ['Webhooks in'],
  summary: "A source system's webhook call, routed to the tenant's connector",
  description:
    'Authenticated by the source system’s signature over the raw body, checked by the connector with the tenant’s connector secrets.',
  request: {
    params: z.object({
      connector: z.string().openapi({ param: { name: 'connector', in: 'path' }, example: 'hubspot' }),
      tenantId: z.string().openapi({ param: { name: 'tenantId', in: 'path' }, example: 'acme' }),
    }),
    body: { content: { 'application/json': { schema: z.unknown() } } },
  },
  responses: {
    200: { description: 'Handled' },
    202: { description: 'Accepted for processing' },
    401: problem('Signature missing or wrong'),
    404: problem('No such connector for this tenant'),
  },
})

/**
 * Registers the inbound webhook route.
 *
 * @example
 * ```ts
 * registerConnectorWebhookRoutes(app, { ...deps, connectorWebhooks: { hubspot: hubspotWebhooks } })
 * ```
 */
export function registerConnectorWebhookRoutes(app: GatewayApp, deps: RouteDeps): void {
  const { context } = deps
  app.openAPIRegistry.registerPath(route)
  app.post('/v1/connectors/:connector/:tenantId/webhook', limitBody(deps.options.bodyLimit.other), async (c) => {
    const connector = c.req.param('connector')
    const tenantId = c.req.param('tenantId')
    const handler = Object.hasOwn(deps.connectorWebhooks, connector) ? deps.connectorWebhooks[connector] : undefined
    const enabled = handler
      ? await context.db
          .selectFrom('tenant_connectors')
          .select(['settings'])
          .where('tenant_id', '=', tenantId)
          .where('connector', '=', connector)
          .where('enabled', '=', true)
          .executeTakeFirst()
      : undefined
    // One answer for "no such connector", "no such tenant" and "not enabled": nothing to probe.
    if (!handler || !enabled)
      throw new GatewayError(404, 'NOT_FOUND', `no connector ${connector} receives webhooks here`)
    const stored = await getSecret(context.db, context.keys, tenantId, connectorSecretName(connector))
    const request = {
      rawBody: await bodyBytes(c),
      headers: Object.fromEntries([...c.req.raw.headers].map(([name, value]) => [name.toLowerCase(), value])),
      url: c.req.url,
      method: c.req.method,
    }
    const handlerContext: ConnectorWebhookContext = {
      tenantId,
      connector,
      config: enabled.settings,
      secrets: stored ? (JSON.parse(stored) as Record<string, string>) : {},
      logger: c.get('logger').child({ tenantId, connector }),
    }
    let authentic = false
    try {
      authentic = await handler.verify(request, handlerContext)
    } catch {
      authentic = false
    }
    await appendAudit(context.db, {
      tenantId,
      kind: 'connector.webhook',
      actor: `connector:${connector}`,
      details: { authentic, bytes: request.rawBody.length },
    })
    if (!authentic) throw new GatewayError(401, 'SIGNATURE_INVALID', 'the webhook signature is missing or wrong')
    const answer = await handler.handle(request, handlerContext)
    if (answer.status === 204) return c.body(null, 204)
    return c.json((answer.body ?? { received: true }) as Record<string, unknown>, answer.status ?? 200)
  })
}
