/**
 * KSeF tokens: `POST /tokens` (only in a NIP or internal-id context, only after a XAdES login, never with more
 * permissions than the caller has), `GET /tokens`, `GET /tokens/{ref}`, `DELETE /tokens/{ref}`.
 *
 * @module
 */
import { Hono } from 'hono'
import { requireAccess } from '../auth/bearer.ts'
import type { AccessClaims } from '../auth/jwt.ts'
import { ApiError } from '../errors/index.ts'
import { decodeContinuation, encodeContinuation } from '../http/continuation.ts'
import type { SimContext, SimulatorEnv } from '../http/env.ts'
import { jsonBody, queryInt } from '../http/request.ts'
import { AuthStore } from '../store/auth-store.ts'
import { type KsefToken, TokenStore } from '../store/token-store.ts'
import { createKsefToken } from './create-token.ts'

interface GenerateTokenRequest {
  permissions: string[]
  description: string
}

function view(token: KsefToken): Record<string, unknown> {
  return {
    referenceNumber: token.referenceNumber,
    authorIdentifier: token.author,
    contextIdentifier: token.context,
    description: token.description,
    requestedPermissions: token.permissions,
    dateCreated: token.dateCreated,
    lastUseDate: token.lastUseDate ?? null,
    status: token.status,
    statusDetails: [],
  }
}

/** Tokens the caller may see: all of the context with CredentialsManage/Read, else their own. */
function visible(access: AccessClaims, token: KsefToken, usedTokenReference: string | undefined): boolean {
  if (token.context.type !== access.ctx.type || token.context.value !== access.ctx.value) return false
  if (access.per.includes('CredentialsManage') || access.per.includes('CredentialsRead')) return true
  if (usedTokenReference) return token.referenceNumber === usedTokenReference
  return token.author.type === access.sub.type && token.author.value === access.sub.value
}

/**
 * The token routes.
 *
 * @example
 * ```ts
 * v2.route('/', tokenRoutes())
 * ```
 */
export function tokenRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()

  app.post('/tokens', requireAccess, async (c) => {
    const sim = c.var.sim
    const access = c.var.access
    const body = await jsonBody<GenerateTokenRequest>(c, 'POST', '/tokens')
    if (access.ctx.type !== 'Nip' && access.ctx.type !== 'InternalId') {
      throw ApiError.badRequest(26002, `Bieżący typ kontekstu: ${access.ctx.type}. Dozwolone: Nip, InternalId.`)
    }
    if (access.met === 'Token') {
      throw ApiError.forbidden(
        'auth-method-not-allowed',
        'Ta operacja nie jest dostępna dla użytej metody uwierzytelnienia.',
        {
          authenticationMethodCategory: 'Token',
        },
      )
    }
    const missing = body.permissions.filter((permission) => !access.per.includes(permission))
    if (missing.length) throw ApiError.badRequest(26001, `Brakujące uprawnienia: ${missing.join(', ')}.`)
    const { token, record } = createKsefToken(sim, {
      context: access.ctx,
      author: access.sub,
      permissions: body.permissions,
      description: body.description,
    })
    return c.json({ referenceNumber: record.referenceNumber, token }, 202)
  })

  app.get('/tokens', requireAccess, (c) => {
    const sim = c.var.sim
    const access = c.var.access
    const pageSize = queryInt(c, 'pageSize', { min: 10, max: 100, fallback: 10 })
    const offset = decodeContinuation(c.req.header('x-continuation-token'))
    const statuses = c.req.queries('status') ?? []
    const description = c.req.query('description')?.toLowerCase()
    const author = c.req.query('authorIdentifier')
    const authorType = c.req.query('authorIdentifierType')
    const used = new AuthStore(sim.db).operation(access.ref)?.ksefTokenReference
    const all = new TokenStore(sim.db)
      .inContext(access.ctx)
      .filter((token) => visible(access, token, used))
      .filter((token) => statuses.length === 0 || statuses.includes(token.status))
      .filter((token) => !description || token.description.toLowerCase().includes(description))
      .filter((token) => !author || token.author.value.includes(author))
      .filter((token) => !authorType || token.author.type === authorType)
    return c.json({
      continuationToken: offset + pageSize < all.length ? encodeContinuation(offset + pageSize) : null,
      tokens: all.slice(offset, offset + pageSize).map(view),
    })
  })

  const own = (c: SimContext) => {
    const sim = c.var.sim
    const ref = c.req.param('referenceNumber') ?? ''
    const token = new TokenStore(sim.db).byReference(ref)
    const used = new AuthStore(sim.db).operation(c.var.access.ref)?.ksefTokenReference
    if (!token || !visible(c.var.access, token, used)) {
      throw ApiError.badRequest(21405, `Token o numerze referencyjnym ${ref} nie został znaleziony.`)
    }
    return token
  }

  app.get('/tokens/:referenceNumber', requireAccess, (c) => c.json(view(own(c))))

  app.delete('/tokens/:referenceNumber', requireAccess, (c) => {
    const token = own(c)
    new TokenStore(c.var.sim.db).setStatus(token.referenceNumber, 'Revoked')
    return c.body(null, 204)
  })

  return app
}
