/**
 * Reads KSeF's error answers in all their shapes: RFC 7807 problem details (`X-Error-Format: problem-details`),
 * the deprecated `ExceptionResponse`, the 429 `TooManyRequestsResponse`, and HTML pages from the firewall.
 *
 * @module
 */

/** What an error answer said, in one shape. */
export interface ErrorBody {
  /** The first KSeF code (`errors[0].code` or `exceptionDetailList[0].exceptionCode`). */
  readonly code?: number
  /** A one-line summary. */
  readonly description?: string
  readonly details: readonly string[]
  /** `ForbiddenProblemDetails.reasonCode`. */
  readonly reasonCode?: string
  readonly traceId?: string
  /** The body was an HTML page (a firewall or proxy), not KSeF's API. */
  readonly html: boolean
}

type Json = Record<string, unknown>

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/**
 * Parses an error answer; never throws.
 *
 * @example
 * ```ts
 * parseErrorBody('application/problem+json', Buffer.from('{"errors":[{"code":21405,"description":"Błąd"}]}')).code // 21405
 * ```
 */
export function parseErrorBody(contentType: string | undefined, body: Uint8Array): ErrorBody {
  const raw = Buffer.from(body).toString('utf8')
  const head = raw.trimStart().slice(0, 200).toLowerCase()
  if (contentType?.includes('text/html') || head.startsWith('<!doctype html') || head.startsWith('<html')) {
    const title = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(raw)?.[1]?.trim()
    return { html: true, details: [], ...(title ? { description: title } : {}) }
  }
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    const snippet = raw.trim().slice(0, 200)
    return { html: false, details: [], ...(snippet ? { description: snippet } : {}) }
  }
  if (!isObject(json)) return { html: false, details: [] }
  // Problem details (400 BadRequestProblemDetails, 401, 403, 410, 429).
  if (Array.isArray(json.errors) || 'title' in json || 'detail' in json) {
    const first = Array.isArray(json.errors) && isObject(json.errors[0]) ? json.errors[0] : undefined
    const details = [
      ...strings(first?.details),
      ...(Array.isArray(json.errors) ? json.errors.slice(1) : [])
        .filter(isObject)
        .map((error) => `${String(error.code ?? '')} ${String(error.description ?? '')}`.trim()),
    ]
    const code = typeof first?.code === 'number' ? first.code : undefined
    const description = text(first?.description) ?? text(json.detail) ?? text(json.title)
    return {
      html: false,
      details,
      ...(code !== undefined ? { code } : {}),
      ...(description ? { description } : {}),
      ...(text(json.reasonCode) ? { reasonCode: text(json.reasonCode) } : {}),
      ...(text(json.traceId) ? { traceId: text(json.traceId) } : {}),
    }
  }
  // Deprecated ExceptionResponse.
  if (isObject(json.exception)) {
    const list = Array.isArray(json.exception.exceptionDetailList) ? json.exception.exceptionDetailList : []
    const first = isObject(list[0]) ? list[0] : undefined
    const code = typeof first?.exceptionCode === 'number' ? first.exceptionCode : undefined
    const description = text(first?.exceptionDescription)
    return {
      html: false,
      details: strings(first?.details),
      ...(code !== undefined ? { code } : {}),
      ...(description ? { description } : {}),
      ...(text(json.exception.referenceNumber) ? { traceId: text(json.exception.referenceNumber) } : {}),
    }
  }
  // Deprecated TooManyRequestsResponse.
  if (isObject(json.status)) {
    const description = text(json.status.description)
    return { html: false, details: strings(json.status.details), ...(description ? { description } : {}) }
  }
  return { html: false, details: [] }
}

/**
 * Reads `Retry-After` (seconds or an HTTP date) as milliseconds.
 *
 * @example
 * ```ts
 * retryAfterMs('30') // 30000
 * ```
 */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined
  const trimmed = header.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
