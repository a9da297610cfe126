import { CompiledQuery, type RawBuilder, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTenant } from '../tenants/tenants.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { knownIdentities, knownIdentitiesQuery, liveNumbers, storedDocuments } from './lookups.ts'

const NIP = '5265877635'
/** Invoices stored after the statistics were taken: a tenant growing faster than autovacuum analyses it. */
const UNSEEN = 60_000

const key = (n: number) => `key-${n}`
const number = (n: number) => `${NIP}|VAT|FV/${n}`

describe.each(testBackends())('bulk intake lookups (%s)', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: NIP, environment: 'test' })
    await sql`alter table hub.invoices set (autovacuum_enabled = off)`.execute(context.db)
    const store = (from: number, to: number) =>
      sql`insert into hub.invoices (id, tenant_id, source, source_ref, idempotency_key, content_hash, duplicate_key,
          seller_nip, invoice_type, invoice_number, issue_date, gross_amount, currency, model, state)
        select gen_random_uuid(), 'acme', 'api', 'ref-' || g, 'key-' || g, 'hash-' || g, ${`${NIP}|VAT|FV/`} || g,
          ${NIP}, 'VAT', 'FV/' || g, date '2026-11-02', 100, 'PLN', '{}', 'received'
        from generate_series(${from}::int, ${to}::int) as g`.execute(context.db)
    await store(1, 1_000)
    await sql`analyze hub.invoices`.execute(context.db)
    await store(1_001, 1_000 + UNSEEN)
    // A tenth of them rejected: their numbers are free again.
    await sql`update hub.invoices set state = 'rejected' where (substr(source_ref, 5))::int % 10 = 0`.execute(
      context.db,
    )
  }, 120_000)
  afterAll(() => context.close())

  /** The indexes a statement's plan reads. */
  async function indexesRead(query: RawBuilder<unknown>): Promise<string[]> {
    const compiled = query.compile(context.db)
    const { rows } = await context.db.executeQuery<{ 'QUERY PLAN': unknown }>(
      CompiledQuery.raw(`explain (format json) ${compiled.sql}`, [...compiled.parameters]),
    )
    const names = new Set<string>()
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit)
      else if (node && typeof node === 'object') {
        for (const [field, value] of Object.entries(node)) {
          if (field === 'Index Name') names.add(value as string)
          else visit(value)
        }
      }
    }
    const plan = rows[0]?.['QUERY PLAN']
    visit(typeof plan === 'string' ? JSON.parse(plan) : plan)
    return [...names].sort()
  }

  // A request's worth of keys: mostly new documents, forty the tenant has (every tenth stored invoice is rejected).
  const requested = Array.from({ length: 1_000 }, (_, i) => (i % 25 === 0 ? 500 + i * 3 : 1_000_000 + i))

  it('probe the unique indexes key by key, even when the statistics lag far behind the table', async () => {
    expect(await indexesRead(liveNumbers('acme', requested.map(number)))).toEqual(['invoices_duplicate_key'])
    expect(await indexesRead(storedDocuments('acme', requested.map(key).sort()))).toEqual([
      'invoices_tenant_id_idempotency_key_key',
    ])
    expect(await indexesRead(knownIdentitiesQuery('acme', requested.map(key), requested.map(number)))).toEqual([
      'invoices_duplicate_key',
      'invoices_tenant_id_idempotency_key_key',
    ])
  })

  it('find exactly the live numbers and the stored documents among the keys', async () => {
    const existing = requested.filter((n) => n <= 1_000 + UNSEEN)
    // Forty stored, half of them rejected.
    expect([existing.length, existing.filter((n) => n % 10 === 0).length]).toEqual([40, 20])
    const live = await liveNumbers('acme', requested.map(number)).execute(context.db)
    expect(live.rows.map((row) => row.duplicate_key).sort()).toEqual(
      existing
        .filter((n) => n % 10 !== 0)
        .map(number)
        .sort(),
    )
    const stored = await context.db
      .transaction()
      .execute((trx) => storedDocuments('acme', requested.map(key).sort()).execute(trx))
    expect(stored.rows.map((row) => row.idempotency_key).sort()).toEqual(existing.map(key).sort())
    expect(
      stored.rows.every((row) => row.state === (Number(row.idempotency_key.slice(4)) % 10 ? 'received' : 'rejected')),
    ).toBe(true)
    // Both at once: the same rows.
    const known = await knownIdentities(context.db, 'acme', requested.map(key), requested.map(number))
    expect(known.numbers.map((row) => row.duplicate_key).sort()).toEqual(
      live.rows.map((row) => row.duplicate_key).sort(),
    )
    expect(
      known.documents
        .map(({ id, state, content_hash, idempotency_key }) => ({ id, state, content_hash, idempotency_key }))
        .sort((a, b) => a.idempotency_key.localeCompare(b.idempotency_key)),
    ).toEqual([...stored.rows].sort((a, b) => a.idempotency_key.localeCompare(b.idempotency_key)))
    expect(known.numbers.every((row) => 'ksef_number' in row && 'id' in row)).toBe(true)
    // Another tenant's documents are not found.
    expect((await liveNumbers('other', requested.map(number)).execute(context.db)).rows).toEqual([])
    expect(await knownIdentities(context.db, 'other', requested.map(key), requested.map(number))).toEqual({
      documents: [],
      numbers: [],
    })
  })
})
