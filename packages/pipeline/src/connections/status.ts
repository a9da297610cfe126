/**
 * What the API and the CLI show of a connection: its record, how its pulls go (last pull, cursor age, last error),
 * `needs_reauth`, and what became of its documents, write-backs and imports; and the documents themselves, the
 * ones that could not become invoices first, with the reason and the fix.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely'
import type { SourceDocumentState } from '../db/connections-schema.ts'
import type { Database } from '../db/schema.ts'
import { type ConnectionRecord, getConnection } from './connections.ts'

type Db = Kysely<Database> | Transaction<Database>

/** A connection with how it is doing. */
export interface ConnectionStatus extends ConnectionRecord {
  readonly lastPullStartedAt: Date | null
  readonly lastPullFinishedAt: Date | null
  /** When the cursor last moved, and how long ago (seconds). */
  readonly cursorAt: Date | null
  readonly cursorAgeSeconds: number | null
  readonly pulling: boolean
  readonly lastError: string | null
  readonly lastErrorAt: Date | null
  /** Documents by what became of them. */
  readonly documents: Readonly<Record<SourceDocumentState, number>>
  /** Invoices of this connection by write-back state. */
  readonly writeBacks: Readonly<Record<'pending' | 'done' | 'failed' | 'none' | 'parked', number>>
  readonly imports: Readonly<Record<'pending' | 'done' | 'failed' | 'parked', number>>
}

/** A document as the API shows it. */
export interface SourceDocumentView {
  readonly ref: string
  readonly state: SourceDocumentState
  readonly invoiceId: string | null
  readonly code: string | null
  readonly field: string | null
  readonly reason: string | null
  readonly fix: string | null
  readonly issues: unknown
  readonly attempts: number
  readonly retryAt: Date | null
  readonly sourceUpdatedAt: string | null
  readonly firstSeenAt: Date
  readonly updatedAt: Date
}

function counts<K extends string>(
  keys: readonly K[],
  rows: readonly { key: string; count: number | string | bigint }[],
) {
  const result = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>
  for (const row of rows) if ((keys as readonly string[]).includes(row.key)) result[row.key as K] = Number(row.count)
  return result
}

/**
 * A connection's status.
 *
 * @throws {@link PipelineError} `NOT_FOUND`
 * @example
 * ```ts
 * const status = await connectionStatus(db, 'acme', 'hubspot', new Date())
 * ```
 */
export async function connectionStatus(
  db: Db,
  tenantId: string,
  nameOrId: string,
  now: Date,
): Promise<ConnectionStatus> {
  const record = await getConnection(db, tenantId, nameOrId)
  const row = await db.selectFrom('connections').selectAll().where('id', '=', record.id).executeTakeFirstOrThrow()
  const documents = await db
    .selectFrom('source_documents')
    .select(['state as key', (eb) => eb.fn.countAll<number>().as('count')])
    .where('connection_id', '=', record.id)
    .groupBy('state')
    .execute()
  const writeBacks = await db
    .selectFrom('invoices')
    .select(['writeback_state as key', (eb) => eb.fn.countAll<number>().as('count')])
    .where('tenant_id', '=', tenantId)
    .where('source', '=', record.name)
    .groupBy('writeback_state')
    .execute()
  const imports = await db
    .selectFrom('incoming_imports')
    .select(['state as key', (eb) => eb.fn.countAll<number>().as('count')])
    .where('connection_id', '=', record.id)
    .groupBy('state')
    .execute()
  const cursorAt = row.cursor_at ? new Date(row.cursor_at) : null
  return {
    ...record,
    lastPullStartedAt: row.last_pull_started_at ? new Date(row.last_pull_started_at) : null,
    lastPullFinishedAt: row.last_pull_finished_at ? new Date(row.last_pull_finished_at) : null,
    cursorAt,
    cursorAgeSeconds: cursorAt ? Math.max(0, Math.round((now.getTime() - cursorAt.getTime()) / 1000)) : null,
    pulling: row.pull_lease_until !== null && new Date(row.pull_lease_until) > now,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at ? new Date(row.last_error_at) : null,
    documents: counts(['submitted', 'skipped', 'unmappable', 'invalid', 'waiting', 'refused'], documents),
    writeBacks: counts(['pending', 'done', 'failed', 'none', 'parked'], writeBacks),
    imports: counts(['pending', 'done', 'failed', 'parked'], imports),
  }
}

/**
 * A connection's documents, newest change first, optionally in one state.
 *
 * @example
 * ```ts
 * const unmappable = await listSourceDocuments(db, 'acme', 'hubspot', { state: 'unmappable', limit: 50 })
 * ```
 */
export async function listSourceDocuments(
  db: Db,
  tenantId: string,
  nameOrId: string,
  query: { state?: SourceDocumentState; limit?: number; ref?: string } = {},
): Promise<SourceDocumentView[]> {
  const connection = await getConnection(db, tenantId, nameOrId)
  let select = db
    .selectFrom('source_documents')
    .selectAll()
    .where('connection_id', '=', connection.id)
    .orderBy('updated_at', 'desc')
    .limit(Math.min(query.limit ?? 50, 500))
  if (query.state) select = select.where('state', '=', query.state)
  if (query.ref) select = select.where('ref', '=', query.ref)
  const rows = await select.execute()
  return rows.map((row) => ({
    ref: row.ref,
    state: row.state,
    invoiceId: row.invoice_id,
    code: row.code,
    field: row.field,
    reason: row.reason,
    fix: row.fix,
    issues: row.issues,
    attempts: row.attempts,
    retryAt: row.retry_at ? new Date(row.retry_at) : null,
    sourceUpdatedAt: row.source_updated_at,
    firstSeenAt: new Date(row.first_seen_at),
    updatedAt: new Date(row.updated_at),
  }))
}
