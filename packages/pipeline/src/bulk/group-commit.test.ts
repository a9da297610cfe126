import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { submitInvoice } from '../invoices/intake.ts'
import { createTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { submitInvoicesBulk } from './bulk-intake.ts'
import { createSubmissionBatcher } from './group-commit.ts'

const NIP = '5265877635'

describe.each(testBackends())('one bad request fails alone (%s)', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: NIP, environment: 'test' })
    // Stands for any data the database refuses that the checks before it let through.
    await sql`create function hub.test_poison() returns trigger language plpgsql as $$
      begin
        if new.invoice_number like '%POISON%' then raise exception 'poisoned invoice %', new.invoice_number; end if;
        return new;
      end $$`.execute(context.db)
    await sql`create trigger test_poison before insert on hub.invoices
      for each row execute function hub.test_poison()`.execute(context.db)
  })
  afterAll(() => context.close())

  const invoice = (number: string) => typicalInvoice({ sellerNip: NIP, number, lines: 1 })
  const stored = async (numbers: string[]) =>
    (
      await context.db
        .selectFrom('invoices')
        .select('invoice_number')
        .where('invoice_number', 'in', numbers)
        .orderBy('invoice_number')
        .execute()
    ).map((row) => row.invoice_number)

  it('a group commit writes the others of a batch when the database refuses one member', async () => {
    const batcher = createSubmissionBatcher(context, { maxInFlight: 1 })
    // The first goes at once; the rest wait for it and are written together, the poisoned one among them.
    const numbers = ['FV/GC/0', 'FV/GC/1', 'FV/GC/2', 'FV/GC/POISON', 'FV/GC/3', 'FV/GC/4']
    const outcomes = await Promise.allSettled(
      numbers.map((number) => batcher.submit({ tenantId: 'acme', invoice: invoice(number) })),
    )
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ])
    expect(String((outcomes[3] as PromiseRejectedResult).reason)).toMatch(/poisoned invoice FV\/GC\/POISON/)
    expect(await stored(numbers)).toEqual(['FV/GC/0', 'FV/GC/1', 'FV/GC/2', 'FV/GC/3', 'FV/GC/4'])
  })

  it('a bulk request refuses only its bad items: a zero byte in a sourceRef, an item that is not an object', async () => {
    const results = await submitInvoicesBulk(context, {
      tenantId: 'acme',
      items: [
        { invoice: invoice('FV/NUL/1'), sourceRef: 'erp-1' },
        { invoice: invoice('FV/NUL/2'), sourceRef: 'erp-\u0000-2' },
        'not an item' as never,
        { invoice: invoice('FV/NUL/3'), sourceRef: 'x'.repeat(201) },
        { invoice: invoice('FV/NUL/4') },
      ],
    })
    expect(results.map((result) => (result.ok ? 'ok' : result.error.message))).toEqual([
      'ok',
      'sourceRef must not contain U+0000 (a zero byte)',
      'each item must be an object { invoice, sourceRef? }',
      'sourceRef must be a string of 1-200 characters',
      'ok',
    ])
    expect(await stored(['FV/NUL/1', 'FV/NUL/2', 'FV/NUL/3', 'FV/NUL/4'])).toEqual(['FV/NUL/1', 'FV/NUL/4'])
  })

  it('a single submission with a zero byte in its sourceRef is refused naming the field, before the database', async () => {
    await expect(
      submitInvoice(context, { tenantId: 'acme', invoice: invoice('FV/NUL/S'), sourceRef: 'a\u0000b' }),
    ).rejects.toMatchObject({ code: 'INVOICE_INVALID', details: { field: 'sourceRef' } })
    expect(await stored(['FV/NUL/S'])).toEqual([])
  })
})
