/**
 * The fake source's API (see `openapi.json`): the list of changed invoices and credit notes with page tokens, one
 * document, the PATCH of its KSeF fields (unknown fields refused), and the receiver of the hub's signed
 * write-back events. Authentication, faults and outages are decided before a request gets here.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { BodyTooLarge, readBody } from '@ksef-hub/connector-sdk/testing'
import { z } from 'zod'
import { sendJson } from './http.ts'
import { BadRequest, type Store } from './store.ts'
import { hubSignatureValid, ksefEventSchema } from './webhooks.ts'

/** What the routes need of the fake. */
export interface ApiState {
  readonly store: Store
  readonly maxBodyBytes: number
  readonly maxPageSize: number
  readonly signingSecret: string
  /** Event ids of write-back webhooks applied already. */
  readonly seenEvents: Set<string>
}

const patchSchema = z.strictObject({
  ksef: z.strictObject({
    number: z.string().min(1).max(64),
    acquisitionDate: z.iso.datetime({ offset: true }),
    verificationUrl: z.url(),
    upo: z.base64().optional(),
  }),
})

const ZONED_TIME = z.iso.datetime({ offset: true })

function problem(response: ServerResponse, status: number, error: string, message: string): void {
  sendJson(response, status, { error, message })
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join('.')
      const keys = issue.code === 'unrecognized_keys' ? ` ${issue.keys.join(', ')}` : ''
      return `${path || 'body'}: ${issue.message}${keys}`
    })
    .join('; ')
}

async function jsonBody(
  request: IncomingMessage,
  response: ServerResponse,
  state: ApiState,
): Promise<[Buffer, unknown] | undefined> {
  let raw: Buffer
  try {
    raw = await readBody(request, state.maxBodyBytes)
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error
    response.setHeader('connection', 'close')
    problem(response, 413, 'payload_too_large', `the body is over ${state.maxBodyBytes} bytes`)
    return undefined
  }
  try {
    return [raw, JSON.parse(raw.toString('utf8'))]
  } catch {
    problem(response, 400, 'invalid_json', 'the body is not JSON')
    return undefined
  }
}

function list(url: URL, response: ServerResponse, state: ApiState): void {
  const since = url.searchParams.get('updatedSince') ?? undefined
  if (since !== undefined && !ZONED_TIME.safeParse(since).success) {
    problem(response, 400, 'invalid_query', 'updatedSince must be an ISO 8601 time with its zone')
    return
  }
  const limitText = url.searchParams.get('limit') ?? '50'
  const limit = Number(limitText)
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > state.maxPageSize) {
    problem(response, 400, 'invalid_query', `limit must be 1 to ${state.maxPageSize}`)
    return
  }
  try {
    sendJson(response, 200, state.store.list(since, url.searchParams.get('cursor') ?? undefined, limit))
  } catch (error) {
    if (!(error instanceof BadRequest)) throw error
    problem(response, 400, 'invalid_query', error.message)
  }
}

async function patchDocument(id: string, request: IncomingMessage, response: ServerResponse, state: ApiState) {
  if (!state.store.get(id)) return problem(response, 404, 'not_found', `no invoice ${id}`)
  const body = await jsonBody(request, response, state)
  if (!body) return
  const parsed = patchSchema.safeParse(body[1])
  if (!parsed.success) return problem(response, 400, 'invalid_body', issuesText(parsed.error))
  sendJson(response, 200, state.store.writeKsef(id, parsed.data.ksef))
}

async function receiveEvent(request: IncomingMessage, response: ServerResponse, state: ApiState) {
  const body = await jsonBody(request, response, state)
  if (!body) return
  const [raw, json] = body
  const signature = request.headers['ksef-hub-signature']
  if (!hubSignatureValid(state.signingSecret, typeof signature === 'string' ? signature : undefined, raw, new Date())) {
    return problem(response, 400, 'invalid_signature', 'KSeF-Hub-Signature does not sign this body')
  }
  const parsed = ksefEventSchema.safeParse(json)
  if (!parsed.success) return problem(response, 400, 'invalid_body', issuesText(parsed.error))
  const event = parsed.data
  if (!state.store.get(event.data.ref)) return problem(response, 404, 'not_found', `no invoice ${event.data.ref}`)
  // The event id is the hub's invoice id: a delivery seen before is acknowledged and changes nothing.
  const duplicate = state.seenEvents.has(event.id)
  if (!duplicate) {
    state.seenEvents.add(event.id)
    state.store.writeKsef(event.data.ref, {
      number: event.data.ksefNumber,
      acquisitionDate: event.data.acquisitionDate,
      verificationUrl: event.data.verificationUrl,
      ...(event.data.upoBase64 !== undefined ? { upo: event.data.upoBase64 } : {}),
    })
  }
  sendJson(response, 200, { received: true, duplicate })
}

/**
 * Answers one request of the API, already authenticated.
 *
 * @example
 * ```ts
 * await route(request, response, state)
 * ```
 */
export async function route(request: IncomingMessage, response: ServerResponse, state: ApiState): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://fake')
  const method = request.method ?? 'GET'
  if (url.pathname === '/invoices' && method === 'GET') return list(url, response, state)
  const match = /^\/invoices\/([^/]+)$/.exec(url.pathname)
  if (match) {
    const id = decodeURIComponent(match[1] as string)
    if (method === 'GET') {
      const document = state.store.get(id)
      return document ? sendJson(response, 200, document) : problem(response, 404, 'not_found', `no invoice ${id}`)
    }
    if (method === 'PATCH') return patchDocument(id, request, response, state)
    return problem(response, 405, 'method_not_allowed', `${method} is not allowed on ${url.pathname}`)
  }
  if (url.pathname === '/ksef-events' && method === 'POST') return receiveEvent(request, response, state)
  problem(response, 404, 'not_found', `no route ${method} ${url.pathname}`)
}

/**
 * Whether a path is the write-back receiver (authenticated by its signature, not by the API key).
 *
 * @example
 * ```ts
 * isEventsPath('/ksef-events') // true
 * ```
 */
export const isEventsPath = (path: string): boolean => path === '/ksef-events'
