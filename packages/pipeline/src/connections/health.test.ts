import { ConnectorError, MappingError } from '@ksef-hub/connector-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from '../testing/backends.ts'
import { testConnector } from '../testing/connectors.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { ConnectionRecord } from './connections.ts'
import { markNeedsReauth, recordConnectionError, settleFailure } from './health.ts'
import { connectorRegistry } from './registry.ts'
import { connectTenant, recordingLogger } from './test-support.ts'

const registry = connectorRegistry([testConnector('test-crm')])

describe.each(testBackends())('what a connector’s failure does to its connection (%s)', (backend) => {
  let context: TestContext
  let connection: ConnectionRecord
  beforeAll(async () => {
    context = await openTestContext(backend, { now: () => new Date('2026-12-01T10:00:00Z') })
    connection = await connectTenant(context, registry, 'acme', {
      connector: 'test-crm',
      secrets: { accessToken: 't' },
    })
  })
  afterAll(() => context.close())

  const rowOf = () =>
    context.db.selectFrom('connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow()

  it('retries what may pass, defers a rate limit to its Retry-After, and stops what a person must fix', async () => {
    const { logger, lines } = recordingLogger()
    const on = { ...context, logger }
    const cases: [unknown, unknown][] = [
      [new Error('socket hang up'), { kind: 'retry' }],
      [new ConnectorError('transient', 'GET /invoices answered 503'), { kind: 'retry' }],
      [new ConnectorError('conflict', 'changed meanwhile'), { kind: 'retry' }],
      [new ConnectorError('rate_limit', 'slow down', { retryAfterMs: 42_000 }), { kind: 'defer', afterMs: 42_000 }],
      [new ConnectorError('rate_limit', 'slow down'), { kind: 'defer', afterMs: 60_000 }],
      [new ConnectorError('forbidden', 'scope missing'), { kind: 'stop' }],
      [new ConnectorError('validation', 'the ERP refused the field'), { kind: 'stop' }],
      [new MappingError('FIELD_INVALID', 'total', 'no total'), { kind: 'stop' }],
    ]
    for (const [error, action] of cases) {
      expect(await settleFailure(on, connection, error), String(error)).toEqual(action)
      expect((await rowOf()).last_error).toBe((error as Error).message)
    }
    expect((await rowOf()).status).toBe('active')
    expect(lines.filter((line) => line.level === 'warn').map((line) => line.object.kind)).toEqual([
      'forbidden',
      'validation',
      'mapping',
    ])
  })

  it('parks the connection on a refused grant, tells the tenant once, and completes', async () => {
    const refused = new ConnectorError('auth', 'the token endpoint said invalid_grant')
    expect(await settleFailure(context, connection, refused)).toEqual({ kind: 'stop' })
    expect(await settleFailure(context, connection, refused)).toEqual({ kind: 'stop' })
    expect(await rowOf()).toMatchObject({
      status: 'needs_reauth',
      status_reason: 'the token endpoint said invalid_grant',
      last_error: 'the token endpoint said invalid_grant',
      last_error_at: new Date('2026-12-01T10:00:00Z'),
    })
    const events = await context.db.selectFrom('events').select(['type', 'data']).execute()
    expect(events).toEqual([
      {
        type: 'connection.needs_reauth',
        data: { connection: 'test-crm', connector: 'test-crm', reason: 'the token endpoint said invalid_grant' },
      },
    ])
    const audit = await context.db
      .selectFrom('audit_log')
      .select(['kind', 'actor'])
      .where('kind', '=', 'connection.needs_reauth')
      .execute()
    expect(audit).toEqual([{ kind: 'connection.needs_reauth', actor: 'connection:test-crm' }])
  })

  it('keeps a long error and reason within their columns’ bounds, and clears the error', async () => {
    await recordConnectionError(context, connection.id, 'x'.repeat(5000))
    expect((await rowOf()).last_error).toHaveLength(1000)
    await recordConnectionError(context, connection.id, undefined)
    expect(await rowOf()).toMatchObject({ last_error: null, last_error_at: null })
    const other = await connectTenant(context, registry, 'acme', {
      name: 'other',
      connector: 'test-crm',
      secrets: { accessToken: 't' },
    })
    await markNeedsReauth(context, other, 'y'.repeat(5000))
    const row = await context.db
      .selectFrom('connections')
      .select('status_reason')
      .where('id', '=', other.id)
      .executeTakeFirstOrThrow()
    expect(row.status_reason).toHaveLength(1000)
  })
})
