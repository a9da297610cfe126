import { getEventListeners } from 'node:events'
import type { ServerResponse } from 'node:http'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { failure } from '../test-support.ts'
import { createHttpClient } from './client.ts'
import { createLimiter } from './limiter.ts'
import { closedPort, type LocalServer, localServer, type ReceivedRequest } from './local-server.ts'

let api: LocalServer
/** What the next answers of `/scripted` are, in order (then 200). */
let script: ({ status: number; retryAfter?: string } | 'hang')[] = []
let slowBody: ServerResponse | undefined
let arrivedWhileBodyOpen: boolean | undefined

function route(request: ReceivedRequest, response: ServerResponse): void {
  const url = new URL(request.url, 'http://x')
  if (url.pathname === '/scripted') {
    const next = script.shift()
    if (next === 'hang') return
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (next?.retryAfter !== undefined) headers['retry-after'] = next.retryAfter
    response.writeHead(next?.status ?? 200, headers)
    response.end(JSON.stringify({ method: request.method, body: request.body }))
  } else if (url.pathname === '/slow') {
    setTimeout(() => response.end('{}'), Number(url.searchParams.get('ms')))
  } else if (url.pathname === '/slow-body') {
    // Headers at once, the body's end later.
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write('{"part":')
    slowBody = response
    setTimeout(() => response.end('1}'), Number(url.searchParams.get('ms')))
  } else if (url.pathname === '/arrival') {
    arrivedWhileBodyOpen = slowBody !== undefined && !slowBody.writableEnded
    response.end('{}')
  } else if (url.pathname === '/stall') {
    // Headers at once, then a body that stops.
    response.writeHead(200, { 'content-type': 'application/json' })
    response.write('{"items":[')
  } else if (url.pathname !== '/hang') {
    response.end('{}')
  }
}

beforeAll(async () => {
  api = await localServer(route)
})

afterAll(async () => {
  await api.close()
})

beforeEach(() => {
  script = []
  api.received.length = 0
})

const client = (options: Partial<Parameters<typeof createHttpClient>[0]> = {}) =>
  createHttpClient({ hosts: [api.origin], retries: 2, timeoutMs: 5_000, backoffMs: () => 1, ...options })

