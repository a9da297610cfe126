/**
 * The fake's HTTP front: the OAuth endpoints (`/oauth/v1/…`), the API, and signed file downloads on one origin,
 * with what stands before HubSpot's own answers: an outage, injected faults, a 429 storm, the body size limit, the
 * bearer token, the rate limits, and the scopes (checked by each route). Every request is logged with the status
 * it got (`null`: never answered).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { BodyTooLarge, readBody, slowAnswer } from '@ksef-hub/connector-sdk/testing'
import type { Portal } from './context.ts'
import { CRM_ERRORS, HubSpotError, OAUTH_ERRORS, rateLimitBody } from './errors.ts'
import { LIMIT_HEADERS } from './facts.ts'
import { type Answer, send } from './http.ts'
import type { Fault, Faults, Limiter } from './limits.ts'
import { parseMultipart } from './multipart.ts'
import { isSearch, routeApi } from './router.ts'

/** One request the fake received. */
export interface FakeRequestLog {
  readonly method: string
  /** The URL path (no query). */
  readonly path: string
  /** `oauth` for `/oauth/…`, `api` for the API, `download` for signed file URLs. */
  readonly kind: 'oauth' | 'api' | 'download'
  /** The status answered; `null` while held, or when the connection was cut. */
  readonly status: number | null
}

/** What the front needs. */
export interface FrontDeps extends Portal {
  readonly limiter: Limiter
  readonly faults: Faults
  readonly maxBodyBytes: number
  readonly log: FakeRequestLog[]
  readonly unavailable: () => boolean
  /** Timers of slow answers, cleared when the fake closes. */
  readonly timers: Set<NodeJS.Timeout>
}

const errorAnswer = (error: HubSpotError): Answer => ({
  status: error.status,
  json: error.body,
  headers: error.headers,
})

// HubSpot's edge answers 502/503 with an HTML page, not JSON (VERIFY).
const gatewayPage = (status: number): Answer => ({
  status,
  body: `<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Service Unavailable'}</h1></body></html>`,
  headers: { 'content-type': 'text/html' },
})

function faultAnswer(fault: Fault, oauth: boolean): Answer | undefined {
  const retryAfter = fault.options.retryAfterSeconds
  const limited = (policy: string): Answer => ({
    status: 429,
    json: rateLimitBody(policy),
    headers: retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {},
  })
  switch (fault.kind) {
    case '401':
      return errorAnswer(oauth ? OAUTH_ERRORS.badRefreshToken() : CRM_ERRORS.noCredentials())
    case '429-burst':
      return limited('TEN_SECONDLY_ROLLING')
    case '429-daily':
      return limited('DAILY')
    case '429-search':
      return limited('SECONDLY')
    case '500':
      return errorAnswer(CRM_ERRORS.serverError())
    case '502':
    case '503':
      return gatewayPage(Number(fault.kind))
    default:
      return undefined
  }
}

/**
 * The request handler of the fake.
 *
 * @example
 * ```ts
 * const server = createServer(createFront(deps))
 * ```
 */
