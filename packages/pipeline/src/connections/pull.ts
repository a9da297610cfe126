/**
 * Pulling a connection: pages of changed documents behind the connector's cursor. The cursor is saved only after
 * every document of its page is stored, so a crash reads the page again and skips nothing; the source's ids make the
 * second reading harmless. One pull per connection at a time (a lease on its row, renewed page by page); a request
 * that arrives during a pull makes that pull run once more instead of starting a second one.
 *
 * @module
 */
import type { AnyConnector } from '@ksef-hub/connector-sdk'
import { sql } from 'kysely'
import type { Job } from 'pg-boss'
import type { PipelineContext } from '../context.ts'
import { QUEUES } from '../queue/queues.ts'
import { type ConnectionRecord, toConnectionRecord } from './connections.ts'
import { takeDocuments } from './documents.ts'
import { recordConnectionError, settleFailure } from './health.ts'
import { type HostOptions, hostConnection } from './host.ts'
import { remapWaiting } from './remap.ts'

/** A pull job. */
export interface PullJob {
  readonly tenantId: string
  readonly connectionId: string
  /** Why it was asked for: `schedule`, `webhook`, `api`, `remap` (only waiting documents), `continue`. */
  readonly reason: 'schedule' | 'webhook' | 'api' | 'remap' | 'continue'
  /** How many times a rate limit deferred this pull in a row (bounded). */
  readonly deferrals?: number
}

/** A pull holds its connection this long past its last page (a page must take less). */
const LEASE_SECONDS = 120
/** A pull job stops after this long and leaves the rest to a continuation, so one connection cannot hog a worker. */
const BUDGET_MS = 60_000
const MAX_DEFERRALS = 50
/** Rounds a pull runs again for requests that arrived while it ran. */
const MAX_ROUNDS = 3

/**
 * Asks for a pull of a connection: at most one waits per connection (more requests while one waits are one; a
 * waiting remap gives way to a pull that reads the source).
 *
 * @example
 * ```ts
 * await requestPull(context, { tenantId: 'acme', connectionId, reason: 'webhook' })
 * ```
 */
export async function requestPull(context: PipelineContext, job: PullJob, startAfterMs = 0): Promise<void> {
  await context.db
    .updateTable('connections')
    .set({ pull_requested_at: sql<Date>`now()` })
    .where('id', '=', job.connectionId)
    .execute()
  const options = {
    singletonKey: job.connectionId,
    group: { id: job.tenantId },
    ...(startAfterMs > 0 ? { startAfter: new Date(Date.now() + startAfterMs) } : {}),
  }
  if ((await context.boss.send(QUEUES.connectionPull, job, options)) !== null || job.reason === 'remap') return
  // The pull waiting may be a remap, which reads nothing from the source and, taking its lease after this request,
  // does not go round for it: a webhook's documents waited for the next scheduled pull. The remap gives way to this
  // pull, which maps the waiting documents first, as every pull does.
  const waiting = await context.boss.findJobs<PullJob>(QUEUES.connectionPull, {
    data: { connectionId: job.connectionId },
    queued: true,
  })
  const remaps = waiting.filter((each) => each.state === 'created' && each.data.reason === 'remap')
  if (remaps.length === 0) return
  await context.boss.deleteJob(
    QUEUES.connectionPull,
    remaps.map((each) => each.id),
  )
  await context.boss.send(QUEUES.connectionPull, job, options)
}

async function takeLease(context: PipelineContext, connectionId: string, owner: string, reason: PullJob['reason']) {
  return context.db
    .updateTable('connections')
    .set({
      pull_lease_owner: owner,
      pull_lease_until: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})`,
      // A remap reads nothing from the source: counted as a pull, it put off the scheduled ones (the schedule
      // measures its interval from this), for as long as waiting documents kept coming due.
      ...(reason === 'remap' ? {} : { last_pull_started_at: sql<Date>`now()` }),
    })
    .where('id', '=', connectionId)
    .where((where) =>
      where.or([
        where('pull_lease_until', 'is', null),
        where('pull_lease_until', '<', sql<Date>`now()`),
        // The same job again (pg-boss retries keep the id): its own lease from before a crash.
        where('pull_lease_owner', '=', owner),
      ]),
    )
    .returning(sql<Date>`now()`.as('started'))
    .executeTakeFirst()
}

/** Saves the page's cursor and renews the lease, if this pull still holds it. */
async function checkpoint(context: PipelineContext, connectionId: string, owner: string, cursor: unknown) {
  const saved = await context.db
    .updateTable('connections')
    .set({
      cursor: JSON.stringify(cursor ?? null),
      cursor_at: sql<Date>`now()`,
      pull_lease_until: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})`,
    })
    .where('id', '=', connectionId)
    .where('pull_lease_owner', '=', owner)
    .executeTakeFirst()
  return Number(saved.numUpdatedRows) === 1
}

