import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ConnectorError, defineConnector, SDK_VERSION } from '@ksef-hub/connector-sdk'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { PipelineContext } from '../context.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { type ConnectionRecord, connectionSecrets, saveConnection } from './connections.ts'
import { hostConnection } from './host.ts'
import { connectorRegistry } from './registry.ts'
import { connectTenant, hookAfterQuery, type QueryShape } from './test-support.ts'

/** A token endpoint on 127.0.0.1 that rotates the refresh token on every use, as Xero and QuickBooks do. */
async function startTokenServer() {
  const state = {
    generation: 0,
    calls: 0,
    /** Answers wait for this while set. */
    hold: undefined as Promise<void> | undefined,
    /** Resolved when a token request arrives. */
    arrived: Promise.withResolvers<void>(),
  }
  const answer = async (body: string, response: ServerResponse) => {
    state.calls += 1
    state.arrived.resolve()
    await state.hold
    const { refreshToken } = JSON.parse(body) as { refreshToken: string }
    if (refreshToken !== `rt-${state.generation}`) {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}')
      return
    }
    state.generation += 1
    const tokens = { accessToken: `at-${state.generation}`, refreshToken: `rt-${state.generation}` }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokens))
  }
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString()
    })
    request.on('end', () => void answer(body, response))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    state,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const oauth = defineConnector({
  id: 'oauth-crm',
  displayName: 'OAuth CRM',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings: z.object({ baseUrl: z.url() }),
  secrets: z.object({ accessToken: z.string(), refreshToken: z.string(), expiresAt: z.string() }),
  hosts: (settings) => [settings.baseUrl],
  auth: {
    kind: 'oauth2',
    expiresAt: (secrets) => new Date(secrets.expiresAt),
    async refresh({ settings, secrets, http, now }) {
      const response = await http.request({
        method: 'POST',
        url: `${settings.baseUrl}/token`,
        json: { refreshToken: secrets.refreshToken },
        accept: [400],
      })
      if (response.status === 400) throw new ConnectorError('auth', 'the token endpoint said invalid_grant')
      const tokens = response.json<{ accessToken: string; refreshToken: string }>()
      return { ...tokens, expiresAt: new Date(now().getTime() + 3600_000).toISOString() }
    },
  },
})
const registry = connectorRegistry([oauth])
const isLeaseTake = (query: QueryShape) =>
  query.kind === 'UpdateQueryNode' &&
  query.table === 'connections' &&
  typeof query.columns.credentials_lease_owner === 'string'
const isLeaseRelease = (query: QueryShape) =>
  query.kind === 'UpdateQueryNode' && query.table === 'connections' && query.columns.credentials_lease_owner === null

