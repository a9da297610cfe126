/**
 * The fake's HTTP front: the token endpoint (`/{tenant}/oauth2/v2.0/token`) and the API
 * (`/v2.0/{tenant}/{environment}/api/v2.0/…`) on one origin, with what stands before BC's own answers: an outage,
 * the injected faults, the body size limit, the bearer token, and the per-user limits. Every request is logged
 * with the status it got (`null`: never answered).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { BodyTooLarge, type FakeClock, readBody, slowAnswer } from '@ksef-hub/connector-sdk/testing'
import type { BcCredentials, Entra } from './auth.ts'
import type { ApiContext } from './context.ts'
import type { Numbering } from './documents.ts'
import { BC_ERRORS, ENTRA_ERRORS } from './facts.ts'
import { type Answer, BcError, bcErrorAnswer, entraErrorAnswer, send } from './http.ts'
import type { Fault, Faults, Limiter } from './limits.ts'
import { parseSegments, routeApi } from './router.ts'
import type { Store } from './store.ts'
import type { Subscriptions } from './webhooks.ts'

/** One request the fake received. */
export interface FakeRequestLog {
  readonly method: string
  /** The URL path (no query). */
  readonly path: string
  /** `token` for the Entra endpoint, `api` for BC's API, `other` for anything else. */
  readonly kind: 'token' | 'api' | 'other'
  /** The status answered; `null` while held, or when the connection was cut. */
  readonly status: number | null
}

/** What the front needs. */
export interface FrontDeps {
  readonly credentials: BcCredentials
  readonly entra: Entra
  readonly store: Store
  readonly clock: FakeClock
  readonly limiter: Limiter
  readonly faults: Faults
  readonly subscriptions: Subscriptions
  readonly numbering: (companyId: string) => Numbering
  readonly pageSize: number
  readonly maxBodyBytes: number
  readonly log: FakeRequestLog[]
  readonly origin: () => string
  readonly unavailable: () => boolean
  /** Timers of slow answers, cleared when the fake closes. */
  readonly timers: Set<NodeJS.Timeout>
}

const TOKEN = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/
const API = /^\/v2\.0\/([^/]+)\/([^/]+)\/api\/v2\.0(\/.*)?$/
const TOKEN_JSON = 'application/json; charset=utf-8'

function faultAnswer(fault: Fault, token: boolean, now: Date): Answer | undefined {
  switch (fault.kind) {
    case '401':
      return token
        ? entraErrorAnswer(ENTRA_ERRORS.wrongSecret('(injected)'), now)
        : bcErrorAnswer(BC_ERRORS.unauthorized(), { 'www-authenticate': 'Bearer error="invalid_token"' })
    case '429':
      return bcErrorAnswer(BC_ERRORS.tooManyRequests(1, 1), {
        'retry-after': String(fault.options.retryAfterSeconds ?? 1),
      })
    case '429-no-retry-after':
      return bcErrorAnswer(BC_ERRORS.tooManyRequests(1, 1))
    case '500':
      return bcErrorAnswer(BC_ERRORS.serverError())
    case '502':
    case '503':
      return bcErrorAnswer({ ...BC_ERRORS.unavailable(), status: Number(fault.kind) })
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
    const token = TOKEN.exec(url.pathname)
    const api = API.exec(url.pathname)
    const entry: { -readonly [Key in keyof FakeRequestLog]: FakeRequestLog[Key] } = {
      method,
      path: url.pathname,
      kind: token ? 'token' : api ? 'api' : 'other',
      status: null,
    }
    deps.log.push(entry)
    response.on('finish', () => {
      entry.status = response.statusCode
    })
    const now = deps.clock.now()
    if (deps.unavailable()) {
      return send(
        response,
        token ? entraErrorAnswer(ENTRA_ERRORS.unavailable(), now) : bcErrorAnswer(BC_ERRORS.unavailable()),
      )
    }
    const fault = deps.faults.take(method, url.pathname, token !== null)
    if (fault) {
      if (fault.kind === 'hang') return
      if (fault.kind === 'drop') return void request.socket.destroy()
      const answer = faultAnswer(fault, token !== null, now)
      if (answer) return send(response, answer, token ? TOKEN_JSON : undefined)
    }
    const abort = new AbortController()
    response.on('close', () => {
      if (!response.writableFinished) abort.abort()
    })
    void handle(deps, request, url, { token, api, fault }, abort.signal)
      .catch((error: unknown) => {
        if (error instanceof BcError) return bcErrorAnswer(error.fact, error.headers)
        if (error instanceof BodyTooLarge)
          return bcErrorAnswer(BC_ERRORS.tooLarge(deps.maxBodyBytes), { connection: 'close' })
        if (abort.signal.aborted) return undefined
        return bcErrorAnswer({ ...BC_ERRORS.serverError(), message: `The fake failed: ${(error as Error).message}` })
      })
      .then((answer) => {
        if (!answer || abort.signal.aborted) return
        if (fault?.kind === 'drop-after-write') return void request.socket.destroy()
        send(response, answer, token ? TOKEN_JSON : undefined)
      })
  }
}

async function handle(
  deps: FrontDeps,
  request: IncomingMessage,
  url: URL,
  route: { readonly token: RegExpExecArray | null; readonly api: RegExpExecArray | null; readonly fault?: Fault },
  signal: AbortSignal,
): Promise<Answer> {
  const method = request.method ?? 'GET'
  const { token, api, fault } = route
  if (token) {
    const body = await readBody(request, 64 * 1024)
    if (method !== 'POST') return { status: 405, headers: { allow: 'POST' } }
    const form = new URLSearchParams(body.toString('utf8'))
    const answer = deps.entra.token(decodeURIComponent(token[1] ?? ''), form, request.headers.authorization)
    await slowAnswer(fault, deps.timers)
    return answer
  }
  if (!api) return bcErrorAnswer(BC_ERRORS.unknownSegment(url.pathname))
  const body = await readBody(request, deps.maxBodyBytes)
  const [tenant, environment] = [decodeURIComponent(api[1] ?? ''), decodeURIComponent(api[2] ?? '')]
  const principal = deps.entra.principal(tenant, request.headers.authorization)
  if (environment.toLowerCase() !== deps.credentials.environment.toLowerCase()) {
    throw new BcError(BC_ERRORS.unknownEnvironment(environment))
  }
  const release = await deps.limiter.acquire(principal.clientId, signal)
  try {
    const context: ApiContext = {
      store: deps.store,
      clock: deps.clock,
      base: `${deps.origin()}/v2.0/${tenant}/${environment}/api/v2.0`,
      pageSize: deps.pageSize,
      numbering: deps.numbering,
      subscriptions: deps.subscriptions,
      principal,
    }
    const headers: Record<string, string | undefined> = {}
    for (const [name, value] of Object.entries(request.headers))
      headers[name] = Array.isArray(value) ? value.join(', ') : value
    const answer = await routeApi(context, { method, url, segments: parseSegments(api[3] ?? ''), headers, body })
    // A slow request holds its slot while BC takes its time (the write is already done).
    await slowAnswer(fault, deps.timers)
    return answer
  } finally {
    release()
  }
}
