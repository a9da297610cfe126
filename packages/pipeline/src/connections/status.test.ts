import { randomUUID } from 'node:crypto'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SourceDocumentState } from '../db/connections-schema.ts'
import { submitInvoice } from '../invoices/intake.ts'
import { testBackends } from '../testing/backends.ts'
import { testConnector } from '../testing/connectors.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { ConnectionRecord } from './connections.ts'
import { connectorRegistry } from './registry.ts'
import { connectionStatus, listSourceDocuments } from './status.ts'
import { connectTenant, NIP, OTHER_NIP } from './test-support.ts'

const registry = connectorRegistry([testConnector('crm')])

describe.each(testBackends())('a connection’s status (%s)', (backend) => {
  let context: TestContext
  let crm: ConnectionRecord
  let sibling: ConnectionRecord
  beforeAll(async () => {
    context = await openTestContext(backend)
    crm = await connectTenant(context, registry, 'acme', { connector: 'crm', secrets: { accessToken: 't' } })
    sibling = await connectTenant(context, registry, 'acme', {
      name: 'sibling',
      connector: 'crm',
      secrets: { accessToken: 't' },
    })
    await connectTenant(context, registry, 'other', { connector: 'crm', secrets: { accessToken: 't' } }, OTHER_NIP)
  })
  afterAll(() => context.close())

  const documents = async (connection: ConnectionRecord, states: SourceDocumentState[]) => {
    for (const [index, state] of states.entries()) {
      await context.db
        .insertInto('source_documents')
        .values({
          connection_id: connection.id,
          ref: `${connection.name}-${index}`,
          tenant_id: connection.tenantId,
          state,
          data: '{}',
          data_hash: 'h',
          updated_at: new Date(Date.UTC(2026, 10, 1, 10, index)),
          ...(state === 'unmappable' ? { code: 'BUYER_NIP_MISSING', field: 'customer.nip', fix: 'enter it' } : {}),
        })
        .execute()
    }
  }

  it('counts documents, write-backs and imports, and says how old the cursor is', async () => {
    await documents(crm, ['submitted', 'submitted', 'unmappable', 'waiting', 'refused', 'unmappable'])
    await documents(sibling, ['invalid'])
    let number = 0
    const sent = async (source: string, writeback: 'pending' | 'done' | 'failed' | 'none') => {
      number += 1
      const invoice = typicalInvoice({ sellerNip: NIP, number: `FV/ST/${number}`, lines: 1 })
      const { id } = await submitInvoice(context, { tenantId: 'acme', invoice, source, sourceRef: `r-${number}` })
      await context.db.updateTable('invoices').set({ writeback_state: writeback }).where('id', '=', id).execute()
    }
    await sent('crm', 'done')
    await sent('crm', 'done')
    await sent('crm', 'failed')
    await sent('crm', 'pending')
    await sent('sibling', 'none')
    await sent('api', 'none')
    for (const state of ['done', 'failed', 'failed'] as const) {
      await context.db
        .insertInto('incoming_imports')
        .values({ connection_id: crm.id, incoming_id: randomUUID(), tenant_id: 'acme', state })
        .execute()
    }
    const now = new Date('2026-12-01T10:00:00Z')
    await context.db
      .updateTable('connections')
      .set({
        cursor_at: new Date(now.getTime() - 90_500),
        last_pull_started_at: new Date('2026-12-01T09:58:00Z'),
        last_pull_finished_at: new Date('2026-12-01T09:58:30Z'),
        pull_lease_until: new Date(now.getTime() + 60_000),
        last_error: 'GET /deals answered 503',
        last_error_at: new Date('2026-12-01T09:59:00Z'),
      })
      .where('id', '=', crm.id)
      .execute()
    const status = await connectionStatus(context.db, 'acme', 'crm', now)
    expect(status).toMatchObject({
      id: crm.id,
      name: 'crm',
      status: 'active',
      lastPullStartedAt: new Date('2026-12-01T09:58:00Z'),
      lastPullFinishedAt: new Date('2026-12-01T09:58:30Z'),
      cursorAgeSeconds: 91,
      pulling: true,
      lastError: 'GET /deals answered 503',
      lastErrorAt: new Date('2026-12-01T09:59:00Z'),
      documents: { submitted: 2, skipped: 0, unmappable: 2, invalid: 0, waiting: 1, refused: 1 },
      writeBacks: { pending: 1, done: 2, failed: 1, none: 0 },
      imports: { pending: 0, done: 1, failed: 2 },
    })
    // A lease that ran out is not a pull going on; a connection never pulled has no cursor age.
    expect((await connectionStatus(context.db, 'acme', 'crm', new Date(now.getTime() + 61_000))).pulling).toBe(false)
    const fresh = await connectionStatus(context.db, 'acme', sibling.id, now)
    expect(fresh).toMatchObject({
      cursorAt: null,
      cursorAgeSeconds: null,
      pulling: false,
      lastPullStartedAt: null,
      documents: { invalid: 1, submitted: 0 },
      writeBacks: { none: 1, pending: 0 },
      imports: { pending: 0, done: 0, failed: 0 },
    })
    await expect(connectionStatus(context.db, 'other', crm.id, now)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('lists a connection’s documents, latest change first, by state or ref, within bounds', async () => {
    const all = await listSourceDocuments(context.db, 'acme', 'crm')
    expect(all.map((document) => document.ref)).toEqual(['crm-5', 'crm-4', 'crm-3', 'crm-2', 'crm-1', 'crm-0'])
    const unmappable = await listSourceDocuments(context.db, 'acme', 'crm', { state: 'unmappable' })
    expect(unmappable).toEqual([
      expect.objectContaining({
        ref: 'crm-5',
        state: 'unmappable',
        code: 'BUYER_NIP_MISSING',
        field: 'customer.nip',
        fix: 'enter it',
      }),
      expect.objectContaining({ ref: 'crm-2', state: 'unmappable' }),
    ])
    expect((await listSourceDocuments(context.db, 'acme', 'crm', { ref: 'crm-3' })).map((each) => each.state)).toEqual([
      'waiting',
    ])
    expect(await listSourceDocuments(context.db, 'acme', 'crm', { limit: 2 })).toHaveLength(2)
    expect(await listSourceDocuments(context.db, 'acme', 'crm', { limit: 100_000 })).toHaveLength(6)
    await expect(listSourceDocuments(context.db, 'other', crm.id)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
