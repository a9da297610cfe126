import { randomUUID } from 'node:crypto'
import { ConnectorError, defineConnector, type IncomingDocument, SDK_VERSION } from '@ksef-hub/connector-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { QUEUES } from '../queue/queues.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { type ConnectionRecord, saveConnection } from './connections.ts'
import { markNeedsReauth } from './health.ts'
import { type ImportJob, importHandler, queueImports } from './imports.ts'
import { connectorRegistry } from './registry.ts'
import { resumeParked } from './resume.ts'
import { connectTenant, fakeJob, OTHER_NIP } from './test-support.ts'

/** A bookkeeping system: a bill per KSeF number; a seller NIP in `failures` makes it fail that way. */
function booksConnector(bills: IncomingDocument[], failures: Map<string, ConnectorError>) {
  return defineConnector({
    id: 'books',
    displayName: 'Books',
    version: '1.0.0',
    sdkVersion: SDK_VERSION,
    settings: z.object({}),
    secrets: z.object({ apiKey: z.string().min(1) }),
    hosts: () => [],
    async importIncoming(_context, incoming) {
      const failure = failures.get(incoming.invoiceNumber)
      if (failure) throw failure
      bills.push(incoming)
      return { ref: `bill-${bills.length}`, created: true }
    },
  })
}

