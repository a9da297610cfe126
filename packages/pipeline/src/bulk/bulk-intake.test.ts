import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { submitInvoice } from '../invoices/intake.ts'
import { QUEUES } from '../queue/queues.ts'
import { createTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import type { SubmitManyJob } from '../worker/env.ts'
import { fanOutHandler } from '../worker/submit/fan-out.ts'
import { BULK_FAN_OUT_FROM, type BulkItemResult, submitInvoicesBulk } from './bulk-intake.ts'

const NIP = '5265877635'

describe.each(testBackends())('bulk intake (%s)', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: NIP, environment: 'test' })
  })
  afterAll(() => context.close())

  const invoice = (number: string) => typicalInvoice({ sellerNip: NIP, number, lines: 2 })
  const submitJobs = async (invoiceId: string) =>
    (await context.boss.findJobs(QUEUES.submit, { data: { invoiceId } })).length

  it('stores every valid item as received with its submit job, in one transaction, and reports each item', async () => {
    const results = await submitInvoicesBulk(context, {
      tenantId: 'acme',
      items: [
        { invoice: invoice('FV/BULK/1') },
        { invoice: invoice('FV/BULK/2'), sourceRef: 'erp-2' },
        { invoice: { seller: { nip: NIP } } },
        { invoice: typicalInvoice({ sellerNip: '9999999999', number: 'FV/BULK/X' }) },
      ],
    })
    expect(results.map((result) => (result.ok ? result.state : result.error.code))).toEqual([
      'received',
      'received',
      'INVOICE_INVALID',
      'WRONG_SELLER',
    ])
    const failed = results[2]
    expect(failed?.ok === false && (failed.error.details as { issues: unknown[] }).issues.length).toBeGreaterThan(0)
    for (const result of results.filter((r) => r.ok)) {
      if (!result.ok) continue
      expect(await submitJobs(result.id)).toBe(1)
      const row = await context.db
        .selectFrom('invoices')
        .select(['state', 'xml', 'source_ref'])
        .where('id', '=', result.id)
        .executeTakeFirstOrThrow()
      expect(row).toMatchObject({ state: 'received', xml: null })
    }
  })

  it('follows intake: same document, same id; changed content refused; duplicate number refused', async () => {
    const single = await submitInvoice(context, {
      tenantId: 'acme',
      invoice: invoice('FV/BULK/S'),
      validation: 'structural',
    })
    const results = await submitInvoicesBulk(context, {
      tenantId: 'acme',
      items: [
        { invoice: invoice('FV/BULK/S') },
        { invoice: invoice('FV/BULK/1') },
        {
          invoice: { ...invoice('FV/BULK/2'), details: { ...invoice('FV/BULK/2').details, issuePlace: 'Kraków' } },
          sourceRef: 'erp-2',
        },
        { invoice: invoice('FV/BULK/1'), sourceRef: 'another-document' },
        { invoice: invoice('FV/BULK/NEW'), sourceRef: 'twice' },
        { invoice: invoice('FV/BULK/NEW'), sourceRef: 'twice' },
        { invoice: invoice('FV/BULK/NEW'), sourceRef: 'not-twice' },
      ],
    })
    expect(results[0]).toMatchObject({ ok: true, id: single.id, created: false })
    expect(results[1]).toMatchObject({ ok: true, created: false })
    expect(results[2]).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_CONFLICT' } })
    expect(results[3]).toMatchObject({ ok: false, error: { code: 'DUPLICATE_INVOICE_NUMBER' } })
    expect(results[4]).toMatchObject({ ok: true, created: true })
    expect(results[5]).toMatchObject({ ok: true, created: false, id: results[4]?.ok ? results[4].id : '' })
    expect(results[6]).toMatchObject({ ok: false, error: { code: 'DUPLICATE_INVOICE_NUMBER' } })
    if (results[4]?.ok) expect(await submitJobs(results[4].id)).toBe(1)
  })

  it('puts a rejected document back in line with its corrected content', async () => {
    const [first] = await submitInvoicesBulk(context, { tenantId: 'acme', items: [{ invoice: invoice('FV/BULK/R') }] })
    if (!first?.ok) throw new Error('not stored')
    await context.db.updateTable('invoices').set({ state: 'rejected' }).where('id', '=', first.id).execute()
    const corrected = { ...invoice('FV/BULK/R'), details: { ...invoice('FV/BULK/R').details, issuePlace: 'Gdańsk' } }
    const [again] = await submitInvoicesBulk(context, { tenantId: 'acme', items: [{ invoice: corrected }] })
    expect(again).toMatchObject({ ok: true, id: first.id, created: false, state: 'received' })
    expect(await submitJobs(first.id)).toBe(2)
  })

  it('writes the invoices, audit entries and jobs of a request together or not at all, either way it writes', async () => {
    const jobCount = async () =>
      (
        await sql<{ count: number }>`select count(*)::int as count from pgboss.job
          where name in (${QUEUES.submit}, ${QUEUES.submitMany})`.execute(context.db)
      ).rows[0]?.count
    const stored = (number: string) =>
      context.db.selectFrom('invoices').select(['id', 'state']).where('invoice_number', '=', number).execute()
    const [rejected] = await submitInvoicesBulk(context, {
      tenantId: 'acme',
      items: [{ invoice: invoice('FV/ATOM/R') }],
    })
    if (!rejected?.ok) throw new Error('not stored')
    await context.db.updateTable('invoices').set({ state: 'rejected' }).where('id', '=', rejected.id).execute()
    const corrected = { ...invoice('FV/ATOM/R'), details: { ...invoice('FV/ATOM/R').details, issuePlace: 'Gdańsk' } }
    // The audit log refuses this actor's entries: the write fails after the invoice rows and the jobs are in.
    await sql`create function hub.refuse_audit() returns trigger language plpgsql as $$
      begin if new.actor = 'test:refused' then raise exception 'audit refused'; end if; return new; end $$`.execute(
      context.db,
    )
    await sql`create trigger refuse_audit before insert on hub.audit_log for each row
      execute function hub.refuse_audit()`.execute(context.db)
    try {
      const before = await jobCount()
      const requests = [
        // New documents only: one statement.
        [{ invoice: invoice('FV/ATOM/1') }, { invoice: invoice('FV/ATOM/2') }],
        // A resubmission of a rejected document: one transaction.
        [{ invoice: corrected }, { invoice: invoice('FV/ATOM/3') }],
        // A fan-out job instead of submit jobs.
        Array.from({ length: BULK_FAN_OUT_FROM }, (_, n) => ({ invoice: invoice(`FV/ATOM/F/${n}`) })),
      ]
      for (const items of requests) {
        await expect(submitInvoicesBulk(context, { tenantId: 'acme', items, actor: 'test:refused' })).rejects.toThrow(
          'audit refused',
        )
      }
      expect(await jobCount()).toBe(before)
      for (const number of ['FV/ATOM/1', 'FV/ATOM/2', 'FV/ATOM/3', 'FV/ATOM/F/0'])
        expect(await stored(number)).toEqual([])
      expect(await stored('FV/ATOM/R')).toEqual([{ id: rejected.id, state: 'rejected' }])
    } finally {
      await sql`drop trigger refuse_audit on hub.audit_log`.execute(context.db)
      await sql`drop function hub.refuse_audit()`.execute(context.db)
    }
    // The same requests by another actor go through.
    const results = await submitInvoicesBulk(context, {
      tenantId: 'acme',
      items: [{ invoice: invoice('FV/ATOM/1') }, { invoice: corrected }],
    })
    expect(results.map((result) => result.ok && result.created)).toEqual([true, false])
    expect(await stored('FV/ATOM/R')).toEqual([{ id: rejected.id, state: 'received' }])
  })

  it('stores two overlapping requests running at once without a duplicate', async () => {
    // Several rounds: the requests interleave differently each time (one may commit between the other's lookups).
    for (let round = 0; round < 5; round++) {
      const items = Array.from({ length: 50 }, (_, n) => ({ invoice: invoice(`FV/BULK/RACE/${round}/${n}`) }))
      const [a, b] = await Promise.all([
        submitInvoicesBulk(context, { tenantId: 'acme', items }),
        submitInvoicesBulk(context, { tenantId: 'acme', items }),
      ])
      const outcome = (result: BulkItemResult) => (result.ok ? result.id : result.error.code)
      expect(a?.every((result) => result.ok)).toBe(true)
      expect(b?.map(outcome)).toEqual(a?.map(outcome))
      const rows = await context.db
        .selectFrom('invoices')
        .select('id')
        .where('invoice_number', 'like', `FV/BULK/RACE/${round}/%`)
        .execute()
      expect(rows).toHaveLength(50)
    }
  })

  it('gives a large request one fan-out job per thousand invoices, which the worker turns into a submit job each', async () => {
    const count = BULK_FAN_OUT_FROM + 20
    const items = Array.from({ length: count }, (_, n) => ({ invoice: invoice(`FV/BULK/FAN/${n}`) }))
    const results = await submitInvoicesBulk(context, { tenantId: 'acme', items })
    const ids = results.map((result) => (result.ok ? result.id : ''))
    expect(ids.every(Boolean)).toBe(true)
    expect(await submitJobs(ids[0] as string)).toBe(0)
    const fanOuts = await context.boss.findJobs<SubmitManyJob>(QUEUES.submitMany, { data: { tenantId: 'acme' } })
    expect(fanOuts.map((job) => [...job.data.invoiceIds].sort())).toEqual([[...ids].sort()])

    const [job] = await context.boss.fetch<SubmitManyJob>(QUEUES.submitMany, { includeMetadata: true })
    if (!job) throw new Error('no fan-out job to fetch')
    const fanOut = fanOutHandler({ context })
    await fanOut([job])
    for (const id of ids) expect(await submitJobs(id)).toBe(1)
    expect((await context.boss.getJobById(QUEUES.submitMany, job.id))?.state).toBe('completed')
    // The same attempt again (a worker whose claim lapsed while another attempt finished the job): the fence
    // refuses it, the attempt rolls back, and nothing is inserted twice.
    await fanOut([job])
    for (const id of ids) expect(await submitJobs(id)).toBe(1)
  })

  it('rolls a fan-out back whole when it fails midway: the retry inserts each submit job once', async () => {
    const items = Array.from({ length: BULK_FAN_OUT_FROM }, (_, n) => ({ invoice: invoice(`FV/BULK/FAIL/${n}`) }))
    const results = await submitInvoicesBulk(context, { tenantId: 'acme', items })
    const ids = results.map((result) => (result.ok ? result.id : ''))
    const [job] = await context.boss.fetch<SubmitManyJob>(QUEUES.submitMany, { includeMetadata: true })
    if (!job) throw new Error('no fan-out job to fetch')
    // The insert of the submit jobs fails after the fan-out job was completed in the same transaction.
    const failing = {
      ...context,
      // The handler uses these two of pg-boss's methods.
      boss: {
        complete: context.boss.complete.bind(context.boss),
        insert: () => Promise.reject(new Error('connection lost')),
      } as unknown as typeof context.boss,
    }
    await expect(fanOutHandler({ context: failing })([job])).rejects.toThrow('connection lost')
    expect((await context.boss.getJobById(QUEUES.submitMany, job.id))?.state).toBe('active')
    expect(await submitJobs(ids[0] as string)).toBe(0)
    await fanOutHandler({ context })([job])
    for (const id of ids) expect(await submitJobs(id)).toBe(1)
  })
})
