/**
 * Status polling per KSeF session: one listing of the session's invoices settles all of them (KSeF allows
 * 1,200 single-invoice status reads an hour but pages of 1,000 on a listing); a few invoices are asked about one
 * by one. The next poll comes soon while invoices keep finishing, and backs off while nothing moves.
 *
 * @module
 */
import type { KsefClient, SessionInvoiceStatus } from '@ksef-hub/ksef-client'
import type { Job } from 'pg-boss'
import { inTransaction } from '../queue/boss.ts'
import { QUEUES } from '../queue/queues.ts'
import type { SessionJob, WorkerEnv } from './env.ts'
import { applyInvoiceStatuses, requeue } from './outcomes.ts'

// Batch session codes after which KSeF will not process (more of) the session: every invoice it holds without a
// result of its own was not registered.
const BATCH_FAILED = new Set([405, 415, 420, 430, 435, 440, 500])

/** How a batch session ended, by KSeF's status code; `undefined` while KSeF is still processing it (below 200). */
function batchSessionEnd(code: number): 'processed' | 'failed' | undefined {
  if (code < 200) return undefined
  return BATCH_FAILED.has(code) ? 'failed' : 'processed'
}

// Idle polls between listings that are made even though the session's counts did not move.
const LIST_AT_LEAST_EVERY = 5

// Up to this many waiting invoices are asked about one by one (KSeF's invoice-status budget is 120 a minute per
// context) rather than by listing the session (two calls of a 20-a-minute budget): a trickle then never waits
// for the listing budget, which a busy minute of online sends would spend in seconds.
const ASK_EACH_UP_TO = 4

// Looks at a batch session whose invoices all have their outcomes, until KSeF reports the session processed: about
// an hour at the longest poll interval. KSeF finishes a session's invoices before the session itself, so the poll
// that settles the last invoice may still read the session as being processed.
const SETTLE_POLLS_AT_MOST = 60

/** What KSeF says about the waiting invoices: asked one by one when they are few and all have a reference. */
async function sessionResults(
  client: KsefClient,
  sessionRef: string,
  waiting: readonly { ksef_invoice_ref: string | null }[],
): Promise<SessionInvoiceStatus[]> {
  const refs = waiting.map((invoice) => invoice.ksef_invoice_ref)
  if (refs.length > ASK_EACH_UP_TO || refs.some((ref) => !ref)) return client.sessionInvoiceResults(sessionRef)
  const results: SessionInvoiceStatus[] = []
  for (const ref of refs as string[]) results.push(await client.getInvoiceStatus(sessionRef, ref))
  return results
}

/**
 * The delay before the next poll: the first interval while invoices finish, doubling per idle poll up to the
 * longest.
 *
 * @example
 * ```ts
 * nextPollMs(DEFAULT_TUNING, 3) // 16 s
 * ```
 */
export function nextPollMs(tuning: { pollFirstMs: number; pollMaxMs: number }, idlePolls: number): number {
  return Math.min(tuning.pollFirstMs * 2 ** idlePolls, tuning.pollMaxMs)
}

/**
 * The handler of the session poll queue.
 *
 * @example
 * ```ts
 * await boss.work(QUEUES.pollSession, pollHandler(env))
 * ```
 */
