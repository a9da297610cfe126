/**
 * A stateful fake REST source for the custom connector, on 127.0.0.1: invoices and credit notes of Polish B2B
 * customers behind an API key, listed by change with page tokens, PATCHed with KSeF fields; with fault injection
 * (401, 429 with Retry-After, 5xx, a hang), an outage switch, and a programmatic admin API for tests (seed,
 * touch, write-back counts, signed webhooks). Its API is described in `openapi.json`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import type { WebhookRequest } from '@ksef-hub/connector-sdk'
import { type FakeFailure, listenerOf, outageOf } from '@ksef-hub/connector-sdk/testing'
import { type ApiState, isEventsPath, route } from './api.ts'
import { sendJson } from './http.ts'
import { Seeder, type SeedOptions, type SeedResult } from './seed.ts'
import { Store } from './store.ts'
import type { FakeDocument } from './types.ts'
import { changeWebhook, type WebhookOptions } from './webhooks.ts'

export { FAKE_KSEF_START_DATE, FAKE_SELLER, FAKE_TAX_CODES, ZW_BASIS } from './catalog.ts'
export type { SeedOptions, SeedResult } from './seed.ts'
export { connectorSettings } from './settings.ts'
export type { FakeAddress, FakeCustomer, FakeDocument, FakeLine } from './types.ts'
export type { WebhookOptions } from './webhooks.ts'

/** How a fake is started. */
export interface FakeErpOptions {
  /** Default 0: a free port. */
  readonly port?: number
  /** The key clients send as `Authorization: Bearer <key>` (default a random one). */
  readonly apiKey?: string
  /** Signs the fake's "invoices changed" webhooks (default a random one). */
  readonly webhookSecret?: string
  /** Checks the hub's write-back events at `POST /ksef-events` (default a random one). */
  readonly signingSecret?: string
  /** The largest request body (default 1 MiB). */
  readonly maxBodyBytes?: number
  /** The largest `limit` of a list (default 500). */
  readonly maxPageSize?: number
  /** Seed of the document generator (the same seed gives the same documents, NIPs aside). */
  readonly seed?: number
}

/** One API call the fake answered (or held). */
export interface FakeCall {
  readonly method: string
  readonly path: string
  /** `null` while held (a hang) or when the connection was cut. */
  readonly status: number | null
}

/** A running fake source. */
export interface FakeErp {
  /** The API root, e.g. `http://127.0.0.1:40123` (the connector's `baseUrl`). */
  readonly url: string
  readonly apiKey: string
  readonly webhookSecret: string
  readonly signingSecret: string
  /** Where write-back webhooks go (`writeBack: { kind: webhook, url }`). */
  readonly eventsUrl: string
  /** Adds documents (ids and numbers run on across calls). */
  seed(options: SeedOptions): SeedResult
  /** A document as the API gives it. */
  document(id: string): FakeDocument | undefined
  /** Every document in (updatedAt, id) order. */
  documents(): FakeDocument[]
  /** Changes a document, so that the next pull lists it again. */
  touch(id: string): FakeDocument
  /** How many times `ksefNumber` (or any KSeF number) was written into document `id`. */
  writeBackEffects(id: string, ksefNumber?: string): number
  /** Write counts of every document written at least once. */
  writeBackCounts(): Map<string, number>
  /** Answers the next `count` calls (default 1) with `failure`. */
  failNext(failure: FakeFailure, count?: number): void
  /**
   * Starts or ends an outage: `refused` stops listening (connections are refused), `unavailable` answers every
   * call 503, `false` ends it (the same port again).
   */
  outage(mode: 'refused' | 'unavailable' | false): Promise<void>
  /** The calls answered so far. */
  calls(): readonly FakeCall[]
  /** A signed "invoices changed" webhook naming `refs`, for the hub's webhook URL `url`. */
  webhookRequest(url: string, refs: readonly string[], options?: WebhookOptions): WebhookRequest
  /** POSTs that webhook to `url`; returns the status answered. */
  deliverWebhook(url: string, refs: readonly string[], options?: WebhookOptions): Promise<number>
  close(): Promise<void>
}

