/**
 * The TEST-only `/testdata/*` endpoints: test subjects and persons, permissions, attachment opt-in, context
 * blocking, and (with a bearer token) session and rate limits of the caller's context.
 *
 * @module
 */
import { Hono } from 'hono'
import { requireAccess } from '../auth/bearer.ts'
import type { ContextIdentifier, SubjectIdentifier } from '../auth/jwt.ts'
import type { TestPerson } from '../auth/permissions.ts'
import { ApiError } from '../errors/index.ts'
import type { SimulatorEnv } from '../http/env.ts'
import { jsonBody } from '../http/request.ts'
import type { GroupLimits } from '../limits/groups.ts'
import { SESSION_LIMITS_SETTING } from '../limits/session-limits.ts'
import { contextKey } from '../sessions/session-lookup.ts'
import { AuthStore } from '../store/auth-store.ts'
import { TestDataStore } from '../store/testdata-store.ts'

interface PermissionsGrant {
  contextIdentifier: { type: string; value: string }
  authorizedIdentifier: { type: string; value: string }
  permissions?: { permissionType: string; description: string }[]
}

function subjectOf(identifier: { type: string; value: string }): SubjectIdentifier {
  return { type: identifier.type as SubjectIdentifier['type'], value: identifier.value }
}

/**
 * The test data routes.
 *
 * @example
 * ```ts
 * v2.route('/', testDataRoutes())
 * ```
 */
export function testDataRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()
  const ok = () => new Response(null, { status: 200 })

  app.post('/testdata/subject', async (c) => {
    const body = await jsonBody<{ subjectNip: string; subjectType: string }>(c, 'POST', '/testdata/subject')
    const store = new TestDataStore(c.var.sim.db)
    if (store.get('subject', body.subjectNip)) throw ApiError.badRequest(30001)
    store.put('subject', body.subjectNip, body)
    return ok()
  })
  app.post('/testdata/subject/remove', async (c) => {
    const body = await jsonBody<{ subjectNip: string }>(c, 'POST', '/testdata/subject/remove')
    new TestDataStore(c.var.sim.db).remove('subject', body.subjectNip)
    return ok()
  })
  app.post('/testdata/person', async (c) => {
    const body = await jsonBody<TestPerson>(c, 'POST', '/testdata/person')
    const store = new TestDataStore(c.var.sim.db)
    if (store.get('person', body.nip)) throw ApiError.badRequest(30001)
    store.put('person', body.nip, body)
    return ok()
  })
  app.post('/testdata/person/remove', async (c) => {
    const body = await jsonBody<{ nip: string }>(c, 'POST', '/testdata/person/remove')
    new TestDataStore(c.var.sim.db).remove('person', body.nip)
    return ok()
  })
  app.post('/testdata/permissions', async (c) => {
    const body = await jsonBody<PermissionsGrant>(c, 'POST', '/testdata/permissions')
    const auth = new AuthStore(c.var.sim.db)
    const context: ContextIdentifier = {
      type: body.contextIdentifier.type as ContextIdentifier['type'],
      value: body.contextIdentifier.value,
    }
    for (const permission of body.permissions ?? []) {
      auth.grant(context, subjectOf(body.authorizedIdentifier), permission.permissionType, permission.description)
    }
    return ok()
  })
  app.post('/testdata/permissions/revoke', async (c) => {
    const body = await jsonBody<PermissionsGrant>(c, 'POST', '/testdata/permissions/revoke')
    const context: ContextIdentifier = {
      type: body.contextIdentifier.type as ContextIdentifier['type'],
      value: body.contextIdentifier.value,
    }
    new AuthStore(c.var.sim.db).revokeGrants(context, subjectOf(body.authorizedIdentifier))
    return ok()
  })
  app.post('/testdata/attachment', async (c) => {
    const body = await jsonBody<{ nip: string }>(c, 'POST', '/testdata/attachment')
    new TestDataStore(c.var.sim.db).put('attachment', body.nip, body)
    return ok()
  })
  app.post('/testdata/attachment/revoke', async (c) => {
    const body = await jsonBody<{ nip: string }>(c, 'POST', '/testdata/attachment/revoke')
    new TestDataStore(c.var.sim.db).remove('attachment', body.nip)
    return ok()
  })
  app.post('/testdata/context/block', async (c) => {
    const body = await jsonBody<{ contextIdentifier?: { type: string; value: string } | null }>(
      c,
      'POST',
      '/testdata/context/block',
    )
    if (!body.contextIdentifier) throw ApiError.badRequest(21405, 'contextIdentifier jest wymagany.')
    new TestDataStore(c.var.sim.db).put('blocked-context', contextKey(body.contextIdentifier), body.contextIdentifier)
    return ok()
  })
  app.post('/testdata/context/unblock', async (c) => {
    const body = await jsonBody<{ contextIdentifier?: { type: string; value: string } | null }>(
      c,
      'POST',
      '/testdata/context/unblock',
    )
    if (!body.contextIdentifier) throw ApiError.badRequest(21405, 'contextIdentifier jest wymagany.')
    new TestDataStore(c.var.sim.db).remove('blocked-context', contextKey(body.contextIdentifier))
    return ok()
  })

  app.post('/testdata/limits/context/session', requireAccess, async (c) => {
    const body = await jsonBody<object>(c, 'POST', '/testdata/limits/context/session')
    new TestDataStore(c.var.sim.db).setSetting(contextKey(c.var.access.ctx), SESSION_LIMITS_SETTING, body)
    return ok()
  })
  app.delete('/testdata/limits/context/session', requireAccess, (c) => {
    new TestDataStore(c.var.sim.db).clearSetting(contextKey(c.var.access.ctx), SESSION_LIMITS_SETTING)
    return ok()
  })
  app.post('/testdata/limits/subject/certificate', requireAccess, async (c) => {
    const body = await jsonBody<object>(c, 'POST', '/testdata/limits/subject/certificate')
    new TestDataStore(c.var.sim.db).setSetting(contextKey(c.var.access.ctx), 'certificate-limits', body)
    return ok()
  })
  app.delete('/testdata/limits/subject/certificate', requireAccess, (c) => {
    new TestDataStore(c.var.sim.db).clearSetting(contextKey(c.var.access.ctx), 'certificate-limits')
    return ok()
  })
  app.post('/testdata/rate-limits', requireAccess, async (c) => {
    const body = await jsonBody<{ rateLimits: Record<string, GroupLimits> }>(c, 'POST', '/testdata/rate-limits')
    c.var.sim.rateLimiter.override(contextKey(c.var.access.ctx), body.rateLimits)
    return ok()
  })
  app.delete('/testdata/rate-limits', requireAccess, (c) => {
    c.var.sim.rateLimiter.reset(contextKey(c.var.access.ctx))
    return ok()
  })
  app.post('/testdata/rate-limits/production', requireAccess, (c) => {
    c.var.sim.rateLimiter.override(contextKey(c.var.access.ctx), 'production')
    return ok()
  })
  return app
}
