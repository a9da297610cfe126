import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { defineConnector, SDK_VERSION } from '@ksef-hub/connector-sdk'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { submitInvoice } from '../invoices/intake.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { saveConnection } from './connections.ts'
import { hostConnection, hubLookup } from './host.ts'
import { connectorRegistry } from './registry.ts'
import { type Source, type SourceCalls, sourceConnector, startSource } from './test-source.ts'
import { connectTenant, NIP, OTHER_NIP, walkInvoice } from './test-support.ts'

/** A server that answers after 30 ms and remembers how many requests it had in flight at most. */
async function startSlowServer() {
  const state = { inFlight: 0, most: 0 }
  const server = createServer((_request, response) => {
    state.inFlight += 1
    state.most = Math.max(state.most, state.inFlight)
    setTimeout(() => {
      state.inFlight -= 1
      response.end('{}')
    }, 30)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    state,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const limited = defineConnector({
  id: 'limited',
  displayName: 'Limited',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings: z.object({ baseUrl: z.url(), concurrent: z.number().int().positive() }),
  secrets: z.object({}),
  hosts: (settings) => [settings.baseUrl],
  limits: (settings) => ({ concurrent: settings.concurrent }),
})
const calls: SourceCalls = { maps: [] }
const source = sourceConnector(calls)
const registry = connectorRegistry([source, limited])
const signal = () => new AbortController().signal

describe.each(testBackends())('hosting a connector (%s)', (backend) => {
  let context: TestContext
  let system: Source
  beforeAll(async () => {
    context = await openTestContext(backend)
    system = await startSource([{ ref: 'd1', number: 'FV/1' }])
  })
  afterAll(async () => {
    await system.close()
    await context.close()
  })

  it('gives the connector its tenant, connection, checked settings and stored secrets, and its system', async () => {
    const connection = await connectTenant(context, registry, 'acme', {
      connector: 'source',
      settings: { baseUrl: system.origin },
      secrets: { apiKey: system.apiKey },
    })
    const work = await hostConnection(context, { registry }, source, connection, signal())
    expect(work.tenant).toEqual({ id: 'acme', nip: NIP, name: 'Tenant acme' })
    expect(work.connection).toEqual({ id: connection.id, name: 'source' })
    // The schema's default is filled in: the connector reads settings as its schema gives them.
    expect(work.settings).toEqual({ baseUrl: system.origin, pageSize: 2 })
    expect(await work.credentials.current()).toEqual({ apiKey: system.apiKey })
    const page = await source.pull?.page(work, undefined)
    expect(page?.documents.map((document) => document.ref)).toEqual(['d1'])
    // The same server under another name is not the connector's system.
    const elsewhere = system.origin.replace('127.0.0.1', 'localhost')
    await expect(work.http.request({ url: `${elsewhere}/documents` })).rejects.toThrow(
      `${elsewhere} is not among the connection's hosts`,
    )
    // Without the hub's public address there is nowhere a source could send webhooks to.
    expect(work.webhookUrl).toBeUndefined()
    const reachable = await hostConnection(
      context,
      { registry, publicUrl: 'https://hub.example.com/' },
      source,
      connection,
      signal(),
    )
    expect(reachable.webhookUrl).toBe('https://hub.example.com/v1/connectors/source/acme/webhook')
  })

  it('refuses settings that no longer fit the connector, naming the field', async () => {
    const connection = await connectTenant(context, registry, 'acme', {
      name: 'broken',
      connector: 'source',
      settings: { baseUrl: system.origin },
      secrets: { apiKey: 'k' },
    })
    await context.db
      .updateTable('connections')
      .set({ settings: JSON.stringify({ baseUrl: 'nowhere' }) })
      .where('id', '=', connection.id)
      .execute()
    const stale = { ...connection, settings: { baseUrl: 'nowhere' } }
    await expect(hostConnection(context, { registry }, source, stale, signal())).rejects.toMatchObject({
      kind: 'validation',
      message: expect.stringContaining('settings.baseUrl'),
    })
  })

  it('lets a connector look up only the invoices of its own connection', async () => {
    const mine = await connectTenant(context, registry, 'acme', {
      name: 'mine',
      connector: 'source',
      settings: { baseUrl: system.origin },
      secrets: { apiKey: 'k' },
    })
    const sibling = await connectTenant(context, registry, 'acme', {
      name: 'sibling',
      connector: 'source',
      settings: { baseUrl: system.origin },
      secrets: { apiKey: 'k' },
    })
    const stranger = await connectTenant(
      context,
      registry,
      'other',
      { name: 'mine', connector: 'source', settings: { baseUrl: system.origin }, secrets: { apiKey: 'k' } },
      OTHER_NIP,
    )
    const submit = (tenantId: string, nip: string, source: string, number: string, sourceRef = 'INV-1') =>
      submitInvoice(context, {
        tenantId,
        invoice: typicalInvoice({ sellerNip: nip, number, lines: 1, issueDate: '2026-11-03' }),
        source,
        sourceRef,
      })
    const sent = await submit('acme', NIP, 'mine', 'FV/MINE/1')
    await submit('other', OTHER_NIP, 'mine', 'FV/STRANGER/1')
    expect(await hubLookup(context, mine).invoiceOf('INV-1')).toEqual({
      invoiceId: sent.id,
      number: 'FV/MINE/1',
      issueDate: '2026-11-03',
      state: 'pending',
      ksefNumber: null,
    })
    expect(await hubLookup(context, sibling).invoiceOf('INV-1')).toBeUndefined()
    expect((await hubLookup(context, stranger).invoiceOf('INV-1'))?.number).toBe('FV/STRANGER/1')
    expect(await hubLookup(context, mine).invoiceOf('INV-2')).toBeUndefined()
    const number = await walkInvoice(context.db, sent.id, ['sending', 'accepted', 'confirmed'])
    expect(await hubLookup(context, mine).invoiceOf('INV-1')).toMatchObject({ state: 'confirmed', ksefNumber: number })
    const refused = await submit('acme', NIP, 'mine', 'FV/MINE/2', 'INV-3')
    await walkInvoice(context.db, refused.id, ['sending', 'rejected'])
    expect(await hubLookup(context, mine).invoiceOf('INV-3')).toMatchObject({ state: 'rejected', ksefNumber: null })
  })

  it('shares one limiter among the jobs of a connection, and gives each connection its own', async () => {
    const slow = await startSlowServer()
    try {
      const connect = (name: string, concurrent: number) =>
        connectTenant(context, registry, 'acme', {
          name,
          connector: 'limited',
          settings: { baseUrl: slow.origin, concurrent },
          secrets: {},
        })
      const one = await connect('one-at-a-time', 1)
      const two = await connect('another', 1)
      const request = async (connection: typeof one) =>
        (await hostConnection(context, { registry }, limited, connection, signal())).http.request({ url: slow.origin })
      // Two jobs of one connection: one request at a time between them.
      await Promise.all([request(one), request(one), request(one)])
      expect(slow.state.most).toBe(1)
      // Two connections of one system: each has its own limits.
      slow.state.most = 0
      await Promise.all([request(one), request(two)])
      expect(slow.state.most).toBe(2)
      // Limits changed in the settings: the next job runs by the new ones.
      slow.state.most = 0
      const widened = await saveConnection(context.db, context.keys, registry, 'acme', {
        name: 'one-at-a-time',
        connector: 'limited',
        settings: { baseUrl: slow.origin, concurrent: 2 },
      })
      await Promise.all([request(widened), request(widened)])
      expect(slow.state.most).toBe(2)
    } finally {
      await slow.close()
    }
  })
})