export function createFront(deps: FrontDeps): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? '/', deps.origin())
    const method = request.method ?? 'GET'
    const oauth = url.pathname.startsWith('/oauth/')
    const kind = oauth ? 'oauth' : url.pathname.startsWith('/__signed/') ? 'download' : 'api'
    const entry: { -readonly [Key in keyof FakeRequestLog]: FakeRequestLog[Key] } = {
      method,
      path: url.pathname,
      kind,
      status: null,
    }
    deps.log.push(entry)
    response.on('finish', () => {
      entry.status = response.statusCode
    })
    if (deps.unavailable()) return send(response, gatewayPage(503))
    const fault = kind === 'download' ? undefined : deps.faults.take(method, url.pathname, oauth)
    if (fault) {
      if (fault.kind === 'hang') return
      if (fault.kind === 'drop') return void request.socket.destroy()
      const answer = faultAnswer(fault, oauth)
      if (answer) return send(response, answer)
    }
    if (kind === 'api' && deps.faults.stormy(deps.clock.now().getTime())) {
      return send(response, {
        status: 429,
        json: rateLimitBody('TEN_SECONDLY_ROLLING'),
        headers: { [LIMIT_HEADERS.remaining]: '0' },
      })
    }
    const abort = new AbortController()
    response.on('close', () => {
      if (!response.writableFinished) abort.abort()
    })
    void handle(deps, request, url, kind)
      .catch((error: unknown): Answer | undefined => {
        if (error instanceof HubSpotError) return errorAnswer(error)
        if (error instanceof BodyTooLarge) {
          const answer = errorAnswer(CRM_ERRORS.tooLarge(deps.maxBodyBytes))
          return { ...answer, headers: { ...answer.headers, connection: 'close' } }
        }
        if (abort.signal.aborted) return undefined
        const failure = CRM_ERRORS.serverError()
        return { status: 500, json: { ...failure.body, message: `The fake failed: ${(error as Error).message}` } }
      })
      .then(async (answer) => {
        await slowAnswer(fault, deps.timers)
        if (!answer || abort.signal.aborted) return
        if (fault?.kind === 'drop-after-write') return void request.socket.destroy()
        send(response, answer)
      })
  }
}

function header(request: IncomingMessage, name: string): string {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(', ') : (value ?? '')
}

async function handle(
  deps: FrontDeps,
  request: IncomingMessage,
  url: URL,
  kind: FakeRequestLog['kind'],
): Promise<Answer> {
  const method = request.method ?? 'GET'
  const body = await readBody(request, deps.maxBodyBytes)
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
  if (kind === 'download') {
    const file = deps.files.get(segments[1] ?? '')
    if (!file || file.signature !== segments[2])
      return { status: 403, body: 'AccessDenied', headers: { 'content-type': 'text/plain' } }
    return { status: 200, body: file.bytes, headers: { 'content-type': file.contentType } }
  }
  if (kind === 'oauth') return oauthAnswer(deps, method, segments, url, body, header(request, 'content-type'))
  const principal = deps.auth.principal(header(request, 'authorization'))
  const limitHeaders = deps.limiter.admit(principal, isSearch(segments))
  const answer = routeApi(
    { ...deps, principal },
    { method, url, segments, body, contentType: header(request, 'content-type') },
  )
  return { ...answer, headers: { ...limitHeaders, ...answer.headers } }
}

function oauthAnswer(
  deps: FrontDeps,
  method: string,
  segments: readonly string[],
  url: URL,
  body: Buffer,
  contentType: string,
): Answer {
  const [, version, resource, token] = segments
  if (version !== 'v1' && version !== 'v3') throw CRM_ERRORS.notFound()
  if (resource === 'token' && token === undefined) {
    if (method !== 'POST') throw CRM_ERRORS.methodNotAllowed()
    const form = /^multipart\//i.test(contentType)
      ? new URLSearchParams(
          parseMultipart(body, contentType).map((part): [string, string] => [part.name, part.data.toString('utf8')]),
        )
      : new URLSearchParams(body.toString('utf8'))
    // The index lists client_secret and refresh_token as query parameters too.
    for (const name of ['client_secret', 'refresh_token']) {
      const value = url.searchParams.get(name)
      if (value !== null && !form.has(name)) form.set(name, value)
    }
    return deps.auth.token(form)
  }
  if (version === 'v1' && token !== undefined && (resource === 'access-tokens' || resource === 'refresh-tokens')) {
    const info = resource === 'access-tokens' ? deps.auth.accessTokenInfo(token) : deps.auth.refreshTokenInfo(token)
    if (method === 'DELETE' && resource === 'refresh-tokens') {
      return deps.auth.revoke(token) ? { status: 204 } : errorAnswer(CRM_ERRORS.notFound())
    }
    if (method !== 'GET') throw CRM_ERRORS.methodNotAllowed()
    if (!info) throw CRM_ERRORS.notFound()
    return { status: 200, json: info }
  }
  throw CRM_ERRORS.notFound()
}
