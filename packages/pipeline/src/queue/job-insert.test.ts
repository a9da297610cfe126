import { sql } from 'kysely'
import type { PgBoss } from 'pg-boss'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { jobInsert } from './job-insert.ts'
import { QUEUES } from './queues.ts'
import { submitJobsInsert } from './submit-jobs.ts'

interface JobRow {
  readonly id: string
  readonly name: string
  readonly data: unknown
  readonly state: string
  readonly priority: number
  readonly group_id: string | null
  readonly retry_limit: number
  readonly retry_delay: number
  readonly retry_backoff: boolean
  readonly retry_delay_max: number | null
  readonly expire_seconds: number
  readonly deletion_seconds: number
  readonly heartbeat_seconds: number | null
  readonly policy: string | null
  readonly dead_letter: string | null
  readonly retention: number
}

describe.each(testBackends())('pg-boss job insert inside another statement (%s)', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
  })
  afterAll(() => context.close())

  /** The job rows of a queue whose data has this marker, without what differs between two inserts. */
  const jobsMarked = async (queue: string, marker: string) => {
    const { rows } = await sql<JobRow>`
      select id, name, data, state, priority, group_id, retry_limit, retry_delay, retry_backoff, retry_delay_max,
        expire_seconds, deletion_seconds, heartbeat_seconds, policy, dead_letter,
        extract(epoch from keep_until - start_after)::int as retention
      from pgboss.job where name = ${queue} and data->>'marker' = ${marker} order by data->>'n'`.execute(context.db)
    return rows.map(({ id: _id, data, ...row }) => ({ ...row, data: { ...(data as object), marker: 'same' } }))
  }

  it('inserts the very rows that boss.insert does, with the queue policy and defaults', async () => {
    const jobs = (marker: string) => [
      { data: { marker, n: 1 }, group: { id: 'acme' } },
      { data: { marker, n: 2 }, group: { id: 'acme' } },
    ]
    await context.boss.insert(QUEUES.submit, jobs('by-boss'))
    const insert = await jobInsert(context.boss, QUEUES.submit, jobs('embedded'))
    // As a data-modifying part of another statement, which returns its own rows.
    const { rows } = await sql<{ answer: number }>`with jobs as (${insert}) select 42 as answer`.execute(context.db)
    expect(rows).toEqual([{ answer: 42 }])
    const byBoss = await jobsMarked(QUEUES.submit, 'by-boss')
    expect(byBoss).toHaveLength(2)
    expect(await jobsMarked(QUEUES.submit, 'embedded')).toEqual(byBoss)
    expect(byBoss[0]).toMatchObject({
      state: 'created',
      group_id: 'acme',
      retry_limit: 12,
      dead_letter: 'invoice.submit.dead',
    })
  })

  it('commits with the statement or not at all', async () => {
    const insert = await submitJobsInsert(context.boss, 'acme', ['00000000-0000-7000-8000-000000000001'], {
      fanOut: true,
    })
    const failing = sql`with jobs as (${insert}) select 1 / 0`.execute(context.db)
    await expect(failing).rejects.toThrow(/division by zero/)
    const { rows } = await sql<{ count: number }>`
      select count(*)::int as count from pgboss.job where name = ${QUEUES.submitMany}
        and data @> ${JSON.stringify({ invoiceIds: ['00000000-0000-7000-8000-000000000001'] })}::jsonb`.execute(
      context.db,
    )
    expect(rows).toEqual([{ count: 0 }])
  })

  it('refuses a pg-boss whose insert is not one plain INSERT with one parameter', async () => {
    const bossRunning = (...statements: [string, unknown[]][]) =>
      ({
        insert: async (
          _queue: string,
          _jobs: unknown[],
          options: { db: { executeSql(text: string, values: unknown[]): Promise<unknown> } },
        ) => {
          for (const [text, values] of statements) await options.db.executeSql(text, values)
          return null
        },
      }) as unknown as PgBoss
    const plain: [string, unknown[]] = ['INSERT INTO pgboss.job (data) SELECT x FROM json_to_recordset($1)', ['[]']]
    await expect(jobInsert(bossRunning(plain), QUEUES.submit, [])).resolves.toBeDefined()
    for (const boss of [
      bossRunning(plain, plain),
      bossRunning(['WITH ins AS (INSERT INTO pgboss.job SELECT $1) SELECT 1', ['[]']]),
      bossRunning(['INSERT INTO pgboss.job SELECT $1 RETURNING id', ['[]']]),
      bossRunning(['INSERT INTO pgboss.job SELECT $1, $2', ['[]', 'x']]),
    ]) {
      await expect(jobInsert(boss, QUEUES.submit, [])).rejects.toThrow(/no longer one INSERT with one parameter/)
    }
  })
})
