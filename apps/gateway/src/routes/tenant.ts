/**
 * The caller's own tenant: its settings and connections (never its secrets), and setting its KSeF credentials
 * into the encrypted store.
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { getTenant, ksefCredentialsKind, listConnections, setKsefCredentials } from '@ksef-hub/pipeline'
import type { GatewayApp, RouteDeps } from '../env.ts'
import { validJson } from '../http/body.ts'
import { problem, TenantViewSchema } from '../http/schemas.ts'

const security = [{ Bearer: [] }]

const getRoute = createRoute({
  method: 'get',
  path: '/v1/tenant',
  tags: ['Tenant'],
  summary: 'Your tenant: environment, settings, connectors, which credentials are set',
  security,
  responses: { 200: { description: 'The tenant', content: { 'application/json': { schema: TenantViewSchema } } } },
})

const CredentialsSchema = z
  .union([
    z.object({ token: z.string().min(1).max(10_000) }).strict(),
    z.object({ certificate: z.string().min(1).max(100_000), privateKey: z.string().min(1).max(100_000) }).strict(),
  ])
  .openapi('KsefCredentials')

const credentialsRoute = createRoute({
  method: 'put',
  path: '/v1/tenant/credentials',
  tags: ['Tenant'],
  summary: 'Set your KSeF credentials (a KSeF token, or a certificate and its private key in PEM)',
  description: 'Stored encrypted (AES-256-GCM envelope); no endpoint ever returns them.',
  security,
  request: { body: { required: true, content: { 'application/json': { schema: CredentialsSchema } } } },
  responses: {
    204: { description: 'Stored' },
    400: problem('Malformed'),
    413: problem('Body too large'),
    415: problem('Not JSON'),
    422: problem('Not PEM'),
  },
})

/**
 * Registers the tenant routes.
 *
 * @example
 * ```ts
 * registerTenantRoutes(app, deps)
 * ```
 */
export function registerTenantRoutes(app: GatewayApp, deps: RouteDeps): void {
  const { db, keys } = deps.context
  app.openapi(getRoute, async (c) => {
    const tenantId = c.get('caller').tenantId
    const tenant = await getTenant(db, tenantId)
    return c.json(
      {
        id: tenant.id,
        name: tenant.name,
        nip: tenant.nip,
        environment: tenant.environment,
        ksefBaseUrl: tenant.ksefBaseUrl,
        settings: tenant.settings,
        credentials: await ksefCredentialsKind(db, tenantId),
        connectors: (await listConnections(db, tenantId)).map((connection) => ({
          name: connection.name,
          connector: connection.connector,
          enabled: connection.enabled,
          status: connection.status,
        })),
      },
      200,
    )
  })
  // Documented from the route definition; handled on the raw body (invalid UTF-8 refused, not replaced).
  app.openAPIRegistry.registerPath(credentialsRoute)
  app.put('/v1/tenant/credentials', async (c) => {
    const credentials = await validJson(c, CredentialsSchema)
    // A certificate is parsed and checked before it is stored (setKsefCredentials does it, for every way in).
    await setKsefCredentials(db, keys, c.get('caller').tenantId, credentials, deps.context.now())
    return c.body(null, 204)
  })
}