export function pollHandler(env: WorkerEnv): (jobs: Job<SessionJob>[]) => Promise<void> {
  return async ([job]) => {
    if (!job) return
    const { tenantId, sessionRef, kind } = job.data
    const waiting = await env.context.db
      .selectFrom('invoices')
      .select(['id', 'tenant_id', 'state', 'invoice_hash', 'invoice_number', 'ksef_invoice_ref'])
      .where('ksef_session_ref', '=', sessionRef)
      .where('state', '=', 'sent')
      .execute()
    if (waiting.length === 0) {
      if (kind === 'batch') await settleBatchSession(env, job.data)
      return
    }
    const tc = await env.pool.forTenant(tenantId)
    const session = await tc.client.getSessionStatus(sessionRef)
    await env.breaker.success(tc.scope)
    const sessionEnd = kind === 'batch' ? batchSessionEnd(session.status.code) : undefined
    const sessionFailed = sessionEnd === 'failed'
    // The listing costs two calls of KSeF's tightest budget (20 a minute per context); the session status (120 a
    // minute) tells whether any invoice finished since the last look. Nothing finished: nothing to list.
    // Every few idle polls it lists anyway, should a count and the hub's records ever disagree.
    const finished = finishedCount(session)
    const idle = job.data.idlePolls ?? 0
    if (
      finished !== undefined &&
      finished === job.data.finished &&
      waiting.length === job.data.waiting &&
      !sessionFailed &&
      idle % LIST_AT_LEAST_EVERY !== LIST_AT_LEAST_EVERY - 1
    ) {
      await pollAgain(env, { ...job.data, idlePolls: (job.data.idlePolls ?? 0) + 1 })
      return
    }
    const results = await sessionResults(tc.client, sessionRef, waiting)
    const byRef = new Map<string, SessionInvoiceStatus>()
    const byHash = new Map<string, SessionInvoiceStatus>()
    for (const result of results) {
      byRef.set(result.referenceNumber, result)
      byHash.set(result.invoiceHash, result)
    }
    let progress = 0
    let unresolved = 0
    const found: { target: (typeof waiting)[number]; status: SessionInvoiceStatus }[] = []
    for (const invoice of waiting) {
      const result =
        (invoice.ksef_invoice_ref ? byRef.get(invoice.ksef_invoice_ref) : undefined) ??
        (invoice.invoice_hash ? byHash.get(invoice.invoice_hash) : undefined)
      if (result) {
        found.push({ target: invoice, status: result })
      } else if (sessionFailed) {
        await env.context.db.transaction().execute((trx) =>
          requeue(trx, env, invoice, {
            sessionStatus: session.status.code,
            description: session.status.description,
          }),
        )
        progress++
      } else {
        unresolved++
      }
    }
    // Before the invoices' outcomes: those commit in groups and start UPO downloads, so an invoice can be confirmed
    // while later groups are still being applied, and its session must not still read `open` then.
    if (sessionEnd) await markBatchSession(env, sessionRef, sessionEnd)
    for (const applied of (await applyInvoiceStatuses(env, tc.client, found, sessionRef)).values()) {
      if (applied === 'pending') unresolved++
      else progress++
    }
    if (unresolved === 0) {
      // KSeF read as still processing before it listed the last results: look at the session once more, later.
      if (kind === 'batch' && !sessionEnd) await pollAgain(env, { ...job.data, idlePolls: 0 })
      return
    }
    const idlePolls = progress > 0 ? 0 : (job.data.idlePolls ?? 0) + 1
    await pollAgain(env, {
      ...job.data,
      idlePolls,
      ...(finished !== undefined ? { finished, waiting: unresolved } : {}),
    })
  }
}

async function markBatchSession(env: WorkerEnv, sessionRef: string, end: 'processed' | 'failed'): Promise<void> {
  await env.context.db
    .updateTable('ksef_sessions')
    .set({ status: end, processed_at: env.context.now() })
    .where('reference_number', '=', sessionRef)
    .where('status', '=', 'open')
    .execute()
}

/** A batch session whose invoices all have their outcomes: marked once KSeF reports it processed. */
async function settleBatchSession(env: WorkerEnv, job: SessionJob): Promise<void> {
  const row = await env.context.db
    .selectFrom('ksef_sessions')
    .select('status')
    .where('reference_number', '=', job.sessionRef)
    .executeTakeFirst()
  if (row?.status !== 'open') return
  const tc = await env.pool.forTenant(job.tenantId)
  const { code } = (await tc.client.getSessionStatus(job.sessionRef)).status
  await env.breaker.success(tc.scope)
  const end = batchSessionEnd(code)
  if (end) return markBatchSession(env, job.sessionRef, end)
  const idlePolls = (job.idlePolls ?? 0) + 1
  if (idlePolls >= SETTLE_POLLS_AT_MOST) {
    env.context.logger.warn(
      { sessionRef: job.sessionRef, code },
      'KSeF has not reported a batch session processed although each of its invoices has its outcome; its record stays open',
    )
    return
  }
  await pollAgain(env, { ...job, idlePolls })
}

/** How many of the session's invoices KSeF has finished (accepted or failed), when its status says. */
function finishedCount(session: {
  successfulInvoiceCount?: number | null
  failedInvoiceCount?: number | null
}): number | undefined {
  const { successfulInvoiceCount: ok, failedInvoiceCount: failed } = session
  if (ok === undefined || ok === null || failed === undefined || failed === null) return undefined
  return ok + failed
}

async function pollAgain(env: WorkerEnv, next: SessionJob): Promise<void> {
  await env.context.db.transaction().execute((trx) =>
    env.context.boss.send(QUEUES.pollSession, next, {
      ...inTransaction(trx),
      singletonKey: next.sessionRef,
      startAfter: new Date(Date.now() + nextPollMs(env.tuning, next.idlePolls ?? 0)),
      group: { id: next.tenantId },
    }),
  )
}
