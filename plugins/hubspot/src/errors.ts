/**
 * HubSpot's refusals as connector errors, in one place. Most failures never reach here: the SDK's transport is the
 * hub's HTTP client, which classifies 401, 403, 5xx, timeouts and dropped connections itself. The statuses the
 * connector reads (`ACCEPTED`) come back to the SDK, which throws its `ApiException` (`code`, `body`, `headers`),
 * classified here: a 404 the caller may take as "absent", a 409 as "exists", a 400 naming its property, and a 429,
 * whose wait HubSpot gives in its body and headers rather than in `Retry-After`.
 *
 * @module
 */
import { ConnectorError, errorOfStatus, retryAfterMs, warsawMidnight } from '@ksef-hub/connector-sdk'
import { warsawDay } from '@ksef-hub/fa3'

/** Statuses the transport hands back to the SDK (the rest are thrown by the hub's client). */
export const ACCEPTED = [400, 404, 409, 410, 422, 429] as const

/** What the SDK throws for a status it was not given a model for. */
export interface ApiExceptionLike {
  readonly code: number
  readonly body: unknown
  readonly headers: Readonly<Record<string, string>>
}

/**
 * Whether an error is the SDK's `ApiException` (one class per generated module, so by shape).
 *
 * @example
 * ```ts
 * if (isApiException(error) && error.code === 404) return undefined
 * ```
 */
export function isApiException(error: unknown): error is ApiExceptionLike {
  const candidate = error as Partial<ApiExceptionLike> | null
  return (
    error instanceof Error &&
    typeof candidate?.code === 'number' &&
    typeof candidate.headers === 'object' &&
    candidate.headers !== null
  )
}

/** The parts of HubSpot's error bodies the connector reads (CRM errors, the rate limiter's). */
interface ErrorBody {
  readonly message?: unknown
  readonly category?: unknown
  readonly policyName?: unknown
  readonly errors?: readonly { readonly code?: unknown; readonly context?: Record<string, unknown> }[]
}

function bodyOf(exception: ApiExceptionLike): ErrorBody {
  const body = exception.body
  if (typeof body === 'object' && body !== null) return body as ErrorBody
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as ErrorBody
    } catch {
      return { message: body }
    }
  }
  return {}
}

/** How long to wait before the next day of the daily limit (it resets at the portal's midnight, Warsaw here). */
function untilTomorrow(now: Date): number {
  const tomorrow = new Date(`${warsawDay(now)}T12:00:00Z`)
  tomorrow.setUTCDate(tomorrow.getUTCDate() + 1)
  return warsawMidnight(tomorrow.toISOString().slice(0, 10)).getTime() - now.getTime()
}

/**
 * How long a 429 asks to wait: `Retry-After` when HubSpot sends one, else by its policy (a day's limit until the
 * portal's midnight, the burst window by `X-HubSpot-RateLimit-Interval-Milliseconds`, search's second).
 *
 * @example
 * ```ts
 * rateLimitWait({ policyName: 'TEN_SECONDLY_ROLLING' }, {}, new Date()) // 10000
 * ```
 */
export function rateLimitWait(body: ErrorBody, headers: Readonly<Record<string, string>>, now: Date): number {
  const stated = retryAfterMs(headers['retry-after'], now)
  if (stated !== undefined) return stated
  if (body.policyName === 'DAILY') return untilTomorrow(now)
  if (body.policyName === 'TEN_SECONDLY_ROLLING') {
    const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds'])
    return Number.isFinite(interval) && interval > 0 ? interval : 10_000
  }
  return 1_000
}

/**
 * The names of the properties a 400 says do not exist (`PROPERTY_DOESNT_EXIST`), or none.
 *
 * @example
 * ```ts
 * missingProperties(exception) // ['ksef_number', 'ksef_status']
 * ```
 */
export function missingProperties(error: unknown): string[] {
  if (!isApiException(error) || error.code !== 400) return []
  const body = bodyOf(error)
  const fromErrors = (body.errors ?? [])
    .filter((detail) => detail.code === 'PROPERTY_DOESNT_EXIST')
    .flatMap((detail) => (Array.isArray(detail.context?.propertyName) ? detail.context.propertyName.map(String) : []))
  if (fromErrors.length) return fromErrors
  // The message lists them too ("Property values were not valid: [{…"error":"PROPERTY_DOESNT_EXIST","name":…}]").
  const message = typeof body.message === 'string' ? body.message : ''
  return [...message.matchAll(/"error":"PROPERTY_DOESNT_EXIST","name":"([^"]+)"/g)].map((match) => match[1] as string)
}

/**
 * A failure of a HubSpot call as a connector error: the SDK's `ApiException` classified by its status (a 429 with
 * the wait HubSpot means), a `ConnectorError` from the hub's client as it is, anything else as it is.
 *
 * @param what the call in a few words, for the message (`search invoices`)
 * @example
 * ```ts
 * try { await apis.invoices.searchApi.doSearch(request) } catch (error) { throw classify(error, 'search invoices', now) }
 * ```
 */
export function classify(error: unknown, what: string, now: Date): unknown {
  if (!isApiException(error)) return error
  const body = bodyOf(error)
  const said = [body.category, body.message].filter((part) => typeof part === 'string').join(': ')
  if (error.code === 429) {
    return new ConnectorError('rate_limit', `HubSpot: ${what} answered 429${said ? `: ${said}` : ''}`, {
      status: 429,
      retryAfterMs: rateLimitWait(body, error.headers, now),
      cause: error,
    })
  }
  const classified = errorOfStatus(`HubSpot: ${what}`, error.code, error.headers['retry-after'], said)
  return new ConnectorError(classified.kind, classified.message, {
    status: error.code,
    ...(classified.retryAfterMs !== undefined ? { retryAfterMs: classified.retryAfterMs } : {}),
    cause: error,
  })
}