describe.each(testBackends())('importing incoming invoices through connections (%s)', (backend) => {
  const bills: IncomingDocument[] = []
  const failures = new Map<string, ConnectorError>()
  const registry = connectorRegistry([booksConnector(bills, failures)])
  let context: TestContext
  let books: ConnectionRecord
  let archive: ConnectionRecord
  let count = 0
  beforeAll(async () => {
    context = await openTestContext(backend)
    books = await connectTenant(context, registry, 'acme', {
      connector: 'books',
      importIncoming: true,
      secrets: { apiKey: 'k' },
    })
    archive = await connectTenant(context, registry, 'acme', {
      name: 'archive',
      connector: 'books',
      importIncoming: true,
      secrets: { apiKey: 'k' },
    })
    // Neither of these imports: one does not ask to, the other is off.
    await connectTenant(context, registry, 'acme', { name: 'quiet', connector: 'books', secrets: { apiKey: 'k' } })
    await connectTenant(context, registry, 'acme', {
      name: 'off',
      connector: 'books',
      importIncoming: true,
      enabled: false,
      secrets: { apiKey: 'k' },
    })
  })
  afterAll(() => context.close())

  /** Stores incoming invoices as the incoming pull does, with their imports queued in the same transaction. */
  async function receive(numbers: string[], options: { fail?: boolean } = {}): Promise<string[]> {
    const ids = numbers.map(() => randomUUID())
    const stored = context.db.transaction().execute(async (trx) => {
      for (const [index, number] of numbers.entries()) {
        count += 1
        await trx
          .insertInto('incoming_invoices')
          .values({
            id: ids[index] as string,
            tenant_id: 'acme',
            ksef_number: `${OTHER_NIP}-20261102-${String(count).padStart(12, '0')}-00`,
            seller_nip: OTHER_NIP,
            seller_name: 'Supplier',
            invoice_number: number,
            invoice_type: 'VAT',
            issue_date: '2026-11-02',
            currency: 'PLN',
            gross_amount: '123.00',
            metadata: JSON.stringify({}),
            xml: Buffer.from(`<Faktura>${number}</Faktura>`),
            model: null,
          })
          .execute()
      }
      await queueImports(trx, context.boss, 'acme', ids)
      if (options.fail) throw new Error('the incoming pull failed before it committed')
    })
    if (options.fail) await expect(stored).rejects.toThrow('before it committed')
    else await stored
    return ids
  }
  const importsOf = (incomingId: string) =>
    context.db
      .selectFrom('incoming_imports')
      .innerJoin('connections', 'connections.id', 'incoming_imports.connection_id')
      .select([
        'connections.name',
        'incoming_imports.state',
        'incoming_imports.target_ref',
        'incoming_imports.error',
        'incoming_imports.attempts',
      ])
      .where('incoming_id', '=', incomingId)
      .orderBy('connections.name')
      .execute()
  const jobsOf = (incomingId: string) =>
    context.boss.findJobs<ImportJob>(QUEUES.connectionImport, { data: { incomingId } })
  const run = (connection: ConnectionRecord, incomingId: string, deferrals?: number) =>
    importHandler(context, { registry })(
      fakeJob<ImportJob>({
        tenantId: 'acme',
        connectionId: connection.id,
        incomingId,
        ...(deferrals ? { deferrals } : {}),
      }),
    )

  it('queues one import per importing connection, in the transaction that stores the invoices', async () => {
    const [id] = await receive(['PZ/1'])
    expect(await importsOf(id as string)).toEqual([
      { name: 'archive', state: 'pending', target_ref: null, error: null, attempts: 0 },
      { name: 'books', state: 'pending', target_ref: null, error: null, attempts: 0 },
    ])
    expect((await jobsOf(id as string)).map((job) => job.data.connectionId).sort()).toEqual(
      [archive.id, books.id].sort(),
    )
    // Stored and rolled back: no import, no job.
    const [lost] = await receive(['PZ/LOST'], { fail: true })
    expect(await importsOf(lost as string)).toEqual([])
    expect(await jobsOf(lost as string)).toEqual([])
  })

  it('imports an invoice once per connection, however often its job runs', async () => {
    const [id] = await receive(['PZ/2'])
    await run(books, id as string)
    await run(books, id as string)
    await run(archive, id as string)
    const imported = bills.filter((bill) => bill.invoiceNumber === 'PZ/2')
    expect(imported).toHaveLength(2)
    expect(imported[0]).toMatchObject({
      sellerNip: OTHER_NIP,
      sellerName: 'Supplier',
      invoiceType: 'VAT',
      issueDate: '2026-11-02',
      currency: 'PLN',
      grossAmount: '123.00',
      invoice: null,
    })
    expect(Buffer.from(imported[0]?.xml ?? []).toString()).toBe('<Faktura>PZ/2</Faktura>')
    expect(await importsOf(id as string)).toEqual([
      { name: 'archive', state: 'done', target_ref: expect.stringMatching(/^bill-/), error: null, attempts: 1 },
      { name: 'books', state: 'done', target_ref: expect.stringMatching(/^bill-/), error: null, attempts: 1 },
    ])
  })

  it('records a failure a person must fix, and the attempts and error of one the queue retries', async () => {
    failures.set('PZ/3', new ConnectorError('validation', 'Books: no supplier with NIP 7010002139'))
    failures.set('PZ/4', new ConnectorError('transient', 'Books: 503'))
    const [refused, flaky] = await receive(['PZ/3', 'PZ/4'])
    await run(books, refused as string)
    expect((await importsOf(refused as string)).find((row) => row.name === 'books')).toMatchObject({
      state: 'failed',
      error: 'Books: no supplier with NIP 7010002139',
      attempts: 1,
    })
    await expect(run(books, flaky as string)).rejects.toThrow('Books: 503')
    expect((await importsOf(flaky as string)).find((row) => row.name === 'books')).toMatchObject({
      state: 'pending',
      error: 'Books: 503',
      attempts: 1,
    })
    failures.delete('PZ/4')
    await run(books, flaky as string)
    expect((await importsOf(flaky as string)).find((row) => row.name === 'books')).toMatchObject({
      state: 'done',
      error: null,
      attempts: 2,
    })
  })

  it('defers a rate-limited import, parks one whose connection needs re-authorization, fails one that stopped importing', async () => {
    failures.set('PZ/5', new ConnectorError('rate_limit', 'Books: 429', { retryAfterMs: 30_000 }))
    const [limited, parked] = await receive(['PZ/5', 'PZ/6'])
    await run(books, limited as string)
    const deferred = (await jobsOf(limited as string)).filter((job) => job.data.deferrals === 1)
    expect(deferred.map((job) => job.data.connectionId)).toEqual([books.id])
    expect((await importsOf(limited as string)).find((row) => row.name === 'books')?.state).toBe('pending')
    await markNeedsReauth(context, archive, 'revoked')
    await run(archive, parked as string)
    expect((await importsOf(parked as string)).find((row) => row.name === 'archive')).toMatchObject({
      state: 'parked',
      error: 'the archive connection needs re-authorization',
    })
    // Not resumed while the connection still waits for its secrets.
    await resumeParked(context)
    expect((await importsOf(parked as string)).find((row) => row.name === 'archive')?.state).toBe('parked')
    await saveConnection(context.db, context.keys, registry, 'acme', { connector: 'books', importIncoming: false })
    await run(books, parked as string)
    expect((await importsOf(parked as string)).find((row) => row.name === 'books')).toMatchObject({
      state: 'failed',
      error: 'the connection no longer imports incoming invoices',
    })
    expect(bills.filter((bill) => bill.invoiceNumber === 'PZ/6')).toEqual([])
  })
})
