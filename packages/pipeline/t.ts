import { openDatabase } from './src/db/database.ts'
import { migrate } from './src/db/migrate.ts'

for (const url of [undefined, 'postgres://postgres@127.0.0.1:5432/test']) {
  const t = performance.now()
  const d = await openDatabase({ url })
  console.log(d.kind, 'open+migrate ms', Math.round(performance.now() - t), 'again:', await migrate(d.db))
  await d.db
    .insertInto('tenants')
    .values({
      id: 't1',
      name: 'T',
      nip: '5265877635',
      environment: 'test',
      ksef_base_url: null,
      settings: JSON.stringify({}) as never,
    })
    .execute()
  console.log(await d.db.selectFrom('tenants').selectAll().execute())
  try {
    await d.db.deleteFrom('audit_log').execute()
    await d.db
      .insertInto('audit_log')
      .values({
        kind: 'x',
        actor: 'a',
        details: '{}' as never,
        tenant_id: null,
        invoice_id: null,
        from_state: null,
        to_state: null,
      })
      .execute()
    await d.db.updateTable('audit_log').set({ kind: 'y' }).execute()
  } catch (e) {
    console.log('audit update refused:', (e as Error).message)
  }
  if (url) {
    const { sql } = await import('kysely')
    await sql`drop schema hub cascade`.execute(d.db)
  }
  await d.close()
}
