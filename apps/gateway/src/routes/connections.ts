/**
 * Connections: the connectors this hub runs, and the caller's connections to its systems (create, change, read
 * with how their pulls go, ask for a pull now); their documents are `connection-documents.ts`.
 * Everything goes through the pipeline's connection functions; secrets go in and never come out.
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import {
  type ConnectionStatus,
  connectionStatus,
  getConnection,
  listConnections,
  requestPull,
  saveConnection,
} from '@ksef-hub/pipeline'
import type { GatewayApp, RouteDeps } from '../env.ts'
import { validJson } from '../http/body.ts'
import {
  ConnectionInputSchema,
  ConnectionParamSchema,
  ConnectionSchema,
  ConnectorSchema,
  zeroBytePath,
} from '../http/connection-schemas.ts'
import { GatewayError } from '../http/problem.ts'
import { problem } from '../http/schemas.ts'
import { limitBody } from '../middleware/body-limit/index.ts'

const security = [{ Bearer: [] }]
const tags = ['Connections']
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

const connectorsRoute = createRoute({
  method: 'get',
  path: '/v1/connectors',
  tags,
  summary: 'The connectors this hub runs, with their capabilities',
  security,
  responses: { 200: json(z.object({ connectors: z.array(ConnectorSchema) }), 'The connectors') },
})
const listRoute = createRoute({
  method: 'get',
  path: '/v1/connections',
  tags,
  summary: 'Your connections, with how their pulls go',
  security,
  responses: { 200: json(z.object({ connections: z.array(ConnectionSchema) }), 'The connections') },
})
const saveRoute = createRoute({
  method: 'post',
  path: '/v1/connections',
  tags,
  summary: 'Create a connection, or change one (by name)',
  description:
    "Settings and secrets are checked against the connector's own schemas before anything is stored; a problem names the field (`settings.baseUrl`, `secrets.apiKey`).",
  security,
  request: { body: { required: true, content: { 'application/json': { schema: ConnectionInputSchema } } } },
  responses: {
    200: json(ConnectionSchema, 'Changed'),
    201: json(ConnectionSchema, 'Created'),
    400: problem('Malformed'),
    422: problem('Settings or secrets do not fit the connector, or the connector is not installed'),
  },
})
const getRoute = createRoute({
  method: 'get',
  path: '/v1/connections/{id}',
  tags,
  summary: 'A connection: last pull, cursor age, errors, needs_reauth, documents, write-backs, imports',
  security,
  request: { params: ConnectionParamSchema },
  responses: { 200: json(ConnectionSchema, 'The connection'), 404: problem('No such connection') },
})
const syncRoute = createRoute({
  method: 'post',
  path: '/v1/connections/{id}/sync',
  tags,
  summary: 'Pull the connection now',
  security,
  request: { params: ConnectionParamSchema },
  responses: {
    202: json(z.object({ requested: z.literal(true) }), 'A pull is asked for (one waits at most per connection)'),
    404: problem('No such connection'),
    409: problem('The connection is disabled or needs re-authorization'),
  },
})
const iso = (value: Date | null) => (value ? value.toISOString() : null)

function view(status: ConnectionStatus) {
  return {
    ...status,
    lastPullStartedAt: iso(status.lastPullStartedAt),
    lastPullFinishedAt: iso(status.lastPullFinishedAt),
    cursorAt: iso(status.cursorAt),
    lastErrorAt: iso(status.lastErrorAt),
    createdAt: status.createdAt.toISOString(),
    updatedAt: status.updatedAt.toISOString(),
  }
}

/**
 * Registers the connection routes.
 *
 * @example
 * ```ts
 * registerConnectionRoutes(app, deps)
 * ```
 */
export function registerConnectionRoutes(app: GatewayApp, deps: RouteDeps): void {
  const { context } = deps
  app.openapi(connectorsRoute, (c) =>
    c.json(
      {
        connectors: [...deps.connectors.values()].map((connector) => ({
          id: connector.id,
          displayName: connector.displayName,
          version: connector.version,
          capabilities: [...connector.capabilities],
        })),
      },
      200,
    ),
  )
  app.openapi(listRoute, async (c) => {
    const tenantId = c.get('caller').tenantId
    const connections = []
    for (const connection of await listConnections(context.db, tenantId)) {
      connections.push(view(await connectionStatus(context.db, tenantId, connection.id, context.now())))
    }
    return c.json({ connections }, 200)
  })
  // Documented from the route definition; handled on the raw body with the body limit every route has.
  app.openAPIRegistry.registerPath(saveRoute)
  app.post('/v1/connections', limitBody(deps.options.bodyLimit.other), async (c) => {
    const tenantId = c.get('caller').tenantId
    const input = await validJson(c, ConnectionInputSchema)
    const zero = zeroBytePath(input)
    if (zero) throw new GatewayError(400, 'REQUEST_INVALID', `${zero}: must not contain U+0000`, { field: zero })
    const existed = await getConnection(context.db, tenantId, input.name ?? input.connector).then(
      () => true,
      () => false,
    )
    const saved = await saveConnection(context.db, context.keys, deps.connectors, tenantId, input, `api:${tenantId}`)
    return c.json(view(await connectionStatus(context.db, tenantId, saved.id, context.now())), existed ? 200 : 201)
  })
  app.openapi(getRoute, async (c) => {
    const status = await connectionStatus(context.db, c.get('caller').tenantId, c.req.valid('param').id, context.now())
    return c.json(view(status), 200)
  })
  app.openapi(syncRoute, async (c) => {
    const tenantId = c.get('caller').tenantId
    const connection = await getConnection(context.db, tenantId, c.req.valid('param').id)
    if (!connection.enabled || connection.status !== 'active') {
      throw new GatewayError(
        409,
        'ILLEGAL_TRANSITION',
        connection.enabled
          ? `connection ${connection.name} needs re-authorization: set its secrets again (${connection.statusReason ?? ''})`
          : `connection ${connection.name} is disabled`,
      )
    }
    await requestPull(context, { tenantId, connectionId: connection.id, reason: 'api' })
    return c.json({ requested: true as const }, 202)
  })
}
