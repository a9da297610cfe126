/**
 * `Idempotency-Key`, as Stripe does it: the first request with a key runs and its response is stored (for 24 h);
 * a retry with the same key and the same request gets that response again (`Idempotent-Replayed: true`); the
 * same key with a different request is refused (422); a retry while the first still runs gets 409.
 *
 * Which responses are kept: every answer the endpoint gave, 2xx and 4xx alike (a 422 for an invalid invoice is
 * the answer to that request); a 5xx is NOT kept, so a retry after a transient failure runs again. (Stripe keeps
 * 500s too; we prefer the retry, which is safe because intake itself is idempotent per document.)
 *
 * @module
 */
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  type PipelineContext,
  releaseIdempotencyKey,
} from '@ksef-hub/pipeline'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../../env.ts'
import { GatewayError } from '../../http/problem.ts'
import { fingerprintOf } from './fingerprint.ts'

const KEY = /^[\x21-\x7e]{1,255}$/
const KEPT_HEADERS = ['content-type', 'location']

/**
 * The idempotency middleware of a route (what counts as the same request: see `fingerprint.ts`).
 *
 * @example
 * ```ts
 * app.post('/v1/invoices', idempotent(context), handler)
 * ```
 */
export function idempotent(context: PipelineContext) {
  return createMiddleware<AppEnv>(async function idempotent(c, next) {
    const key = c.req.header('idempotency-key')
    if (key === undefined) return next()
    if (!KEY.test(key)) {
      throw new GatewayError(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1-255 visible ASCII characters', {
        field: 'header.idempotency-key',
      })
    }
    const tenantId = c.get('caller').tenantId
    const fingerprint = await fingerprintOf(c)
    const claim = await claimIdempotencyKey(context.db, { tenantId, key, fingerprint, now: context.now() })
    if (claim.kind === 'replay') {
      return new Response(claim.response.body as Uint8Array<ArrayBuffer>, {
        status: claim.response.status,
        headers: { ...claim.response.headers, 'idempotent-replayed': 'true' },
      })
    }
    if (claim.kind === 'in_progress') {
      throw new GatewayError(
        409,
        'IDEMPOTENCY_KEY_IN_USE',
        'a request with this Idempotency-Key is still being processed; retry shortly',
        {
          headers: { 'retry-after': '1' },
        },
      )
    }
    if (claim.kind === 'mismatch') {
      throw new GatewayError(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was used with a different request; keys can only be reused with the same method, path, query, content type and body',
        { field: 'header.idempotency-key' },
      )
    }
    try {
      await next()
    } catch (error) {
      await releaseIdempotencyKey(context.db, tenantId, key)
      throw error
    }
    if (c.res.status >= 500) {
      await releaseIdempotencyKey(context.db, tenantId, key)
      return
    }
    const stored = c.res.clone()
    const headers: Record<string, string> = {}
    for (const name of KEPT_HEADERS) {
      const value = stored.headers.get(name)
      if (value !== null) headers[name] = value
    }
    await completeIdempotencyKey(context.db, tenantId, key, {
      status: stored.status,
      headers,
      body: new Uint8Array(await stored.arrayBuffer()),
    })
  })
}
