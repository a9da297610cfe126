import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callFake, isJsonContentType } from './fake-call.ts'
import { type FakeServer, startFakeServer } from './fake-server.ts'

describe('callFake', () => {
  let server: FakeServer
  beforeAll(async () => {
    server = await startFakeServer((request) => {
      if (request.url.pathname === '/echo') {
        return {
          json: { type: request.headers['content-type'], auth: request.headers.authorization, body: request.json() },
        }
      }
      if (request.url.pathname === '/problem') {
        return { status: 400, json: { title: 'bad' }, headers: { 'content-type': 'application/problem+json' } }
      }
      if (request.url.pathname === '/text') return { body: request.body, headers: { 'content-type': 'text/plain' } }
      return { status: 204 }
    })
  })
  afterAll(() => server.close())

  it('sends JSON or bytes with the headers given, and reads JSON, other bytes, or nothing', async () => {
    const echo = await callFake('POST', `${server.url}/echo`, {
      json: { a: 1 },
      headers: { authorization: 'Bearer t' },
    })
    expect(echo.status).toBe(200)
    expect(echo.body).toEqual({ type: 'application/json', auth: 'Bearer t', body: { a: 1 } })
    const problem = await callFake('GET', new URL('/problem', server.url))
    expect(problem).toMatchObject({ status: 400, body: { title: 'bad' } })
    const text = await callFake('PUT', `${server.url}/text`, { body: 'raw' })
    expect(text.body).toEqual(Buffer.from('raw'))
    expect(text.bytes.toString()).toBe('raw')
    expect((await callFake('DELETE', `${server.url}/none`)).body).toBeUndefined()
    const asText = await callFake('POST', `${server.url}/echo`, { json: {} }, () => false)
    expect(Buffer.isBuffer(asText.body)).toBe(true)
  })

  it('takes …/json and …+json as JSON by default', () => {
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true)
    expect(isJsonContentType('application/problem+json')).toBe(true)
    expect(isJsonContentType('text/html')).toBe(false)
  })
})
