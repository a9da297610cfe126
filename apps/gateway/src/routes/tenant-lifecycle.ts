/**
 * Ending the caller's own tenant: disabling it (its API keys stop working within the gateways' few seconds of key
 * cache; only the operator enables it again, `ksef-hub tenant enable`), and deleting
 * it (final: its secrets and access erased, the record of its invoicing kept; see the pipeline's
 * `tenants/lifecycle.ts`). Both ask for the tenant's id in `?confirm=`, so that no stray request ends a tenant.
 *
 * @module
 */
import { createRoute, z } from '@hono/zod-openapi'
import { deleteTenant, disableTenant } from '@ksef-hub/pipeline'
import type { Context } from 'hono'
import type { AppEnv, GatewayApp, RouteDeps } from '../env.ts'
import { GatewayError } from '../http/problem.ts'
import { problem } from '../http/schemas.ts'

const security = [{ Bearer: [] }]
const ConfirmSchema = z.object({
  confirm: z.string().openapi({ description: "Your tenant's id, to confirm" }),
})

const disableRoute = createRoute({
  method: 'post',
  path: '/v1/tenant/disable',
  tags: ['Tenant'],
  summary: 'Disable your tenant: API keys stop working; invoices already taken in still go to KSeF',
  description: 'Reversible by the operator only (`ksef-hub tenant enable`).',
  security,
  request: { query: ConfirmSchema },
  responses: { 204: { description: 'Disabled' }, 400: problem('`confirm` is not your tenant id') },
})

const DeletionSchema = z
  .object({
    tenantId: z.string(),
    erased: z.record(z.string(), z.number().int()),
    kept: z.record(z.string(), z.number().int()),
  })
  .openapi('TenantDeletion')

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/tenant',
  tags: ['Tenant'],
  summary: 'Delete your tenant: secrets and access erased, invoices, UPOs and the audit log kept',
  description:
    'Final. Refused while any invoice is on its way to KSeF. Kept: invoices with their XML and UPOs, purchase invoices, events, delivery logs, the audit log (the record a taxpayer must keep).',
  security,
  request: { query: ConfirmSchema },
  responses: {
    200: { description: 'Deleted', content: { 'application/json': { schema: DeletionSchema } } },
    400: problem('`confirm` is not your tenant id'),
    409: problem('Invoices are still on their way to KSeF'),
  },
})

function confirmed(c: Context<AppEnv>): string {
  const tenantId = c.get('caller').tenantId
  if (c.req.query('confirm') !== tenantId) {
    throw new GatewayError(400, 'REQUEST_INVALID', 'give your tenant id as ?confirm= to confirm', {
      field: 'query.confirm',
    })
  }
  return tenantId
}

/**
 * Registers the tenant lifecycle routes.
 *
 * @example
 * ```ts
 * registerTenantLifecycleRoutes(app, deps)
 * ```
 */
export function registerTenantLifecycleRoutes(app: GatewayApp, deps: RouteDeps): void {
  app.openAPIRegistry.registerPath(disableRoute)
  app.openAPIRegistry.registerPath(deleteRoute)
  app.post('/v1/tenant/disable', async (c) => {
    const tenantId = confirmed(c)
    await disableTenant(deps.context.db, tenantId, { actor: `api:${tenantId}`, now: deps.context.now() })
    return c.body(null, 204)
  })
  app.delete('/v1/tenant', async (c) => {
    const tenantId = confirmed(c)
    return c.json(
      await deleteTenant(deps.context.db, tenantId, { actor: `api:${tenantId}`, now: deps.context.now() }),
      200,
    )
  })
}
