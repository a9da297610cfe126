import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { accountantStatus, canTransition, INVOICE_STATES, TRANSITIONS } from './states.ts'
import { transition, transitionOrThrow } from './transition.ts'

describe('the state machine', () => {
  it('maps every technical state to one of the four words accountants read', () => {
    const words = new Set(INVOICE_STATES.map(accountantStatus))
    expect([...words].sort()).toEqual(['awaiting_confirmation', 'confirmed', 'rejected', 'sent'])
    expect(accountantStatus('queued')).toBe('sent')
    expect(accountantStatus('sent')).toBe('awaiting_confirmation')
    expect(accountantStatus('accepted')).toBe('confirmed')
    expect(accountantStatus('rejected')).toBe('rejected')
  })

  it('never leaves a confirmed invoice, and reaches confirmed only through accepted', () => {
    expect(TRANSITIONS.confirmed).toEqual([])
    const into = INVOICE_STATES.filter((state) => canTransition(state, 'confirmed'))
    expect(into).toEqual(['accepted'])
  })
})

describe.each(testBackends())('transitions in the database (%s)', (backend) => {
  let context: TestContext
  const insert = (id: string, state: string) =>
    sql`insert into hub.invoices (id, tenant_id, source, source_ref, idempotency_key, content_hash, duplicate_key,
      seller_nip, invoice_type, invoice_number, issue_date, gross_amount, currency, model, state)
      values (${id}, 'acme', 'api', ${id}, ${id}, 'h', ${id}, '5265877635', 'VAT', ${id}, '2026-11-02', 1, 'PLN', '{}', ${state})`.execute(
      context.db,
    )

  beforeAll(async () => {
    context = await openTestContext(backend)
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: '5265877635', environment: 'test' })
  })
  afterAll(() => context.close())

  it('moves only invoices in an expected state, with an audit entry each', async () => {
    await insert('00000000-0000-4000-8000-000000000001', 'queued')
    await insert('00000000-0000-4000-8000-000000000002', 'queued')
    const moved = await context.db.transaction().execute((trx) =>
      transition(trx, {
        invoiceIds: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'],
        from: ['queued'],
        to: 'sending',
        actor: 'test',
      }),
    )
    expect(moved.sort()).toEqual(['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'])
    const audit = await context.db
      .selectFrom('audit_log')
      .select(['from_state', 'to_state'])
      .where('kind', '=', 'invoice.state')
      .execute()
    expect(audit).toEqual([
      { from_state: 'queued', to_state: 'sending' },
      { from_state: 'queued', to_state: 'sending' },
    ])
  })

  it('audits the state each invoice really left when several were allowed', async () => {
    await insert('00000000-0000-4000-8000-000000000011', 'received')
    await insert('00000000-0000-4000-8000-000000000012', 'queued')
    await context.db.transaction().execute((trx) =>
      transition(trx, {
        invoiceIds: ['00000000-0000-4000-8000-000000000011', '00000000-0000-4000-8000-000000000012'],
        from: ['received', 'queued'],
        to: 'sending',
        actor: 'test',
      }),
    )
    const audit = await context.db
      .selectFrom('audit_log')
      .select(['invoice_id', 'from_state'])
      .where('invoice_id', 'in', ['00000000-0000-4000-8000-000000000011', '00000000-0000-4000-8000-000000000012'])
      .orderBy('invoice_id')
      .execute()
    expect(audit).toEqual([
      { invoice_id: '00000000-0000-4000-8000-000000000011', from_state: 'received' },
      { invoice_id: '00000000-0000-4000-8000-000000000012', from_state: 'queued' },
    ])
  })

  it('refuses an illegal transition in code and explains the current state', async () => {
    await insert('00000000-0000-4000-8000-000000000003', 'queued')
    await expect(
      context.db.transaction().execute((trx) =>
        transitionOrThrow(trx, {
          invoiceIds: ['00000000-0000-4000-8000-000000000003'],
          from: ['sent'],
          to: 'accepted',
          actor: 'test',
        }),
      ),
    ).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      message: expect.stringMatching(/is queued; it can go to accepted only from sent/),
    })
    await expect(
      context.db.transaction().execute((trx) =>
        transition(trx, {
          invoiceIds: ['00000000-0000-4000-8000-000000000003'],
          from: ['queued'],
          to: 'confirmed',
          actor: 'test',
        }),
      ),
    ).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' })
  })

  it('refuses an illegal transition even from raw SQL (the trigger), and creation in a later state', async () => {
    await insert('00000000-0000-4000-8000-000000000004', 'queued')
    await expect(
      sql`update hub.invoices set state = 'confirmed' where id = '00000000-0000-4000-8000-000000000004'`.execute(
        context.db,
      ),
    ).rejects.toThrow(/illegal invoice state transition queued -> confirmed/)
    await expect(insert('00000000-0000-4000-8000-000000000005', 'accepted')).rejects.toThrow(
      /cannot be created in state accepted/,
    )
  })

  it('keeps the audit log append-only', async () => {
    await expect(sql`delete from hub.audit_log`.execute(context.db)).rejects.toThrow(/append-only/)
    await expect(sql`update hub.audit_log set actor = 'x'`.execute(context.db)).rejects.toThrow(/append-only/)
  })
})
