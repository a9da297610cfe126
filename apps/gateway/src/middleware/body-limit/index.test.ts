import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../env.ts'
import { GatewayError } from '../../http/problem.ts'
import { limitBody } from './index.ts'

const LIMIT = 1_000

function app() {
  const reached: number[] = []
  const hono = new Hono<AppEnv>()
  hono.onError((error) =>
    error instanceof GatewayError
      ? Response.json({ code: error.code }, { status: error.status })
      : new Response(String(error), { status: 500 }),
  )
  hono.post('/', limitBody(LIMIT), async (c) => {
    const body = await c.req.arrayBuffer()
    reached.push(body.byteLength)
    return c.json({ bytes: body.byteLength })
  })
  return { hono, reached }
}

/** A body without a declared length, as a chunked upload sends it. */
function chunked(bytes: number): RequestInit {
  const chunk = new Uint8Array(100)
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close()
      const size = Math.min(chunk.length, bytes - sent)
      sent += size
      controller.enqueue(chunk.subarray(0, size))
    },
  })
  return { method: 'POST', body, duplex: 'half' } as RequestInit
}

describe('the body limit', () => {
  it('refuses a declared Content-Length over the limit before the handler reads anything', async () => {
    const { hono, reached } = app()
    const answer = await hono.request('/', {
      method: 'POST',
      body: 'x'.repeat(LIMIT + 1),
      headers: { 'content-length': String(LIMIT + 1) },
    })
    expect(answer.status).toBe(413)
    expect(await answer.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE' })
    expect(reached).toEqual([])
  })

  it('lets a body of exactly the limit through, whole', async () => {
    const { hono, reached } = app()
    const answer = await hono.request('/', {
      method: 'POST',
      body: 'x'.repeat(LIMIT),
      headers: { 'content-length': String(LIMIT) },
    })
    expect(answer.status).toBe(200)
    expect(reached).toEqual([LIMIT])
  })

  it('counts a body without a declared length while it is read', async () => {
    const { hono, reached } = app()
    const small = await hono.request('/', chunked(LIMIT))
    expect(small.status).toBe(200)
    const large = await hono.request('/', chunked(LIMIT + 1))
    expect(large.status).toBe(413)
    expect(await large.json()).toEqual({ code: 'PAYLOAD_TOO_LARGE' })
    expect(reached).toEqual([LIMIT])
  })
})
