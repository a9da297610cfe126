import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectorError } from '../errors.ts'
import { failure } from '../test-support.ts'
import { createHttpClient } from './client.ts'
import { type LocalServer, localServer, type ReceivedRequest } from './local-server.ts'

let api: LocalServer
let other: LocalServer
/** Bytes the streaming route wrote before the client went away. */
let streamed = 0
let streamEnded: Promise<void>

function route(request: ReceivedRequest, response: ServerResponse): void {
  const url = new URL(request.url, 'http://x')
  const status = /^\/status\/(\d+)$/.exec(url.pathname)
  if (status) {
    response.writeHead(Number(status[1]), { 'content-type': 'application/json' })
    response.end(JSON.stringify({ error: 'no', detail: 'see the docs' }))
  } else if (url.pathname === '/echo') {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(
      JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body: request.body }),
    )
  } else if (url.pathname === '/same-origin') {
    response.writeHead(302, { location: '/echo?hop=1' })
    response.end()
  } else if (url.pathname === '/see-other') {
    response.writeHead(303, { location: `${api.origin}/echo` })
    response.end()
  } else if (url.pathname === '/elsewhere') {
    response.writeHead(307, { location: `${other.origin}/echo` })
    response.end()
  } else if (url.pathname === '/loop') {
    response.writeHead(302, { location: '/loop' })
    response.end()
  } else if (url.pathname === '/bytes') {
    response.end('x'.repeat(Number(url.searchParams.get('n'))))
  } else if (url.pathname === '/declared') {
    // Declares far more than the limit, sends a little and holds: only the declaration can end the exchange.
    response.writeHead(200, { 'content-length': String(50 * 1024 * 1024) })
    response.write('x'.repeat(1024))
  } else if (url.pathname === '/endless') {
    // A chunked body that never ends: the client must stop reading at its limit.
    streamed = 0
    streamEnded = new Promise((resolve) => response.on('close', resolve))
    response.writeHead(200, { 'content-type': 'application/octet-stream' })
    const chunk = Buffer.alloc(16 * 1024, 120)
    const pump = () => {
      while (!response.destroyed && response.write(chunk)) streamed += chunk.length
      if (!response.destroyed) response.once('drain', pump)
    }
    pump()
  } else if (url.pathname === '/not-json') {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end('<html>maintenance</html>')
  } else if (url.pathname === '/hang') {
    // Never answers.
  } else if (url.pathname === '/empty') {
    response.writeHead(204)
    response.end()
  } else {
    response.writeHead(404)
    response.end()
  }
}

beforeAll(async () => {
  api = await localServer(route)
  other = await localServer((_, response) => response.end('{}'))
})

afterAll(async () => {
  await api.close()
  await other.close()
})

const client = (options: Partial<Parameters<typeof createHttpClient>[0]> = {}) =>
  createHttpClient({ hosts: [`${api.origin}/api/v2`], retries: 0, timeoutMs: 5_000, ...options })

describe('the host allow-list', () => {
  it('allows any path of an allowed origin (a path in hosts is ignored)', async () => {
    const response = await client().request({ url: `${api.origin}/echo`, query: { a: 1, b: undefined, c: true } })
    expect(response.status).toBe(200)
    expect(response.json<{ url: string }>().url).toBe('/echo?a=1&c=true')
  })

  it('refuses another origin before any request, another port of the same host too', async () => {
    const before = other.received.length
    const error = await failure(client().request({ url: `${other.origin}/echo` }))
    expect(error.kind).toBe('validation')
    expect(error.message).toContain(other.origin)
    await expect(client().fetch(`${other.origin}/echo`)).rejects.toMatchObject({ kind: 'validation' })
    expect(other.received.length).toBe(before)
  })

  it('refuses a redirect to another origin without following it', async () => {
    const before = other.received.length
    const error = await failure(client().request({ method: 'POST', url: `${api.origin}/elsewhere`, json: { a: 1 } }))
    expect(error.kind).toBe('validation')
    expect(other.received.length).toBe(before)
  })

  it('follows redirects within the origin, answering with the final URL', async () => {
    const response = await client().request({
      url: `${api.origin}/same-origin`,
      headers: { authorization: 'Bearer t' },
    })
    const echoed = response.json<{ url: string; headers: Record<string, string> }>()
    expect(echoed.url).toBe('/echo?hop=1')
    expect(echoed.headers.authorization).toBe('Bearer t')
    // Relative links in a page resolve against where the answer came from.
    expect(response.url).toBe(`${api.origin}/echo?hop=1`)
  })

  it('turns a POST into a GET without body on 303', async () => {
    const response = await client().request({ method: 'POST', url: `${api.origin}/see-other`, body: 'form=1' })
    expect(response.json()).toMatchObject({ method: 'GET', body: '' })
  })

  it('stops after five redirects with the redirect as the error', async () => {
    const before = api.received.length
    const error = await failure(client().request({ url: `${api.origin}/loop` }))
    expect(error.status).toBe(302)
    expect(api.received.length - before).toBe(6)
  })
})

