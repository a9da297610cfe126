/**
 * Test support: a small in-process fake of KSeF API 2.0 over node:http on port 0, modelling what the OpenAPI
 * says (status codes, bodies, problem details) with fault injection per request. Not the simulator: the unit
 * tests use it for exact control; the end-to-end tests in test/ksef-client use the simulator.
 *
 * @module
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFakeContext, type Reply } from './fake-ksef-context.ts'
import type { FakeSession } from './fake-ksef-state.ts'
import { apiRoute } from './fake-routes-api.ts'
import { authRoute } from './fake-routes-auth.ts'
import { presignedRoute } from './fake-routes-presigned.ts'

/** What a fault does to a matching request. */
export type FaultAction =
  | {
      readonly kind: 'status'
      readonly status: number
      readonly body?: string
      readonly contentType?: string
      readonly headers?: Record<string, string>
    }
  /** Handle the request normally, then destroy the socket instead of answering. */
  | { readonly kind: 'drop-response' }
  /** Destroy the socket as soon as the request arrives, without acting on it. */
  | { readonly kind: 'reset' }
  | { readonly kind: 'delay'; readonly ms: number }

/** A fault for the next `times` requests whose `METHOD path` matches. */
export interface Fault {
  readonly match: RegExp
  times: number
  readonly action: FaultAction
}

/** One request as the fake saw it. */
export interface SeenRequest {
  readonly method: string
  readonly path: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
}

/** A running fake. */
export interface FakeKsef {
  readonly url: string
  readonly nip: string
  readonly token: string
  readonly faults: Fault[]
  readonly requests: SeenRequest[]
  readonly sessions: Map<string, FakeSession>
  /** Incoming invoices for the metadata query and exports (purchase invoices of `nip`). */
  readonly incoming: { metadata: Record<string, unknown>; bytes: Uint8Array }[]
  /** Settings tests may change. */
  readonly settings: {
    accessTokenLifetimeMs: number
    invoicePendingReads: number
    authPendingReads: number
    truncateAfter: number
    rotated: boolean
  }
  close(): Promise<void>
}

/**
 * Starts a fake KSeF.
 *
 * @example
 * ```ts
 * const fake = await startFakeKsef()
 * const client = createKsefClient({ environment: { baseUrl: fake.url }, context: nipContext(fake.nip),
 *   credentials: { kind: 'token', token: fake.token } })
 * ```
 */
export async function startFakeKsef(options: { nip?: string } = {}): Promise<FakeKsef> {
  const ctx = createFakeContext(options)
  const { faults, requests, sessions, incoming, settings, nip, token } = ctx

  async function route(
    method: string,
    path: string,
    query: URLSearchParams,
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<Reply> {
    const open = await authRoute(ctx, method, path, req, body)
    if (open) return open
    const who = ctx.authorized(req)
    if (typeof who !== 'string') return who
    return (
      (await apiRoute(ctx, who, method, path, query, req, body)) ?? {
        status: 404,
        json: { title: 'Not Found', status: 404, detail: `no route ${method} ${path}` },
      }
    )
  }
  const unsigned = (method: string, path: string, body: Buffer) => presignedRoute(ctx, method, path, body)

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const path = url.pathname.replace(/^\/v2/, '')
      const body = Buffer.concat(chunks)
      const method = req.method ?? 'GET'
      requests.push({ method, path, headers: req.headers, body })
      const fault = faults.find((candidate) => candidate.times > 0 && candidate.match.test(`${method} ${path}`))
      if (fault) fault.times -= 1
      try {
        if (fault?.action.kind === 'reset') return void req.socket.destroy()
        if (fault?.action.kind === 'delay')
          await new Promise((resolve) => setTimeout(resolve, (fault.action as { ms: number }).ms))
        if (fault?.action.kind === 'status') {
          res.writeHead(fault.action.status, {
            'content-type': fault.action.contentType ?? 'application/problem+json',
            ...fault.action.headers,
          })
          return void res.end(fault.action.body ?? '')
        }
        const api = url.pathname.startsWith('/v2/')
        const reply =
          (await unsigned(method, path, body)) ??
          (api
            ? await route(method, path, url.searchParams, req, body)
            : { status: 404, json: { title: 'Not Found', status: 404 } })
        if (fault?.action.kind === 'drop-response') return void req.socket.destroy()
        const payload = reply.bytes ?? (reply.json === undefined ? undefined : Buffer.from(JSON.stringify(reply.json)))
        const type = reply.contentType ?? (reply.status >= 400 ? 'application/problem+json' : 'application/json')
        res.writeHead(reply.status, { ...(payload ? { 'content-type': type } : {}), ...reply.headers })
        res.end(payload)
      } catch (error) {
        res.writeHead(500, { 'content-type': 'application/problem+json' })
        res.end(JSON.stringify({ title: 'Internal', status: 500, detail: (error as Error).message }))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  ctx.base = `http://127.0.0.1:${port}`
  return {
    url: `${ctx.base}/v2`,
    nip,
    token,
    faults,
    requests,
    sessions,
    incoming,
    settings,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
