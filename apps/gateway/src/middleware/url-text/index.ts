/**
 * A zero byte in the URL (`%00` in the path or a query parameter) is refused with a 400 naming where it is:
 * PostgreSQL cannot store or compare text holding U+0000, and a filter such as `?number=%00` reached it and failed
 * as a 500. The raw URL cannot hold a literal zero byte (the HTTP parser refuses it), so only a URL with `%00` is
 * looked at more closely.
 *
 * @module
 */
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../../env.ts'
import { GatewayError } from '../../http/problem.ts'

const refused = (field: string) =>
  new GatewayError(400, 'REQUEST_INVALID', `${field} must not contain U+0000 (a zero byte)`, { field })

/**
 * The middleware.
 *
 * @example
 * ```ts
 * app.use(refuseZeroBytesInUrl())
 * ```
 */
export function refuseZeroBytesInUrl() {
  return createMiddleware<AppEnv>(async function refuseZeroBytesInUrl(c, next) {
    if (c.req.url.includes('%00')) {
      const url = new URL(c.req.url)
      if (c.req.path.includes('\u0000') || url.pathname.includes('%00')) throw refused('path')
      for (const [name, value] of url.searchParams) {
        if (name.includes('\u0000')) throw refused('query')
        if (value.includes('\u0000')) throw refused(`query.${name}`)
      }
    }
    await next()
  })
}
