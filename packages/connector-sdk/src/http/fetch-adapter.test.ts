import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { failure } from '../test-support.ts'
import { createHttpClient } from './client.ts'
import { fetchOver } from './fetch-adapter.ts'
import { type LocalServer, localServer } from './local-server.ts'

let server: LocalServer
/** Answers still to fail, by path, before the path answers normally. */
const failures = new Map<string, number[]>()

beforeAll(async () => {
  server = await localServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname
    const pending = failures.get(path)
    const status = pending?.shift()
    if (status !== undefined) {
      response.writeHead(status, {
        'content-type': 'application/json',
        ...(status === 429 ? { 'retry-after': '120' } : {}),
      })
      response.end(JSON.stringify({ status: 'error', message: `failed with ${status}` }))
      return
    }
    if (path === '/missing') {
      response.writeHead(404, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ message: 'not here' }))
    } else if (path === '/empty') {
      response.writeHead(204)
      response.end()
    } else if (path === '/hang') {
      // Never answers.
    } else {
      response.writeHead(200, { 'content-type': 'application/json', 'x-vendor': 'yes' })
      response.end(
        JSON.stringify({ method: request.method, body: request.body, type: request.headers['content-type'] }),
      )
    }
  })
})

afterAll(async () => {
  await server.close()
})

const client = (timeoutMs = 2_000) =>
  createHttpClient({ hosts: [server.origin], retries: 2, backoffMs: () => 1, timeoutMs })

describe('fetchOver', () => {
  it('sends the method, headers and body a vendor SDK gives fetch, and answers a Response', async () => {
    const vendorFetch = fetchOver(client())
    const response = await vendorFetch(`${server.origin}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: JSON.stringify({ a: 1 }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-vendor')).toBe('yes')
    expect(response.url).toBe(`${server.origin}/echo`)
    expect(await response.json()).toEqual({ method: 'POST', body: '{"a":1}', type: 'application/json' })
    expect(server.received.at(-1)?.headers.authorization).toBe('Bearer t')
  })

  it('takes a Request as fetch does', async () => {
    const vendorFetch = fetchOver(client())
    const response = await vendorFetch(new Request(`${server.origin}/echo`, { method: 'PUT', body: 'x' }))
    expect(await response.json()).toMatchObject({ method: 'PUT', body: 'x' })
  })

  it('retries a transient failure of a GET and rejects a 429 with the classified error', async () => {
    const vendorFetch = fetchOver(client())
    failures.set('/flaky', [503])
    expect((await vendorFetch(`${server.origin}/flaky`)).status).toBe(200)
    failures.set('/limited', [429])
    const limited = await failure(vendorFetch(`${server.origin}/limited`))
    expect(limited.kind).toBe('rate_limit')
    expect(limited.retryAfterMs).toBe(120_000)
  })

  it('does not resend a POST whose effect is unknown, unless the options say it reads', async () => {
    failures.set('/create', [503, 503])
    expect((await failure(fetchOver(client())(`${server.origin}/create`, { method: 'POST', body: '{}' }))).kind).toBe(
      'transient',
    )
    const before = server.received.length
    failures.set('/search', [503])
    const reads = fetchOver(client(), {
      idempotent: (method, url) => (method === 'POST' && url.pathname === '/search') || undefined,
    })
    expect((await reads(`${server.origin}/search`, { method: 'POST', body: '{}' })).status).toBe(200)
    expect(server.received.length - before).toBe(2)
  })

  it('answers statuses listed in accept, and rejects the rest with their kind', async () => {
    expect((await fetchOver(client(), { accept: [404] })(`${server.origin}/missing`)).status).toBe(404)
    expect((await failure(fetchOver(client())(`${server.origin}/missing`))).kind).toBe('not_found')
    expect((await fetchOver(client())(`${server.origin}/empty`)).status).toBe(204)
  })

  it("refuses hosts outside the client's allow-list and methods it does not send", async () => {
    expect((await failure(fetchOver(client())('https://elsewhere.example/x'))).kind).toBe('validation')
    await expect(fetchOver(client())(`${server.origin}/echo`, { method: 'HEAD' })).rejects.toThrow(TypeError)
  })

  it("ends with the caller's abort, and with the client's timeout", async () => {
    const controller = new AbortController()
    const pending = fetchOver(client())(`${server.origin}/hang`, { signal: controller.signal })
    controller.abort(new Error('stopped'))
    await expect(pending).rejects.toThrow('stopped')
    const timedOut = await failure(
      fetchOver(createHttpClient({ hosts: [server.origin], retries: 0, timeoutMs: 100 }))(`${server.origin}/hang`),
    )
    expect(timedOut.kind).toBe('transient')
  })
})
