/**
 * Per-tenant authentication: `Authorization: Bearer <api key>` resolves to exactly one tenant, which every
 * handler then takes from `c.get('caller')` (never from the path or the body). Verified keys are remembered for a
 * few seconds so the hot path does not ask the database on every request; revocation takes that long to bite.
 * Failed authentication is throttled per client address (`failures.ts`), before the database is asked.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import type { PipelineContext } from '@ksef-hub/pipeline'
import { type ApiKeyOwner, verifyApiKey } from '@ksef-hub/pipeline'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../../env.ts'
import { GatewayError } from '../../http/problem.ts'
import { DEFAULT_FAILURE_BUDGET, type FailureBudget, failureThrottle } from './failures.ts'

const MAX_CACHED = 10_000

/**
 * The tenant authentication middleware.
 *
 * @example
 * ```ts
 * app.use('/v1/*', tenantAuth(context, { cacheMs: 5_000 }))
 * ```
 */
export function tenantAuth(context: PipelineContext, options: { cacheMs: number; failures?: FailureBudget }) {
  const cache = new Map<string, { owner: ApiKeyOwner; until: number }>()
  const throttle = failureThrottle(options.failures ?? DEFAULT_FAILURE_BUDGET)
  return createMiddleware<AppEnv>(async function tenantAuth(c, next) {
    // The socket's address (the Node adapter's request); none in process (app.request), which counts as one.
    const address = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
      ?.remoteAddress
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!match?.[1]) {
      throttle.failed(address)
      throw new GatewayError(401, 'UNAUTHENTICATED', 'give the API key as `Authorization: Bearer <api key>`', {
        headers: { 'www-authenticate': 'Bearer realm="ksef-hub"' },
      })
    }
    // The cache is keyed by a hash: the map never holds a usable key.
    const cacheKey = createHash('sha256').update(match[1]).digest('base64')
    const now = Date.now()
    const cached = cache.get(cacheKey)
    let owner = cached && cached.until > now ? cached.owner : undefined
    if (!owner) {
      const wait = throttle.refusal(address)
      if (wait !== undefined) {
        throw new GatewayError(
          429,
          'RATE_LIMITED',
          `too many failed authentications from this address; retry in ${wait} s`,
          {
            headers: { 'retry-after': String(wait) },
          },
        )
      }
      const verified = await verifyApiKey(context.db, match[1], context.now())
      if (!verified) {
        throttle.failed(address)
        throw new GatewayError(401, 'UNAUTHENTICATED', 'the API key is unknown or revoked', {
          headers: { 'www-authenticate': 'Bearer realm="ksef-hub", error="invalid_token"' },
        })
      }
      owner = verified
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string)
      cache.set(cacheKey, { owner, until: now + options.cacheMs })
    }
    c.set('caller', owner)
    c.set('logger', c.get('logger').child({ tenantId: owner.tenantId }))
    await next()
  })
}