describe('answers outside 2xx', () => {
  it('are classified by status, with the status on the error', async () => {
    const table: [number, string][] = [
      [400, 'validation'],
      [401, 'auth'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [409, 'conflict'],
      [412, 'conflict'],
      [422, 'validation'],
      [503, 'transient'],
    ]
    for (const [status, kind] of table) {
      const error = await failure(client().request({ url: `${api.origin}/status/${status}` }))
      expect(error.kind, String(status)).toBe(kind)
      expect(error.status).toBe(status)
      expect(error.message).toBe(`GET /status/${status} answered ${status}: {"error":"no","detail":"see the docs"}`)
    }
  })

  it('never put the query string in a message', async () => {
    const secret = 'sk_live_SECRET'
    for (const status of [401, 404, 503]) {
      const error = await failure(
        client().request({ url: `${api.origin}/status/${status}?key=${secret}`, query: { token: secret } }),
      )
      expect(error.message).not.toContain(secret)
      expect(error.message).not.toContain('?')
    }
  })

  it('are answers when the request accepts them', async () => {
    const response = await client().request({ url: `${api.origin}/status/404`, accept: [404] })
    expect(response.status).toBe(404)
    expect(response.json()).toEqual({ error: 'no', detail: 'see the docs' })
  })
})

describe('bodies', () => {
  it('sends JSON with its content type', async () => {
    const response = await client().request({ method: 'PUT', url: `${api.origin}/echo`, json: { ksef: 'N-1' } })
    const echoed = response.json<{ method: string; headers: Record<string, string>; body: string }>()
    expect(echoed.method).toBe('PUT')
    expect(echoed.headers['content-type']).toBe('application/json')
    expect(echoed.headers.accept).toBe('application/json')
    expect(JSON.parse(echoed.body)).toEqual({ ksef: 'N-1' })
  })

  it('throws a transient error when a body is not JSON', async () => {
    const response = await client().request({ url: `${api.origin}/not-json`, query: { key: 'SECRET' } })
    expect(response.text()).toBe('<html>maintenance</html>')
    let thrown: unknown
    try {
      response.json()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ConnectorError)
    expect(thrown).toMatchObject({ kind: 'transient', status: 200 })
    expect((thrown as Error).message).not.toContain('SECRET')
  })

  it('reads a body of exactly the limit', async () => {
    const response = await client({ maxResponseBytes: 1_000 }).request({ url: `${api.origin}/bytes?n=1000` })
    expect(response.bytes.length).toBe(1_000)
  })

  it('refuses a declared length over the limit without waiting for the body', async () => {
    // The body never comes: reading it would end in the 5 s timeout (transient), not in this refusal.
    const error = await failure(client({ maxResponseBytes: 1_000 }).request({ url: `${api.origin}/declared` }))
    expect(error.kind).toBe('validation')
    expect(error.message).toContain('over 1000 bytes')
  })

  it('stops reading a chunked body at the limit', async () => {
    const error = await failure(client({ maxResponseBytes: 100_000 }).request({ url: `${api.origin}/endless` }))
    expect(error.kind).toBe('validation')
    // The client hung up: the endless body was not read to its end (there is none).
    await streamEnded
    expect(streamed).toBeGreaterThan(0)
  })
})

describe('the fetch for vendor SDKs', () => {
  it('passes an answer through, without classifying it', async () => {
    const response = await client().fetch(`${api.origin}/status/404`)
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: 'no', detail: 'see the docs' })
    expect((await client().fetch(`${api.origin}/empty`)).status).toBe(204)
  })

  it('obeys the size limit', async () => {
    await expect(client({ maxResponseBytes: 100 }).fetch(`${api.origin}/bytes?n=101`)).rejects.toMatchObject({
      kind: 'validation',
    })
    await expect(client({ maxResponseBytes: 1_000 }).fetch(`${api.origin}/declared`)).rejects.toMatchObject({
      kind: 'validation',
    })
  })

  it('sends what a Request carries: method, headers and body', async () => {
    const request = new Request(`${api.origin}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-vendor': 'sdk' },
      body: 'hello',
    })
    const echoed = await (await client().fetch(request)).json()
    expect(echoed).toMatchObject({ method: 'POST', body: 'hello', headers: { 'x-vendor': 'sdk' } })
  })

  it("ends when the caller's signal aborts", async () => {
    const caller = new AbortController()
    const pending = client().fetch(`${api.origin}/hang`, { signal: caller.signal })
    caller.abort(new Error('vendor SDK gave up'))
    await expect(pending).rejects.toThrow('vendor SDK gave up')
  })
})
