import { ConnectorError, defineConnector, SDK_VERSION, type WriteBackResult } from '@ksef-hub/connector-sdk'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { submitInvoice } from '../invoices/intake.ts'
import { QUEUES } from '../queue/queues.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { saveConnection } from './connections.ts'
import { markNeedsReauth } from './health.ts'
import { connectorRegistry } from './registry.ts'
import { resumeParked } from './resume.ts'
import { connectTenant, fakeJob, NIP, walkInvoice } from './test-support.ts'
import { type WriteBackJob, writeBackHandler } from './writeback.ts'

interface Call {
  readonly ref: string
  readonly apiKey: string
  readonly result: WriteBackResult
}

/** An ERP whose answer to a write-back is written in the document's ref (`none-…`, `limited-…`, `refused-…`). */
function erpConnector(calls: Call[]) {
  return defineConnector({
    id: 'erp',
    displayName: 'ERP',
    version: '1.0.0',
    sdkVersion: SDK_VERSION,
    settings: z.object({}),
    secrets: z.object({ apiKey: z.string().min(1) }),
    hosts: () => [],
    async writeBack(context, document, result) {
      const { apiKey } = await context.credentials.current()
      calls.push({ ref: document.ref, apiKey, result })
      const [kind] = document.ref.split('-')
      if (kind === 'none') return { method: 'none' }
      if (kind === 'limited') throw new ConnectorError('rate_limit', 'ERP: 429', { retryAfterMs: 90_000, status: 429 })
      if (kind === 'refused') throw new ConnectorError('auth', 'ERP: 401 token revoked', { status: 401 })
      if (kind === 'flaky') throw new ConnectorError('transient', 'ERP: 503')
      if (kind === 'locked') throw new ConnectorError('validation', 'ERP: the document is locked for editing')
      return { method: 'field' }
    },
  })
}

