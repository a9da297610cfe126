/**
 * Readiness: whether the database and the queue answer. What a probe is told is a state per check, never an
 * error's text: `/readyz` is unauthenticated, and a driver's message names hosts and ports
 * (`connect ECONNREFUSED 127.0.0.1:4290`). The text goes to the operator's log.
 *
 * @module
 */
import { sql } from 'kysely'
import type { PipelineContext } from '../context.ts'
import { QUEUES } from '../queue/queues.ts'

/** The state of one check. */
export type CheckState = 'ok' | 'unavailable' | 'timeout' | 'missing'

/** What {@link readiness} found. */
export interface Readiness {
  readonly database: CheckState
  readonly queue: CheckState
}

class Timeout extends Error {}

async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Timeout(`no answer within ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

async function check(context: PipelineContext, name: string, ms: number, probe: () => Promise<boolean>) {
  try {
    return (await within(ms, probe())) ? 'ok' : 'missing'
  } catch (error) {
    context.logger.warn({ check: name, err: { message: (error as Error).message } }, 'readiness check failed')
    return error instanceof Timeout ? 'timeout' : 'unavailable'
  }
}

/**
 * Asks the database and the queue, each within `timeoutMs`.
 *
 * @example
 * ```ts
 * const { database, queue } = await readiness(context)
 * const ready = database === 'ok' && queue === 'ok'
 * ```
 */
export async function readiness(context: PipelineContext, timeoutMs = 2_000): Promise<Readiness> {
  const [database, queue] = await Promise.all([
    check(context, 'database', timeoutMs, async () => {
      await sql`select 1`.execute(context.db)
      return true
    }),
    check(context, 'queue', timeoutMs, async () => Boolean(await context.boss.getQueue(QUEUES.submit))),
  ])
  return { database, queue }
}
