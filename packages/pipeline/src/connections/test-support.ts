/**
 * Support for the connections' own tests: a job as pg-boss hands one to a handler, a logger that keeps what it was
 * told, a hook that runs between a query's answer and its caller (to put a second worker in a race window without
 * timing anything), and a tenant with a connection.
 *
 * @module
 */
import type {
  Kysely,
  KyselyPlugin,
  OperationNode,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
} from 'kysely'
import type { JobWithMetadata } from 'pg-boss'
import type { PipelineContext } from '../context.ts'
import type { Database } from '../db/schema.ts'
import type { InvoiceState } from '../invoices/states.ts'
import type { Logger } from '../logging/logger.ts'
import { createTenant } from '../tenants/tenants.ts'
import { type ConnectionInput, type ConnectionRecord, saveConnection } from './connections.ts'
import type { ConnectorRegistry } from './registry.ts'

let jobs = 0

/**
 * A job as a worker hands it to a handler (an id, the data, a signal; retries as given).
 *
 * @example
 * ```ts
 * await pullHandler(context, options)(fakeJob({ tenantId, connectionId, reason: 'api' }))
 * ```
 */
export function fakeJob<T>(
  data: T,
  options: { id?: string; retryCount?: number; retryLimit?: number } = {},
): JobWithMetadata<T> {
  jobs += 1
  return {
    id: options.id ?? `job-${process.pid}-${jobs}`,
    name: 'test',
    data,
    signal: new AbortController().signal,
    retryCount: options.retryCount ?? 0,
    retryLimit: options.retryLimit ?? 3,
  } as JobWithMetadata<T>
}

/** A logged line. */
export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error'
  readonly object: Record<string, unknown>
  readonly message: string | undefined
}

/**
 * A logger that keeps every line (children share the list and add their bindings).
 *
 * @example
 * ```ts
 * const { logger, lines } = recordingLogger()
 * ```
 */
export function recordingLogger(): { logger: Logger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = []
  const make = (bindings: Record<string, unknown>): Logger => {
    const log = (level: LoggedLine['level']) => (object: Record<string, unknown>, message?: string) => {
      lines.push({ level, object: { ...bindings, ...object }, message })
    }
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (more) => make({ ...bindings, ...more }),
    }
  }
  return { logger: make({}), lines }
}

/** The table and the columns a query writes or reads, enough to recognize it. */
export interface QueryShape {
  readonly kind: RootOperationNode['kind']
  readonly table: string | undefined
  /** Columns set by an update (with `null` when set to null), or selected. */
  readonly columns: Readonly<Record<string, unknown>>
}

function nameOf(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined
  const record = node as unknown as Record<string, unknown>
  if (node.kind === 'IdentifierNode') return record.name as string
  for (const key of ['table', 'identifier', 'column', 'into', 'node']) {
    const inner = record[key] as OperationNode | undefined
    if (inner && typeof inner === 'object' && 'kind' in inner) return nameOf(inner)
  }
  return undefined
}

function shapeOf(node: RootOperationNode): QueryShape {
  const record = node as unknown as Record<string, unknown>
  const columns: Record<string, unknown> = {}
  for (const update of (record.updates as { column: OperationNode; value: OperationNode }[] | undefined) ?? []) {
    const value = update.value as unknown as { kind: string; value?: unknown }
    const name = nameOf(update.column)
    if (name) columns[name] = value.kind === 'ValueNode' ? value.value : value.kind
  }
  for (const selection of (record.selections as { selection: OperationNode }[] | undefined) ?? []) {
    const name = nameOf(selection.selection)
    if (name) columns[name] = true
  }
  const from = record.from as { froms: OperationNode[] } | undefined
  const table = nameOf((record.table ?? record.into ?? from?.froms[0]) as OperationNode | undefined)
  return { kind: node.kind, table, columns }
}

/**
 * The database with a hook: `after` runs once, after the first query that `matches` is answered and before its
 * caller sees the answer (the connection is back in the pool by then, so the hook may query too).
 *
 * @example
 * ```ts
 * const db = hookAfterQuery(context.db, (q) => q.table === 'connections' && 'pull_requested_at' in q.columns, race)
 * ```
 */
export function hookAfterQuery(
  db: Kysely<Database>,
  matches: (query: QueryShape) => boolean,
  after: () => Promise<void>,
  options: { times?: number; log?: QueryShape[] } = {},
): Kysely<Database> {
  let left = options.times ?? 1
  const pending = new WeakSet<object>()
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      const shape = shapeOf(args.node)
      options.log?.push(shape)
      if (left > 0 && matches(shape)) {
        left -= 1
        pending.add(args.queryId)
      }
      return args.node
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<Record<string, unknown>>> {
      if (pending.has(args.queryId)) {
        pending.delete(args.queryId)
        await after()
      }
      return args.result
    },
  }
  return db.withPlugin(plugin)
}

/** A NIP that passes the checksum, for a second tenant. */
export const OTHER_NIP = '7010002139'
/** The first tenant's NIP. */
export const NIP = '5265877635'

/**
 * Creates a tenant (if it is not there) and saves a connection for it.
 *
 * @example
 * ```ts
 * const connection = await connectTenant(context, registry, 'acme', { connector: 'source', settings, secrets })
 * ```
 */
export async function connectTenant(
  context: PipelineContext,
  registry: ConnectorRegistry,
  tenantId: string,
  input: ConnectionInput,
  nip = NIP,
): Promise<ConnectionRecord> {
  const known = await context.db.selectFrom('tenants').select('id').where('id', '=', tenantId).executeTakeFirst()
  if (!known) await createTenant(context.db, { id: tenantId, name: `Tenant ${tenantId}`, nip, environment: 'test' })
  return saveConnection(context.db, context.keys, registry, tenantId, input)
}

/**
 * Moves an invoice through states as the worker would (the database allows only the state machine's transitions),
 * and, when it ends `confirmed`, gives it a KSeF number, an acceptance date and a UPO.
 *
 * @returns the KSeF number when confirmed
 * @example
 * ```ts
 * await walkInvoice(context.db, id, ['sending', 'accepted', 'confirmed'])
 * ```
 */
export async function walkInvoice(
  db: Kysely<Database>,
  invoiceId: string,
  states: readonly InvoiceState[],
): Promise<string | undefined> {
  for (const state of states) {
    await db.updateTable('invoices').set({ state }).where('id', '=', invoiceId).execute()
  }
  if (states.at(-1) !== 'confirmed') return undefined
  const invoice = await db
    .selectFrom('invoices')
    .select(['tenant_id', 'seller_nip'])
    .where('id', '=', invoiceId)
    .executeTakeFirstOrThrow()
  const ksefNumber = `${invoice.seller_nip}-20261102-${invoiceId.replaceAll('-', '').slice(0, 12).toUpperCase()}-00`
  await db
    .updateTable('invoices')
    .set({ ksef_number: ksefNumber, acquisition_date: new Date('2026-11-02T10:00:00Z') })
    .where('id', '=', invoiceId)
    .execute()
  await db
    .insertInto('upos')
    .values({
      invoice_id: invoiceId,
      tenant_id: invoice.tenant_id,
      ksef_number: ksefNumber,
      xml: Buffer.from('<UPO/>'),
    })
    .execute()
  return ksefNumber
}