describe('timeouts', () => {
  it('end a hanging exchange in a transient error once the time is up', async () => {
    const started = Date.now()
    const error = await failure(client({ retries: 0, timeoutMs: 150 }).request({ url: `${api.origin}/hang?k=S` }))
    expect(error.kind).toBe('transient')
    expect(error.message).toBe('GET /hang took longer than 150 ms')
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('cover the body too', async () => {
    const error = await failure(client({ retries: 0 }).request({ url: `${api.origin}/stall`, timeoutMs: 150 }))
    expect(error.kind).toBe('transient')
    expect(error.message).toContain('took longer than 150 ms')
  })

  it('start once the connection has a slot, not while the call waits for one', async () => {
    const http = client({ retries: 0, limiter: createLimiter({ concurrent: 1 }) })
    const slow = http.request({ url: `${api.origin}/slow?ms=800` })
    // Queued for 800 ms behind the slow call, then answered at once: well within its 400 ms.
    const quick = http.request({ url: `${api.origin}/fast`, timeoutMs: 400 })
    await expect(quick).resolves.toMatchObject({ status: 200 })
    await slow
  })
})

describe('the connection limiter', () => {
  it('holds a slot until the body is read, not only until the headers', async () => {
    const http = client({ limiter: createLimiter({ concurrent: 1 }) })
    const first = http.request({ url: `${api.origin}/slow-body?ms=200` })
    const second = http.request({ url: `${api.origin}/arrival` })
    expect((await first).json()).toEqual({ part: 1 })
    await second
    expect(arrivedWhileBodyOpen).toBe(false)
  })
})

describe('retries', () => {
  it('retry a GET after transient failures, up to `retries`, then throw the last', async () => {
    const attempts: number[] = []
    const backoffMs = (attempt: number) => {
      attempts.push(attempt)
      return 1
    }
    script = [{ status: 503 }, { status: 502 }, { status: 500 }]
    const error = await failure(client({ backoffMs }).request({ url: `${api.origin}/scripted` }))
    expect(error).toMatchObject({ kind: 'transient', status: 500 })
    expect(api.received).toHaveLength(3)
    expect(attempts).toEqual([0, 1])
  })

  it('succeed when a retry does', async () => {
    script = [{ status: 503 }, 'hang']
    // Short enough to end the hang soon, long enough for the third attempt's answer on a loaded machine.
    const response = await client({ timeoutMs: 400 }).request({ method: 'PUT', url: `${api.origin}/scripted` })
    expect(response.status).toBe(200)
    expect(api.received).toHaveLength(3)
  })

  it('never resend a POST whose effect is unknown: after a 5xx or a timeout', async () => {
    script = [{ status: 503 }]
    expect((await failure(client().request({ method: 'POST', url: `${api.origin}/scripted`, json: {} }))).status).toBe(
      503,
    )
    expect(api.received).toHaveLength(1)
    script = ['hang']
    const timedOut = await failure(
      client({ timeoutMs: 100 }).request({ method: 'PATCH', url: `${api.origin}/scripted` }),
    )
    expect(timedOut.kind).toBe('transient')
    expect(api.received).toHaveLength(2)
  })

  it('resend a POST marked idempotent', async () => {
    script = [{ status: 503 }]
    const response = await client().request({ method: 'POST', url: `${api.origin}/scripted`, idempotent: true })
    expect(response.status).toBe(200)
    expect(api.received).toHaveLength(2)
  })

  it('resend a POST that never reached the server (connection refused)', async () => {
    const port = await closedPort()
    let calls = 0
    let late: Promise<LocalServer> | undefined
    const http = createHttpClient({
      hosts: [`http://127.0.0.1:${port}`],
      retries: 2,
      backoffMs: () => 1,
      fetch: async (input, init) => {
        calls++
        if (late) await late
        try {
          return await fetch(input, init)
        } finally {
          // The system comes up after the first refusal: the second attempt reaches it.
          late ??= localServer((request, response) => response.end(JSON.stringify(request)), port)
        }
      },
    })
    try {
      const response = await http.request({ method: 'POST', url: `http://127.0.0.1:${port}/invoices`, json: { n: 1 } })
      expect(response.json()).toMatchObject({ method: 'POST', body: '{"n":1}' })
      expect(calls).toBe(2)
      expect((await late)?.received).toHaveLength(1)
    } finally {
      await (await late)?.close()
    }
  })

  it('give up on a refused connection after `retries`, saying so without the query', async () => {
    const port = await closedPort()
    let calls = 0
    const http = createHttpClient({
      hosts: [`http://127.0.0.1:${port}`],
      retries: 2,
      backoffMs: () => 1,
      fetch: (input, init) => {
        calls++
        return fetch(input, init)
      },
    })
    const error = await failure(http.request({ method: 'POST', url: `http://127.0.0.1:${port}/x?key=SECRET` }))
    expect(error.kind).toBe('transient')
    expect(error.message).toBe('POST /x failed: ECONNREFUSED')
    expect(calls).toBe(3)
  })
})

describe('429', () => {
  it('waits out a short Retry-After inline and retries, a POST too', async () => {
    script = [{ status: 429, retryAfter: '0.1' }]
    const started = Date.now()
    const response = await client({ backoffMs: () => 0 }).request({ method: 'POST', url: `${api.origin}/scripted` })
    expect(response.status).toBe(200)
    expect(api.received).toHaveLength(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(95)
  })

  it('throws a long Retry-After as rate_limit with the wait', async () => {
    script = [{ status: 429, retryAfter: '120' }]
    const error = await failure(client().request({ url: `${api.origin}/scripted` }))
    expect(error).toMatchObject({ kind: 'rate_limit', retryAfterMs: 120_000, status: 429 })
    expect(error.retryable).toBe(true)
    expect(api.received).toHaveLength(1)
  })

  it('counts inline waits against `retries`', async () => {
    script = [1, 2, 3, 4].map(() => ({ status: 429, retryAfter: '0' }))
    const error = await failure(client({ retries: 1 }).request({ url: `${api.origin}/scripted` }))
    expect(error.kind).toBe('rate_limit')
    expect(api.received).toHaveLength(2)
  })

  it('takes the inline bound from the options', async () => {
    script = [{ status: 429, retryAfter: '1' }]
    const error = await failure(client({ inlineRetryAfterMs: 500 }).request({ url: `${api.origin}/scripted` }))
    expect(error.retryAfterMs).toBe(1_000)
    expect(api.received).toHaveLength(1)
  })
})

describe("the job's signal", () => {
  it('ends a call as it is, without retrying', async () => {
    const job = new AbortController()
    const pending = client({ signal: job.signal }).request({ url: `${api.origin}/hang` })
    setTimeout(() => job.abort(new Error('claim lost')), 50)
    await expect(pending).rejects.toThrow('claim lost')
    expect(api.received).toHaveLength(1)
  })

  it('keeps no listener from the backoffs', async () => {
    const job = new AbortController()
    const http = client({ signal: job.signal })
    for (let i = 0; i < 12; i++) {
      script = [{ status: 503 }]
      await http.request({ url: `${api.origin}/scripted` })
    }
    expect(getEventListeners(job.signal, 'abort')).toHaveLength(0)
  })
})