const secret = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`

function fail(response: ServerResponse, failure: FakeFailure): boolean {
  if ('hang' in failure) return false
  if (failure.status === 401) {
    sendJson(
      response,
      401,
      { error: 'unauthorized', message: 'the API key is not valid' },
      { 'www-authenticate': 'Bearer' },
    )
  } else if (failure.status === 429) {
    sendJson(
      response,
      429,
      { error: 'rate_limited', message: 'too many requests' },
      {
        'retry-after': String(failure.retryAfterSeconds ?? 1),
      },
    )
  } else sendJson(response, failure.status, { error: 'server_error', message: `injected ${failure.status}` })
  return true
}

/**
 * Starts a fake source on 127.0.0.1.
 *
 * @example
 * ```ts
 * const erp = await startFakeErp({ apiKey: 'erp_test_key' })
 * const { invoices, creditNotes } = erp.seed({ invoices: 500, creditNotes: 20 })
 * erp.failNext({ status: 503 }, 3)
 * await erp.close()
 * ```
 */
export async function startFakeErp(options: FakeErpOptions = {}): Promise<FakeErp> {
  const store = new Store()
  const seeder = new Seeder(store, options.seed)
  const apiKey = options.apiKey ?? secret('erp_')
  const webhookSecret = options.webhookSecret ?? secret('whk_')
  const signingSecret = options.signingSecret ?? secret('whsec_')
  const state: ApiState = {
    store,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    maxPageSize: options.maxPageSize ?? 500,
    signingSecret,
    seenEvents: new Set(),
  }
  const failures: FakeFailure[] = []
  const calls: { method: string; path: string; status: number | null }[] = []

  const server = createServer((request, response) => {
    const call = {
      method: request.method ?? 'GET',
      path: new URL(request.url ?? '/', 'http://fake').pathname,
      status: null as number | null,
    }
    calls.push(call)
    response.on('finish', () => {
      call.status = response.statusCode
    })
    if (outage.unavailable) return sendJson(response, 503, { error: 'unavailable', message: 'the source is down' })
    const failure = failures.shift()
    // A hang: the request is read and never answered; the client's timeout (or close()) ends it.
    if (failure && !fail(response, failure)) return
    if (failure) return
    if (!isEventsPath(call.path) && request.headers.authorization !== `Bearer ${apiKey}`) {
      return sendJson(
        response,
        401,
        { error: 'unauthorized', message: 'the API key is missing or not valid' },
        { 'www-authenticate': 'Bearer' },
      )
    }
    route(request, response, state).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: 'server_error', message: (error as Error).message })
    })
  })
  const { listen, stop } = listenerOf(server)
  const outage = outageOf(server, { listen, stop })
  const port = await listen(options.port ?? 0)
  const url = `http://127.0.0.1:${port}`

  return {
    url,
    apiKey,
    webhookSecret,
    signingSecret,
    eventsUrl: `${url}/ksef-events`,
    seed: (seed) => seeder.seed(seed),
    document: (id) => store.get(id),
    documents: () => store.all(),
    touch: (id) => store.touch(id),
    writeBackEffects: (id, ksefNumber) => store.writes(id, ksefNumber),
    writeBackCounts: () => store.writeCounts(),
    failNext(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure)
    },
    outage: (mode) => outage.set(mode),
    calls: () => calls.map((call) => ({ ...call })),
    webhookRequest: (target, refs, webhookOptions) => changeWebhook(target, webhookSecret, refs, webhookOptions),
    async deliverWebhook(target, refs, webhookOptions) {
      const request = changeWebhook(target, webhookSecret, refs, webhookOptions)
      const response = await fetch(target, {
        method: 'POST',
        headers: request.headers,
        // A copy on its own ArrayBuffer: fetch's types refuse a view that might be of shared memory.
        body: new Uint8Array(request.rawBody),
        signal: AbortSignal.timeout(10_000),
      })
      await response.body?.cancel()
      return response.status
    },
    close: stop,
  }
}
