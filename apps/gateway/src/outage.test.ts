import { connect, createServer, type Server, type Socket } from 'node:net'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { openDatabase } from '@ksef-hub/pipeline'
import { contextOn, openTestDatabase, type TestDatabase } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from './server.ts'
import { addTenant, call } from './test-support.ts'

/** A TCP path to PostgreSQL that the test can cut and restore, as an outage does. */
async function cuttableProxy(target: { host: string; port: number }) {
  const sockets = new Set<Socket>()
  let server: Server | undefined
  const listen = (port: number) =>
    new Promise<number>((resolve) => {
      const created = createServer((client) => {
        const upstream = connect(target.port, target.host)
        for (const socket of [client, upstream]) {
          sockets.add(socket)
          socket.on('close', () => sockets.delete(socket))
          socket.on('error', () => {})
        }
        client.pipe(upstream).pipe(client)
      })
      server = created
      created.listen(port, '127.0.0.1', () => resolve((created.address() as { port: number }).port))
    })
  const port = await listen(0)
  return {
    port,
    async cut() {
      await new Promise((resolve) => server?.close(resolve).unref())
      for (const socket of sockets) socket.destroy()
    },
    restore: () => listen(port),
  }
}

// The outage of a database server: PostgreSQL only (the embedded PGlite has no connection to lose).
describe('a database outage (postgres)', () => {
  let database: TestDatabase
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>
  let gateway: RunningGateway
  let close: () => Promise<void>
  let apiKey: string
  beforeAll(async () => {
    database = await openTestDatabase('postgres')
    const url = new URL(database.url as string)
    proxy = await cuttableProxy({ host: url.hostname, port: Number(url.port || 5432) })
    url.port = String(proxy.port)
    const through = await openDatabase({ url: url.toString(), migrate: false, poolSize: 4, onError: () => {} })
    const context = await contextOn(through)
    // Through the real database: only the gateway's path to it is cut.
    apiKey = (await addTenant({ db: database.db } as never, 'acme', '5265877635')).apiKey
    gateway = await startGateway({ context, port: 0, options: { accessLog: false, authCacheMs: 60_000 } })
    close = async () => {
      await gateway.close()
      await context.boss.stop({ graceful: false, close: true }).catch(() => {})
      await through.close().catch(() => {})
      await database.destroy()
    }
  })
  afterAll(() => close())

  it('answers 503 with Retry-After, and readiness shows states only, never the error text', async () => {
    expect((await call(gateway.url, 'GET', '/v1/invoices', { apiKey })).status).toBe(200)
    await proxy.cut()
    const invoice = typicalInvoice({ sellerNip: '5265877635', number: 'FV/OUTAGE/1', lines: 1 })
    for (const [method, path, json] of [
      ['GET', '/v1/invoices', undefined],
      ['POST', '/v1/invoices', invoice],
      ['POST', '/v1/invoices/bulk', { invoices: [{ invoice }] }],
    ] as const) {
      const answer = await call(gateway.url, method, path, { apiKey, ...(json ? { json } : {}) })
      expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(503)
      expect(answer.json).toMatchObject({ code: 'DATABASE_UNAVAILABLE' })
      expect(answer.headers.get('retry-after')).toBe('5')
    }
    const unknownKey = await call(gateway.url, 'GET', '/v1/invoices', {
      apiKey: 'ksh_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    })
    expect(unknownKey.status).toBe(503)
    const ready = await call(gateway.url, 'GET', '/readyz')
    expect(ready.status).toBe(503)
    expect(ready.json).toEqual({ status: 'not ready', checks: { database: 'unavailable', queue: 'unavailable' } })
    expect(ready.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect/)

    await proxy.restore()
    const back = await call(gateway.url, 'POST', '/v1/invoices', { apiKey, json: invoice })
    expect(back.status).toBe(201)
  })
})
