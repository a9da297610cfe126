/**
 * pg-boss's own job insert, as a part of another statement: the rows that a write adds and the jobs that carry
 * them on then commit in one statement, without a transaction around several. A transaction costs two round
 * trips more (`begin`, `commit`) and every statement in it waits for the one before; under load each round trip
 * waits for the gateway's event loop too (bench: ~2 ms each at 1,500 submissions/s on two cores).
 *
 * The statement is pg-boss's, not a copy: `boss.insert` is called with a database adapter that keeps the
 * statement and its one parameter instead of running them, so queue policy, defaults and the job table are pg-boss's
 * own. pg-boss's insert is a single `INSERT … SELECT … FROM json_to_recordset($1)` on a queue without
 * LISTEN/NOTIFY (none of the pipeline's queues uses it); when a pg-boss upgrade changes that shape,
 * {@link jobInsert} throws rather than guess (and its test fails).
 *
 * @module
 */
import { type RawBuilder, sql } from 'kysely'
import type { JobInsert, PgBoss } from 'pg-boss'
import type { QueueName } from './queues.ts'

interface Captured {
  readonly text: string
  readonly values: readonly unknown[]
}

/**
 * The statement that inserts these jobs, to be run as a data-modifying `WITH` part of another statement (it
 * returns no rows). Write it into a statement as `jobs as (${await jobInsert(...)})`.
 *
 * @throws Error when pg-boss's insert is not one plain `INSERT` with one parameter (a pg-boss upgrade changed it)
 * @example
 * ```ts
 * const jobs = await jobInsert(context.boss, QUEUES.submit, [{ data: { invoiceId, tenantId } }])
 * await sql`with jobs as (${jobs}) insert into hub.audit_log ...`.execute(context.db)
 * ```
 */
export async function jobInsert(
  boss: PgBoss,
  queue: QueueName,
  jobs: readonly JobInsert<object>[],
): Promise<RawBuilder<unknown>> {
  const captured: Captured[] = []
  const keep = {
    executeSql: async (text: string, values: unknown[] = []) => {
      captured.push({ text, values })
      return { rows: [] }
    },
  }
  await boss.insert(queue, [...jobs], { db: keep })
  const [statement] = captured
  const at = statement?.text.indexOf('$1') ?? -1
  if (
    captured.length !== 1 ||
    !statement ||
    !/^\s*INSERT INTO\s/i.test(statement.text) ||
    /RETURNING/i.test(statement.text) ||
    statement.values.length !== 1 ||
    at < 0 ||
    statement.text.indexOf('$', at + 2) >= 0
  ) {
    throw new Error(
      `pg-boss's insert into ${queue} is no longer one INSERT with one parameter; jobInsert must be updated`,
    )
  }
  return sql`${sql.raw(statement.text.slice(0, at))}${statement.values[0]}${sql.raw(statement.text.slice(at + 2))}`
}