describe.each(testBackends())('writing back through a connection (%s)', (backend) => {
  const calls: Call[] = []
  const registry = connectorRegistry([erpConnector(calls)])
  let context: TestContext
  let count = 0
  beforeAll(async () => {
    context = await openTestContext(backend)
    await connectTenant(context, registry, 'acme', { connector: 'erp', secrets: { apiKey: 'erp-key' } })
  })
  afterAll(() => context.close())

  /** A confirmed invoice from document `ref` of connection `source`. */
  async function confirmed(ref: string, source = 'erp'): Promise<{ id: string; ksefNumber: string }> {
    count += 1
    const invoice = typicalInvoice({ sellerNip: NIP, number: `FV/WB/${count}`, lines: 1 })
    const { id } = await submitInvoice(context, { tenantId: 'acme', invoice, source, sourceRef: ref })
    const ksefNumber = (await walkInvoice(context.db, id, ['sending', 'accepted', 'confirmed'])) as string
    return { id, ksefNumber }
  }
  const writeBack = (invoiceId: string, extra: { retryCount?: number; deferrals?: number } = {}) =>
    writeBackHandler(context, { registry })([
      fakeJob<WriteBackJob>(
        { invoiceId, tenantId: 'acme', ...(extra.deferrals ? { deferrals: extra.deferrals } : {}) },
        { retryCount: extra.retryCount ?? 0, retryLimit: 3 },
      ),
    ])
  const stateOf = (id: string) =>
    context.db
      .selectFrom('invoices')
      .select(['writeback_state', 'writeback_error'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
  const callsOf = (ref: string) => calls.filter((call) => call.ref === ref)

  it('hands KSeF’s answer and the connection’s secrets to the connector, once', async () => {
    const { id, ksefNumber } = await confirmed('ok-1')
    await writeBack(id)
    const [call, ...more] = callsOf('ok-1')
    expect(more).toEqual([])
    expect(call?.apiKey).toBe('erp-key')
    expect(call?.result).toMatchObject({
      invoiceId: id,
      ksefNumber,
      acquisitionDate: new Date('2026-11-02T10:00:00Z'),
      invoiceNumber: expect.stringMatching(/^FV\/WB\//),
      invoiceType: 'VAT',
      verificationUrl: expect.stringContaining(`/invoice/${NIP}/`),
    })
    expect(Buffer.from(call?.result.upoXml ?? []).toString()).toBe('<UPO/>')
    expect(await stateOf(id)).toEqual({ writeback_state: 'done', writeback_error: null })
    await writeBack(id)
    expect(callsOf('ok-1')).toHaveLength(1)
  })

  it('settles as none when the connection’s settings say it writes nothing back', async () => {
    const { id } = await confirmed('none-1')
    await writeBack(id)
    expect(callsOf('none-1')).toHaveLength(1)
    expect(await stateOf(id)).toEqual({ writeback_state: 'none', writeback_error: null })
  })

  it('parks the write-back, with the reason, while the connection needs re-authorization, and resumes it once authorized again', async () => {
    await saveConnection(context.db, context.keys, registry, 'acme', {
      name: 'parked',
      connector: 'erp',
      secrets: { apiKey: 'k' },
    })
    const { id } = await confirmed('ok-2', 'parked')
    const parked = await context.db
      .selectFrom('connections')
      .selectAll()
      .where('name', '=', 'parked')
      .executeTakeFirstOrThrow()
    await markNeedsReauth(context, { id: parked.id, tenantId: 'acme', name: 'parked', connector: 'erp' }, 'revoked')
    await writeBack(id)
    expect(callsOf('ok-2')).toEqual([])
    expect(await stateOf(id)).toEqual({
      writeback_state: 'parked',
      writeback_error: 'the parked connection needs re-authorization',
    })
    // Still waiting: the schedule leaves it parked.
    await resumeParked(context)
    expect((await stateOf(id)).writeback_state).toBe('parked')
    // New secrets: the schedule resumes it with a job, and it goes through.
    await saveConnection(context.db, context.keys, registry, 'acme', {
      name: 'parked',
      connector: 'erp',
      secrets: { apiKey: 'k2' },
    })
    expect(await resumeParked(context)).toBeGreaterThanOrEqual(1)
    expect(await stateOf(id)).toEqual({ writeback_state: 'pending', writeback_error: null })
    expect(await context.boss.findJobs(QUEUES.writeBack, { data: { invoiceId: id }, queued: true })).toHaveLength(1)
    await writeBack(id)
    expect(callsOf('ok-2')).toHaveLength(1)
    expect((await stateOf(id)).writeback_state).toBe('done')
  })

  it('parks the connection when the system refuses the grant, and the write-back with it', async () => {
    await saveConnection(context.db, context.keys, registry, 'acme', {
      name: 'revoked',
      connector: 'erp',
      secrets: { apiKey: 'k' },
    })
    const { id } = await confirmed('refused-1', 'revoked')
    await writeBack(id)
    expect(await stateOf(id)).toEqual({ writeback_state: 'parked', writeback_error: 'ERP: 401 token revoked' })
    const connection = await context.db
      .selectFrom('connections')
      .select('status')
      .where('name', '=', 'revoked')
      .executeTakeFirstOrThrow()
    expect(connection.status).toBe('needs_reauth')
  })

  it('defers a rate-limited write-back to the Retry-After, as a new job', async () => {
    const { id } = await confirmed('limited-1')
    const before = Date.now()
    await writeBack(id)
    const [deferred, ...more] = await context.boss.findJobs<WriteBackJob>(QUEUES.writeBack, {
      data: { invoiceId: id },
      queued: true,
    })
    expect(more).toEqual([])
    expect(deferred?.data).toEqual({ invoiceId: id, tenantId: 'acme', deferrals: 1 })
    const wait = (deferred?.startAfter.getTime() ?? 0) - before
    expect(wait).toBeGreaterThanOrEqual(89_000)
    expect(wait).toBeLessThan(95_000)
    expect(await stateOf(id)).toEqual({ writeback_state: 'pending', writeback_error: null })
  })

  it('leaves a transient failure to the queue’s retries, and settles it as failed on the last one', async () => {
    const { id } = await confirmed('flaky-1')
    await expect(writeBack(id)).rejects.toThrow('ERP: 503')
    expect((await stateOf(id)).writeback_state).toBe('pending')
    await expect(writeBack(id, { retryCount: 3 })).rejects.toThrow('ERP: 503')
    expect(await stateOf(id)).toEqual({
      writeback_state: 'failed',
      writeback_error: 'gave up after 4 attempts: ERP: 503',
    })
  })

  it('settles at once, with the system’s reason, what a person must fix', async () => {
    const { id } = await confirmed('locked-1')
    await writeBack(id)
    expect(await stateOf(id)).toEqual({
      writeback_state: 'failed',
      writeback_error: 'ERP: the document is locked for editing',
    })
  })

  it('settles as failed, not as nothing to do, when the connection’s connector is not installed here', async () => {
    await saveConnection(context.db, context.keys, registry, 'acme', {
      name: 'unloaded',
      connector: 'erp',
      secrets: { apiKey: 'k' },
    })
    await context.db.updateTable('connections').set({ connector: 'erp-v2' }).where('name', '=', 'unloaded').execute()
    const { id } = await confirmed('ok-6', 'unloaded')
    await writeBack(id)
    expect(await stateOf(id)).toEqual({
      writeback_state: 'failed',
      writeback_error: 'connector erp-v2 is not installed in this hub',
    })
  })

  it('has nothing to do for an invoice whose connection is gone or off, and waits for one not confirmed', async () => {
    const gone = await confirmed('ok-3', 'deleted-crm')
    await writeBack(gone.id)
    expect((await stateOf(gone.id)).writeback_state).toBe('none')
    await saveConnection(context.db, context.keys, registry, 'acme', {
      name: 'off',
      connector: 'erp',
      enabled: false,
      secrets: { apiKey: 'k' },
    })
    const off = await confirmed('ok-4', 'off')
    await writeBack(off.id)
    expect((await stateOf(off.id)).writeback_state).toBe('none')
    count += 1
    const { id } = await submitInvoice(context, {
      tenantId: 'acme',
      invoice: typicalInvoice({ sellerNip: NIP, number: `FV/WB/${count}`, lines: 1 }),
      source: 'erp',
      sourceRef: 'ok-5',
    })
    await writeBack(id)
    expect(callsOf('ok-5')).toEqual([])
    expect((await stateOf(id)).writeback_state).toBe('pending')
  })
})
