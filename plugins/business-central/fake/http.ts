/**
 * The fake's HTTP pieces: an answer as data, BC's error bodies (with the CorrelationId BC appends to every
 * message) and Entra's OAuth error bodies (bodies are read by the SDK's `readBody`, within a limit).
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import { type BcErrorFact, correlationSuffix, type EntraErrorFact } from './facts.ts'

/** What the fake answers to one request. */
export interface Answer {
  readonly status: number
  /** A JSON body (may hold `JSON.rawJSON` numbers). */
  readonly json?: unknown
  /** A raw body. */
  readonly body?: Buffer | string
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * BC's answer to a request it refuses, as an exception the routes throw.
 *
 * @example
 * ```ts
 * throw new BcError(BC_ERRORS.staleEtag())
 * ```
 */
export class BcError extends Error {
  readonly fact: BcErrorFact
  readonly headers: Readonly<Record<string, string>>

  constructor(fact: BcErrorFact, headers: Readonly<Record<string, string>> = {}) {
    super(fact.message)
    this.fact = fact
    this.headers = headers
  }
}

/**
 * BC's OData error body: `{"error":{"code","message"}}`, the message ending with a CorrelationId as BC's do.
 *
 * @example
 * ```ts
 * const answer = bcErrorAnswer(BC_ERRORS.unauthorized())
 * ```
 */
export function bcErrorAnswer(fact: BcErrorFact, headers: Readonly<Record<string, string>> = {}): Answer {
  return {
    status: fact.status,
    json: { error: { code: fact.code, message: `${fact.message}${correlationSuffix(randomUUID())}` } },
    headers,
  }
}

/**
 * Entra ID's error body for a token request.
 *
 * @example
 * ```ts
 * const answer = entraErrorAnswer(ENTRA_ERRORS.wrongSecret(clientId), new Date())
 * ```
 */
export function entraErrorAnswer(fact: EntraErrorFact, now: Date): Answer {
  const traceId = randomUUID()
  const correlationId = randomUUID()
  const timestamp = `${now.toISOString().slice(0, 19).replace('T', ' ')}Z`
  return {
    status: fact.status,
    json: {
      error: fact.error,
      error_description: `AADSTS${fact.code}: ${fact.description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [fact.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${fact.code}`,
    },
    headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
  }
}

/**
 * Writes an answer (JSON as `application/json; odata.metadata=minimal`, as BC labels it).
 *
 * @example
 * ```ts
 * send(response, { status: 204 })
 * ```
 */
export function send(
  response: ServerResponse,
  answer: Answer,
  jsonType = 'application/json; odata.metadata=minimal',
): void {
  let body: Buffer | undefined
  const headers: Record<string, string> = { ...answer.headers }
  if (answer.json !== undefined) {
    body = Buffer.from(JSON.stringify(answer.json))
    headers['content-type'] ??= jsonType
  } else if (answer.body !== undefined) {
    body = Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body)
  }
  headers['content-length'] = String(body?.length ?? 0)
  response.writeHead(answer.status, headers)
  response.end(body)
}