describe.each(testBackends())('renewing a connection’s credentials (%s)', (backend) => {
  let context: TestContext
  let tokens: Awaited<ReturnType<typeof startTokenServer>>
  let connection: ConnectionRecord
  beforeAll(async () => {
    context = await openTestContext(backend)
    tokens = await startTokenServer()
    connection = await connectTenant(context, registry, 'acme', {
      connector: 'oauth-crm',
      settings: { baseUrl: tokens.origin },
      secrets: { accessToken: 'at-0', refreshToken: 'rt-0', expiresAt: '2000-01-01T00:00:00Z' },
    })
  })
  afterAll(async () => {
    await tokens.close()
    await context.close()
  })
  beforeEach(async () => {
    // Each test starts from an expired access token and the refresh token the endpoint takes.
    tokens.state.calls = 0
    tokens.state.hold = undefined
    tokens.state.arrived = Promise.withResolvers<void>()
    await saveConnection(context.db, context.keys, registry, 'acme', {
      connector: 'oauth-crm',
      secrets: {
        accessToken: `at-${tokens.state.generation}`,
        refreshToken: `rt-${tokens.state.generation}`,
        expiresAt: '2000-01-01T00:00:00Z',
      },
    })
  })

  const work = (on: PipelineContext = context) =>
    hostConnection(on, { registry }, oauth, connection, new AbortController().signal)
  const lease = () =>
    context.db
      .selectFrom('connections')
      .select(['credentials_lease_owner', 'credentials_lease_until'])
      .where('id', '=', connection.id)
      .executeTakeFirstOrThrow()
  const stored = () => connectionSecrets(context.db, context.keys, 'acme', connection.name)

  it('renews once when two workers need it at once, and both get the renewed secrets', async () => {
    const release = Promise.withResolvers<void>()
    tokens.state.hold = release.promise
    const first = (await work()).credentials.current()
    await tokens.state.arrived.promise
    // The second worker asks while the first holds the lease (its token call is held at the endpoint).
    const tried = Promise.withResolvers<void>()
    const second = (
      await work({ ...context, db: hookAfterQuery(context.db, isLeaseTake, async () => tried.resolve()) })
    ).credentials.current()
    await tried.promise
    release.resolve()
    const [a, b] = await Promise.all([first, second])
    expect(tokens.state.calls).toBe(1)
    expect(a).toMatchObject({
      accessToken: `at-${tokens.state.generation}`,
      refreshToken: `rt-${tokens.state.generation}`,
    })
    expect(b).toEqual(a)
    expect(await stored()).toEqual(a)
    expect(await lease()).toEqual({ credentials_lease_owner: null, credentials_lease_until: null })
  })

  it('has the renewed secrets in the encrypted store before the lease is released', async () => {
    let atRelease: Record<string, unknown> | undefined
    const log: QueryShape[] = []
    const db = hookAfterQuery(
      context.db,
      isLeaseRelease,
      async () => {
        atRelease = await stored()
      },
      { log },
    )
    const renewed = await (await work({ ...context, db })).credentials.current()
    expect(atRelease).toEqual(renewed)
    const written = log.findIndex((query) => query.kind === 'InsertQueryNode' && query.table === 'secrets')
    expect(written).toBeGreaterThan(log.findIndex(isLeaseTake))
    expect(written).toBeLessThan(log.findIndex(isLeaseRelease))
  })

  it('waits for a live lease of another worker, and takes over one whose holder crashed', async () => {
    await context.db
      .updateTable('connections')
      .set({
        credentials_lease_owner: 'another-worker',
        credentials_lease_until: sql<Date>`now() + interval '1 minute'`,
      })
      .where('id', '=', connection.id)
      .execute()
    const tried = Promise.withResolvers<void>()
    const waiting = (
      await work({ ...context, db: hookAfterQuery(context.db, isLeaseTake, async () => tried.resolve()) })
    ).credentials.current()
    await tried.promise
    expect(tokens.state.calls).toBe(0)
    // The holder crashed: its lease runs out (moved into the past here), and the waiter goes ahead.
    await context.db
      .updateTable('connections')
      .set({ credentials_lease_until: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', connection.id)
      .execute()
    const renewed = await waiting
    expect(tokens.state.calls).toBe(1)
    expect(renewed).toMatchObject({ accessToken: `at-${tokens.state.generation}` })
    expect(await lease()).toEqual({ credentials_lease_owner: null, credentials_lease_until: null })
  })

  it('releases the lease when the system refuses the renewal, and keeps the stored secrets', async () => {
    await saveConnection(context.db, context.keys, registry, 'acme', {
      connector: 'oauth-crm',
      secrets: { accessToken: 'at-x', refreshToken: 'rt-revoked', expiresAt: '2000-01-01T00:00:00Z' },
    })
    const refused = (await work()).credentials.current()
    await expect(refused).rejects.toMatchObject({ name: 'ConnectorError', kind: 'auth' })
    expect(tokens.state.calls).toBe(1)
    expect(await lease()).toEqual({ credentials_lease_owner: null, credentials_lease_until: null })
    expect(await stored()).toMatchObject({ refreshToken: 'rt-revoked' })
    // The next worker is not kept waiting: it tries (and is refused) at once.
    await expect((await work()).credentials.current()).rejects.toMatchObject({ kind: 'auth' })
    expect(tokens.state.calls).toBe(2)
  })

  it('does not renew a token that is still valid', async () => {
    await saveConnection(context.db, context.keys, registry, 'acme', {
      connector: 'oauth-crm',
      secrets: { accessToken: 'at-valid', refreshToken: 'rt-any', expiresAt: '2999-01-01T00:00:00Z' },
    })
    expect(await (await work()).credentials.current()).toMatchObject({ accessToken: 'at-valid' })
    expect(tokens.state.calls).toBe(0)
    expect(await lease()).toEqual({ credentials_lease_owner: null, credentials_lease_until: null })
  })
})