async function releaseLease(context: PipelineContext, connectionId: string, owner: string, finished: boolean) {
  await context.db
    .updateTable('connections')
    .set({
      pull_lease_owner: null,
      pull_lease_until: null,
      ...(finished ? { last_pull_finished_at: sql<Date>`now()` } : {}),
    })
    .where('id', '=', connectionId)
    .where('pull_lease_owner', '=', owner)
    .execute()
}

/** How a run of pages ended: at the source's end, with the budget spent, or with the lease lost to another pull. */
type PagesOutcome = 'done' | 'budget' | 'lost'

/** Pages until the source has no more, the budget is spent, or the lease is lost. */
async function pullPages(
  context: PipelineContext,
  connector: AnyConnector,
  connection: ConnectionRecord,
  options: HostOptions,
  job: Job<PullJob>,
  started: number,
): Promise<PagesOutcome> {
  const pull = connector.pull
  const work = await hostConnection(context, options, connector, connection, job.signal)
  await remapWaiting(context, connector, work, connection, 200)
  if (!pull || job.data.reason === 'remap') return 'done'
  const row = await context.db
    .selectFrom('connections')
    .select('cursor')
    .where('id', '=', connection.id)
    .executeTakeFirst()
  const stored = pull.cursor.safeParse(row?.cursor ?? undefined)
  if (!stored.success && row?.cursor !== null && row?.cursor !== undefined) {
    context.logger.warn(
      { connection: connection.name },
      'the stored cursor does not fit the connector: pulling from the start',
    )
  }
  let cursor: unknown = stored.success ? stored.data : undefined
  for (;;) {
    const page = await pull.page(work, cursor)
    const counts = await takeDocuments(context, connector, work, connection, page.documents)
    if (!(await checkpoint(context, connection.id, job.id, page.cursor))) return 'lost'
    cursor = page.cursor
    context.logger.debug({ connection: connection.name, ...counts }, 'pulled a page')
    if (!page.more) return 'done'
    // The hub's clock, as every chore reads it.
    if (context.now().getTime() - started > BUDGET_MS) return 'budget'
  }
}

/** Whether a pull was asked for after `since` (database time). */
async function requestedSince(context: PipelineContext, connectionId: string, since: Date) {
  const latest = await context.db
    .selectFrom('connections')
    .select(['pull_requested_at', sql<Date>`now()`.as('now')])
    .where('id', '=', connectionId)
    .executeTakeFirstOrThrow()
  const requested = latest.pull_requested_at !== null && new Date(latest.pull_requested_at) > since
  return { requested, now: new Date(latest.now) }
}

/**
 * The handler of the pull queue.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.connectionPull, { includeMetadata: true }, eachJob(pullHandler(context, options), 2))
 * ```
 */
export function pullHandler(context: PipelineContext, options: HostOptions): (job: Job<PullJob>) => Promise<void> {
  return async (job) => {
    // A disabled tenant's connections are not pulled, as the schedule leaves them out: a webhook, a sync or a
    // continuation asked for before it was disabled took its documents in all the same.
    const row = await context.db
      .selectFrom('connections')
      .innerJoin('tenants', 'tenants.id', 'connections.tenant_id')
      .selectAll('connections')
      .where('connections.id', '=', job.data.connectionId)
      .where('tenants.disabled_at', 'is', null)
      .executeTakeFirst()
    if (!row?.enabled || row.status !== 'active') return
    const connection = toConnectionRecord(row)
    const connector = options.registry.get(connection.connector)
    if (!connector?.map) return
    const lease = await takeLease(context, connection.id, job.id, job.data.reason)
    // Another pull holds the connection: it runs again for this request (pull_requested_at is after its start).
    if (!lease) return
    let since = new Date(lease.started)
    const started = context.now().getTime()
    let finished = false
    // Whether another pull must follow this one: asked for only once the lease is released (below).
    let again = false
    try {
      for (let round = 1; ; round++) {
        const outcome = await pullPages(context, connector, connection, options, job, started)
        if (outcome === 'lost') return
        if (outcome === 'budget') {
          again = true
          break
        }
        finished = true
        const latest = await requestedSince(context, connection.id, since)
        if (!latest.requested) break
        since = latest.now
        if (round === MAX_ROUNDS) {
          again = true
          break
        }
      }
      await recordConnectionError(context, connection.id, undefined)
    } catch (error) {
      const action = await settleFailure(context, connection, error)
      if (action.kind === 'retry') throw error
      if (action.kind === 'defer') {
        const deferrals = (job.data.deferrals ?? 0) + 1
        if (deferrals > MAX_DEFERRALS) throw error
        await releaseLease(context, connection.id, job.id, false)
        await requestPull(context, { ...job.data, deferrals }, action.afterMs)
      }
      return
    } finally {
      await releaseLease(context, connection.id, job.id, finished)
    }
    // After the release, not before: a continuation sent while this pull held the lease could be taken by another
    // worker at once, find the lease taken and end, and the rest waited for the schedule. The same holds for a
    // request that came after this pull last looked (its job found the lease taken): it is asked for again here.
    if (again || (await requestedSince(context, connection.id, since)).requested) {
      await requestPull(context, { tenantId: connection.tenantId, connectionId: connection.id, reason: 'continue' })
    }
  }
}
