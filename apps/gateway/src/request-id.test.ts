import { silentLogger } from '@ksef-hub/pipeline'
import { openTestContext, type TestContext } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGatewayApp } from './app.ts'

describe("a client's X-Request-Id", () => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext('pglite')
  })
  afterAll(() => context.close())

  it('is kept when it is 1-64 plain characters, and replaced by a UUID otherwise', async () => {
    const app = createGatewayApp({ context: { ...context, logger: silentLogger }, options: { accessLog: false } })
    const idOf = async (sent: string) =>
      (await app.request('/healthz', { headers: { 'x-request-id': sent } })).headers.get('x-request-id')
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
    expect(await idOf('erp-42_retry=1')).toBe('erp-42_retry=1')
    expect(await idOf('a'.repeat(64))).toBe('a'.repeat(64))
    for (const bad of ['a'.repeat(65), 'a b', 'x<script>', 'za%C5%BC', '../../etc', 'id;drop']) {
      expect(await idOf(bad), bad).toMatch(UUID)
    }
  })
})
