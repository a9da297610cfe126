/**
 * A source system for the connections' tests: a real HTTP server on 127.0.0.1 that lists documents in pages behind
 * a sequence number, and the connector that pulls and maps them. What a document maps to is written in it
 * (`kind`), so a test makes each outcome by putting a document in the source.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  type AnyConnector,
  defineConnector,
  MappingError,
  NotReadyError,
  SDK_VERSION,
  type SourceDocument,
} from '@ksef-hub/connector-sdk'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { z } from 'zod'
import { OTHER_NIP } from './test-support.ts'

/** A document in the source; `kind` says what the connector makes of it. */
export interface SourceItem {
  readonly ref: string
  readonly number: string
  readonly kind?: 'ok' | 'skip' | 'unmappable' | 'invalid' | 'wait' | 'boom' | 'other-seller'
  /** Changes the invoice's issue place (content that changes the invoice). */
  readonly place?: string
  /** Changes the document but not the invoice. */
  readonly note?: string
  readonly code?: string
  readonly field?: string
  readonly waitMs?: number
  readonly updatedAt?: string
  readonly padding?: string
}

/** An answer the server gives instead of the page. */
export interface Fault {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: string
}

/** A running source. */
export interface Source {
  readonly origin: string
  readonly apiKey: string
  /** The documents, in the order the source lists them (a test may change them). */
  readonly items: SourceItem[]
  /** The `after` of each page request, in order. */
  readonly requests: number[]
  /** Answers the next requests with these, one each, instead of the page. */
  readonly faults: Fault[]
  /** Runs before a page is answered (to hold it, or look at the hub meanwhile). */
  beforePage: ((after: number) => Promise<void>) | undefined
  close(): Promise<void>
}

/**
 * Starts a source on a free port of 127.0.0.1: `GET /documents?after=N&limit=K` with `Authorization: Bearer <key>`
 * answers `{ items, next, more }`; `GET /documents/{ref}` answers one item (404 when it has none).
 *
 * @example
 * ```ts
 * const source = await startSource([{ ref: 'd1', number: 'FV/1' }])
 * ```
 */
export async function startSource(items: SourceItem[] = []): Promise<Source> {
  const source: Omit<Source, 'origin' | 'close'> = {
    apiKey: 'source-key',
    items,
    requests: [],
    faults: [],
    beforePage: undefined,
  }
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const one = /^\/documents\/(.+)$/.exec(url.pathname)
    if (one) {
      const item = source.items.find((each) => each.ref === decodeURIComponent(one[1] as string))
      if (item) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(item))
      else response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}')
      return
    }
    const after = Number(url.searchParams.get('after') ?? 0)
    const limit = Number(url.searchParams.get('limit') ?? 2)
    source.requests.push(after)
    await source.beforePage?.(after)
    const fault = source.faults.shift()
    if (fault) {
      response.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '')
      return
    }
    if (request.headers.authorization !== `Bearer ${source.apiKey}`) {
      response.writeHead(401).end('{"error":"unauthorized"}')
      return
    }
    const page = source.items.slice(after, after + limit)
    const body = { items: page, next: after + page.length, more: after + limit < source.items.length }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      answer(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return Object.assign(source, {
    origin,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  })
}

/** What the source connector was asked to do. */
export interface SourceCalls {
  /** The refs mapped, in order. */
  readonly maps: string[]
  /** Refs whose `wait` is over: they map as `ok`. */
  ready?: Set<string>
  /** Runs after each page is read, before the hub takes its documents. */
  afterPage?: (cursor: { after: number } | undefined) => Promise<void>
}

/**
 * The connector of {@link startSource} (id `source` unless given): settings `{ baseUrl, pageSize, everyMinutes }`,
 * secrets `{ apiKey }`, a cursor `{ after }`.
 *
 * @example
 * ```ts
 * const calls: SourceCalls = { maps: [] }
 * const registry = connectorRegistry([sourceConnector(calls)])
 * ```
 */
export function sourceConnector(
  calls: SourceCalls,
  options: {
    id?: string
    everyMinutes?: number | ((settings: { everyMinutes?: number }) => number)
    /** Whether it reads one document again (`pull.document`), as a retry wants. */
    readsOne?: boolean
  } = {},
): AnyConnector {
  return defineConnector({
    id: options.id ?? 'source',
    displayName: 'Test source',
    version: '1.0.0',
    sdkVersion: SDK_VERSION,
    settings: z.object({
      baseUrl: z.url(),
      pageSize: z.number().int().positive().default(2),
      everyMinutes: z.number().optional(),
      account: z.string().optional(),
    }),
    secrets: z.object({ apiKey: z.string().min(1) }),
    hosts: (settings) => [settings.baseUrl],
    account: (settings) => settings.account,
    pull: {
      cursor: z.object({ after: z.number().int().nonnegative() }),
      ...(options.everyMinutes !== undefined ? { everyMinutes: options.everyMinutes } : {}),
      async page(context, cursor) {
        const { apiKey } = await context.credentials.current()
        const response = await context.http.request({
          url: `${context.settings.baseUrl}/documents`,
          query: { after: cursor?.after ?? 0, limit: context.settings.pageSize },
          headers: { authorization: `Bearer ${apiKey}` },
        })
        const body = response.json<{ items: SourceItem[]; next: number; more: boolean }>()
        await calls.afterPage?.(cursor)
        return {
          documents: body.items.map(
            (item): SourceDocument => ({
              ref: item.ref,
              data: item,
              ...(item.updatedAt ? { updatedAt: item.updatedAt } : {}),
            }),
          ),
          cursor: { after: body.next },
          more: body.more,
        }
      },
      document: options.readsOne
        ? async (context, ref) => {
            const { apiKey } = await context.credentials.current()
            const response = await context.http.request({
              url: `${context.settings.baseUrl}/documents/${encodeURIComponent(ref)}`,
              headers: { authorization: `Bearer ${apiKey}` },
              accept: [404],
            })
            if (response.status === 404) return undefined
            const item = response.json<SourceItem>()
            return { ref: item.ref, data: item, ...(item.updatedAt ? { updatedAt: item.updatedAt } : {}) }
          }
        : undefined,
    },
    async map(context, document) {
      calls.maps.push(document.ref)
      const item = document.data as SourceItem
      const invoice = typicalInvoice({
        sellerNip: item.kind === 'other-seller' ? OTHER_NIP : context.tenant.nip,
        number: item.number,
        lines: 1,
      })
      const kind = item.kind === 'wait' && calls.ready?.has(item.ref) ? 'ok' : (item.kind ?? 'ok')
      switch (kind) {
        case 'skip':
          return { skip: `document ${item.ref} is a draft` }
        case 'unmappable':
          throw new MappingError(
            (item.code ?? 'BUYER_NIP_MISSING') as never,
            item.field ?? 'customer.nip',
            `customer of ${item.ref} has no NIP`,
            { fix: 'enter the NIP in the source' },
          )
        case 'invalid':
          return {
            invoice: {
              ...invoice,
              details: { ...invoice.details, totals: { ...invoice.details.totals, totalDue: '1.00' } },
            },
          }
        case 'wait':
          throw new NotReadyError(`${item.ref} waits for its original`, item.waitMs ?? 30_000)
        case 'boom':
          throw new Error(`the source locked ${item.ref}`)
        default:
          return {
            invoice: item.place ? { ...invoice, details: { ...invoice.details, issuePlace: item.place } } : invoice,
          }
      }
    },
  })
}
