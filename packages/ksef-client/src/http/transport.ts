/**
 * One HTTP exchange over node:http(s), which tells exactly how far a request got before it failed: whether the
 * whole body was handed to the network. That is what separates a safe retry from an ambiguous one.
 *
 * @module
 */
import http from 'node:http'
import https from 'node:https'
import type { Readable } from 'node:stream'

/** A request body: bytes, or a factory of a stream of known length (batch parts from disk). */
export type TransportBody = Uint8Array | { readonly length: number; readonly open: () => Readable }

/** One request. */
export interface TransportRequest {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: TransportBody
  /** Whole exchange, from connect to the last byte of the response. */
  readonly timeoutMs: number
  readonly signal?: AbortSignal
  /**
   * Use a pooled keep-alive connection. Non-idempotent calls use a fresh connection instead: a pooled socket the
   * server has just closed fails right after the body was written, which would look ambiguous for no reason.
   */
  readonly reuseConnection: boolean
  /** Largest response body accepted, in bytes. */
  readonly maxResponseBytes?: number
}

/** One response, body read in full. */
export interface TransportResponse {
  readonly status: number
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

/** How an exchange failed. */
export type TransportFailureKind = 'timeout' | 'aborted' | 'reset' | 'refused' | 'dns' | 'tls' | 'too-large' | 'other'

/**
 * A failed exchange. `bodySent` is true once the whole request had been handed to the network: from then on the
 * server may have acted on it.
 *
 * @example
 * ```ts
 * if (failure instanceof TransportFailure && failure.bodySent) reconcile()
 * ```
 */
export class TransportFailure extends Error {
  readonly kind: TransportFailureKind
  readonly bodySent: boolean
  readonly systemCode: string | undefined

  constructor(kind: TransportFailureKind, bodySent: boolean, message: string, systemCode?: string) {
    super(message)
    this.name = 'TransportFailure'
    this.kind = kind
    this.bodySent = bodySent
    this.systemCode = systemCode
  }
}

/** Sends one request. Injectable so tests can stand in for the network. */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>

const pooledHttp = new http.Agent({ keepAlive: true, maxSockets: 16, keepAliveMsecs: 1_000 })
const pooledHttps = new https.Agent({ keepAlive: true, maxSockets: 16, keepAliveMsecs: 1_000 })
const freshHttp = new http.Agent({ keepAlive: false })
const freshHttps = new https.Agent({ keepAlive: false })

function kindOf(code: string | undefined): TransportFailureKind {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns'
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'UND_ERR_SOCKET':
      return 'reset'
    default:
      if (code?.startsWith('ERR_TLS') || code?.includes('CERT') || code?.startsWith('ERR_SSL')) return 'tls'
      return 'other'
  }
}

/**
 * The node:http(s) transport.
 *
 * @example
 * ```ts
 * const response = await nodeTransport({ method: 'GET', url, headers: {}, timeoutMs: 10_000, reuseConnection: true })
 * ```
 */
export const nodeTransport: Transport = (request) =>
  new Promise<TransportResponse>((resolve, reject) => {
    const url = new URL(request.url)
    const secure = url.protocol === 'https:'
    const agent = request.reuseConnection ? (secure ? pooledHttps : pooledHttp) : secure ? freshHttps : freshHttp
    const headers: Record<string, string> = { ...request.headers }
    const body = request.body
    if (body !== undefined) headers['content-length'] = String(body.length)
    let bodySent = false
    let settled = false
    const maxBytes = request.maxResponseBytes ?? 200 * 1024 * 1024
    const fail = (failure: TransportFailure) => {
      if (settled) return
      settled = true
      cleanup()
      req.destroy()
      reject(failure)
    }
    const req = (secure ? https : http).request(url, { method: request.method, headers, agent }, (res) => {
      bodySent = true
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) fail(new TransportFailure('too-large', true, `response larger than ${maxBytes} bytes`))
        else chunks.push(chunk)
      })
      res.on('end', () => {
        if (settled) return
        settled = true
        cleanup()
        const out: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
        }
        resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks) })
      })
      res.on('error', (error: NodeJS.ErrnoException) =>
        fail(new TransportFailure(kindOf(error.code), true, `response interrupted: ${error.message}`, error.code)),
      )
      res.on('aborted', () => fail(new TransportFailure('reset', true, 'response interrupted')))
    })
    const timer = setTimeout(
      () => fail(new TransportFailure('timeout', bodySent, `no complete answer within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    )
    const onAbort = () => fail(new TransportFailure('aborted', bodySent, 'aborted by the caller'))
    const cleanup = () => {
      clearTimeout(timer)
      request.signal?.removeEventListener('abort', onAbort)
    }
    if (request.signal?.aborted) {
      fail(new TransportFailure('aborted', false, 'aborted by the caller'))
      return
    }
    request.signal?.addEventListener('abort', onAbort, { once: true })
    req.on('finish', () => {
      bodySent = true
    })
    req.on('error', (error: NodeJS.ErrnoException) => {
      const message = error.message === 'socket hang up' ? 'connection closed without an answer' : error.message
      fail(new TransportFailure(kindOf(error.code), bodySent, message, error.code))
    })
    if (body === undefined) req.end()
    else if (body instanceof Uint8Array) req.end(body)
    else {
      const stream = body.open()
      stream.on('error', (error) => fail(new TransportFailure('other', false, `reading the body: ${error.message}`)))
      stream.pipe(req)
    }
  })
