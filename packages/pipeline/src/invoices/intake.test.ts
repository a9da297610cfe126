import { buildInvoiceXml, type InvoiceInput } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPipelineError } from '../errors.ts'
import { QUEUES } from '../queue/queues.ts'
import { createTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { submitInvoice } from './intake.ts'

const NIP = '5265877635'

describe.each(testBackends())('intake on %s', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: NIP, environment: 'test' })
    await createTenant(context.db, { id: 'other', name: 'Other', nip: '9999999999', environment: 'test' })
  })
  afterAll(() => context.close())

  const jobsFor = async (invoiceId: string) =>
    (await context.boss.findJobs<{ invoiceId: string }>(QUEUES.submit, { data: { invoiceId } })).length

  it('stores a valid invoice with its exact XML and its submit job', async () => {
    const invoice = typicalInvoice({ sellerNip: NIP, number: 'FV/INTAKE/1' })
    const outcome = await submitInvoice(context, { tenantId: 'acme', invoice })
    expect(outcome).toMatchObject({ state: 'queued', status: 'sent', created: true, warnings: [] })
    const row = await context.db
      .selectFrom('invoices')
      .selectAll()
      .where('id', '=', outcome.id)
      .executeTakeFirstOrThrow()
    expect(new TextDecoder().decode(row.xml as Uint8Array)).toBe(buildInvoiceXml(invoice))
    expect(row).toMatchObject({ duplicate_key: `${NIP}|VAT|FV/INTAKE/1`, invoice_type: 'VAT', state: 'queued' })
    expect(await jobsFor(outcome.id)).toBe(1)
    const audit = await context.db.selectFrom('audit_log').selectAll().where('invoice_id', '=', outcome.id).execute()
    expect(audit.map((entry) => entry.kind)).toEqual(['invoice.created'])
  })

  it('stores the same document once, however often it is submitted', async () => {
    const invoice = typicalInvoice({ sellerNip: NIP, number: 'FV/INTAKE/2' })
    const first = await submitInvoice(context, { tenantId: 'acme', invoice })
    const again = await submitInvoice(context, {
      tenantId: 'acme',
      invoice: { ...invoice, header: { ...invoice.header, createdAt: '2026-11-03T10:00:00Z' } },
    })
    expect(again).toMatchObject({ id: first.id, created: false })
    const rows = await context.db
      .selectFrom('invoices')
      .select('id')
      .where('invoice_number', '=', 'FV/INTAKE/2')
      .execute()
    expect(rows).toHaveLength(1)
    expect(await jobsFor(first.id)).toBe(1)
  })

  it('refuses a second invoice with the same seller, type and number, and changed content of a document in flight', async () => {
    const invoice = typicalInvoice({ sellerNip: NIP, number: 'FV/INTAKE/3' })
    await submitInvoice(context, { tenantId: 'acme', invoice, sourceRef: 'erp-1' })
    const duplicate = submitInvoice(context, {
      tenantId: 'acme',
      invoice: { ...invoice, details: { ...invoice.details, issuePlace: 'Kraków' } },
      sourceRef: 'erp-2',
    })
    await expect(duplicate).rejects.toMatchObject({
      code: 'DUPLICATE_INVOICE_NUMBER',
      message: expect.stringMatching(/FV\/INTAKE\/3 \(VAT\) of seller 5265877635 is already used/),
    })
    const changed = submitInvoice(context, {
      tenantId: 'acme',
      invoice: { ...invoice, details: { ...invoice.details, issuePlace: 'Kraków' } },
      sourceRef: 'erp-1',
    })
    await expect(changed).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' })
  })

  it('refuses an invalid invoice with every finding, and stores nothing', async () => {
    const invoice = typicalInvoice({ sellerNip: NIP, number: 'FV/INTAKE/4' })
    const broken: InvoiceInput = {
      ...invoice,
      details: { ...invoice.details, totals: { ...invoice.details.totals, totalDue: '1.00' } },
    }
    const error = await submitInvoice(context, { tenantId: 'acme', invoice: broken }).catch((caught) => caught)
    expect(isPipelineError(error, 'INVOICE_INVALID')).toBe(true)
    expect(error.details.issues).toEqual([
      expect.objectContaining({ code: 'TOTAL_DUE_MISMATCH', xmlPath: '/Faktura/Fa/P_15' }),
    ])
    expect(
      await context.db.selectFrom('invoices').select('id').where('invoice_number', '=', 'FV/INTAKE/4').execute(),
    ).toEqual([])
  })

  it("refuses an invoice whose seller is not the tenant's NIP", async () => {
    const invoice = typicalInvoice({ sellerNip: '9999999999', number: 'FV/INTAKE/5' })
    await expect(submitInvoice(context, { tenantId: 'acme', invoice })).rejects.toMatchObject({ code: 'WRONG_SELLER' })
  })

  it('accepts FA(3) XML and keeps its exact bytes', async () => {
    const xml = new TextEncoder().encode(
      buildInvoiceXml(typicalInvoice({ sellerNip: NIP, number: 'FV/INTAKE/6' }), { pretty: true }),
    )
    const outcome = await submitInvoice(context, { tenantId: 'acme', invoice: xml, format: 'xml' })
    const row = await context.db
      .selectFrom('invoices')
      .select(['xml', 'invoice_size'])
      .where('id', '=', outcome.id)
      .executeTakeFirstOrThrow()
    expect(Buffer.from(row.xml as Uint8Array).equals(Buffer.from(xml))).toBe(true)
    expect(row.invoice_size).toBe(xml.length)
  })

  it('stores nothing and enqueues nothing when the transaction fails after the job was sent', async () => {
    const invoice = typicalInvoice({ sellerNip: NIP, number: 'FV/INTAKE/7' })
    const failing = {
      ...context,
      boss: new Proxy(context.boss, {
        get(target, property, receiver) {
          if (property !== 'send') return Reflect.get(target, property, receiver)
          return async (...args: Parameters<typeof target.send>) => {
            await (target.send as (...a: unknown[]) => Promise<unknown>)(...args)
            throw new Error('crash after enqueue')
          }
        },
      }),
    }
    await expect(submitInvoice(failing, { tenantId: 'acme', invoice })).rejects.toThrow('crash after enqueue')
    expect(
      await context.db.selectFrom('invoices').select('id').where('invoice_number', '=', 'FV/INTAKE/7').execute(),
    ).toEqual([])
    const jobs = await context.boss.findJobs(QUEUES.submit, {})
    const rows = await context.db.selectFrom('invoices').select('id').execute()
    expect(jobs.map((job) => (job.data as { invoiceId: string }).invoiceId).sort()).toEqual(
      rows.map((row) => row.id).sort(),
    )
  })
})
