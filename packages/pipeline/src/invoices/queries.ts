/**
 * Reading invoices as tenants and accountants see them. Every query takes the tenant id: an invoice of another
 * tenant is indistinguishable from one that does not exist.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely'
import type { Database, Invoice } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'
import { ACCOUNTANT_LABELS, type AccountantStatus, accountantStatus, type InvoiceState } from './states.ts'

type Db = Kysely<Database> | Transaction<Database>

/** One entry of an invoice's history. */
export interface HistoryEntry {
  readonly at: Date
  readonly kind: string
  readonly from: string | null
  readonly to: string | null
  readonly actor: string
  readonly details: Record<string, unknown>
}

/** An invoice as the API shows it. */
export interface InvoiceView {
  readonly id: string
  readonly tenantId: string
  readonly source: string
  readonly sourceRef: string
  readonly number: string
  readonly type: string
  readonly issueDate: string
  readonly sellerNip: string
  readonly grossAmount: string
  readonly currency: string
  /** In accountants' words. */
  readonly status: AccountantStatus
  readonly statusLabel: { readonly pl: string; readonly en: string }
  /** The technical state. */
  readonly state: InvoiceState
  readonly offline: boolean
  readonly ksefNumber: string | null
  readonly ksefSessionReference: string | null
  readonly ksefInvoiceReference: string | null
  readonly acquisitionDate: Date | null
  readonly upo: 'stored' | 'pending' | 'none'
  readonly rejection: {
    readonly code: number | null
    readonly reason: { readonly pl: string; readonly en: string }
    readonly details: unknown
  } | null
  readonly warnings: unknown[]
  /**
   * KSeF's answer handed back to the system the invoice came from: `none` (from the API, or a connection that writes
   * nothing back), `pending`, `done`, `parked` (the connection waits for re-authorization), `failed` with the reason.
   */
  readonly writeBack: {
    readonly state: 'pending' | 'done' | 'failed' | 'none' | 'parked'
    readonly error: string | null
  }
  readonly createdAt: Date
  readonly updatedAt: Date
}

function upoOf(state: InvoiceState): InvoiceView['upo'] {
  if (state === 'confirmed') return 'stored'
  return state === 'accepted' ? 'pending' : 'none'
}

/**
 * The API view of an invoice row.
 *
 * @example
 * ```ts
 * const view = toInvoiceView(row)
 * ```
 */
export function toInvoiceView(row: Omit<Invoice, 'xml' | 'model'>): InvoiceView {
  const state = row.state as InvoiceState
  const status = accountantStatus(state)
  return {
    id: row.id,
    tenantId: row.tenant_id,
    source: row.source,
    sourceRef: row.source_ref,
    number: row.invoice_number,
    type: row.invoice_type,
    issueDate:
      typeof row.issue_date === 'string' ? row.issue_date : new Date(row.issue_date).toISOString().slice(0, 10),
    sellerNip: row.seller_nip,
    grossAmount: String(row.gross_amount),
    currency: row.currency,
    status,
    statusLabel: ACCOUNTANT_LABELS[status],
    state,
    offline: row.offline,
    ksefNumber: row.ksef_number,
    ksefSessionReference: row.ksef_session_ref,
    ksefInvoiceReference: row.ksef_invoice_ref,
    acquisitionDate: row.acquisition_date,
    upo: upoOf(state),
    rejection:
      state === 'rejected' || row.rejection_code !== null
        ? {
            code: row.rejection_code,
            reason: { pl: row.rejection_reason_pl ?? '', en: row.rejection_reason_en ?? '' },
            details: row.rejection_details,
          }
        : null,
    warnings: row.warnings ?? [],
    writeBack: { state: row.writeback_state, error: row.writeback_error },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

const VIEW_COLUMNS = [
  'id',
  'tenant_id',
  'source',
  'source_ref',
  'idempotency_key',
  'content_hash',
  'duplicate_key',
  'seller_nip',
  'invoice_type',
  'invoice_number',
  'issue_date',
  'gross_amount',
  'currency',
  'invoice_hash',
  'invoice_size',
  'state',
  'offline',
  'ksef_number',
  'ksef_session_ref',
  'ksef_invoice_ref',
  'session_kind',
  'acquisition_date',
  'permanent_storage_date',
  'upo_download_url',
  'rejection_code',
  'rejection_reason_en',
  'rejection_reason_pl',
  'rejection_details',
  'warnings',
  'send_attempts',
  'version',
  'writeback_state',
  'writeback_error',
  'stuck_alerted_at',
  'created_at',
  'updated_at',
  'sent_at',
  'accepted_at',
  'confirmed_at',
] as const

/**
 * One invoice of a tenant.
 *
 * @throws {@link PipelineError} `NOT_FOUND` when it does not exist or belongs to another tenant
 * @example
 * ```ts
 * const invoice = await getInvoice(db, 'acme', id)
 * ```
 */
export async function getInvoice(db: Db, tenantId: string, id: string): Promise<InvoiceView> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw new PipelineError('NOT_FOUND', `invoice ${id} does not exist`)
  }
  const row = await db
    .selectFrom('invoices')
    .select(VIEW_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) throw new PipelineError('NOT_FOUND', `invoice ${id} does not exist`)
  return toInvoiceView(row)
}

/**
 * The history of an invoice: state changes and KSeF exchanges, oldest first.
 *
 * @example
 * ```ts
 * const history = await invoiceHistory(db, 'acme', id)
 * ```
 */
export async function invoiceHistory(db: Db, tenantId: string, id: string): Promise<HistoryEntry[]> {
  await getInvoice(db, tenantId, id)
  const rows = await db
    .selectFrom('audit_log')
    .select(['at', 'kind', 'from_state', 'to_state', 'actor', 'details'])
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', id)
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    at: row.at,
    kind: row.kind,
    from: row.from_state,
    to: row.to_state,
    actor: row.actor,
    details: row.details,
  }))
}

/** Filters and paging of {@link listInvoices}. */
export interface InvoiceListQuery {
  readonly status?: AccountantStatus
  readonly state?: InvoiceState
  readonly number?: string
  readonly ksefNumber?: string
  /** Created at or after. */
  readonly from?: Date
  /** Created before. */
  readonly to?: Date
  /** Page size, 1..500 (default 50). */
  readonly limit?: number
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string
}

const STATES_BY_STATUS: Readonly<Record<AccountantStatus, readonly InvoiceState[]>> = {
  sent: ['received', 'queued', 'sending', 'offline', 'dead'],
  awaiting_confirmation: ['sent', 'ambiguous'],
  confirmed: ['accepted', 'confirmed'],
  rejected: ['rejected'],
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]
    const date = new Date(createdAt)
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') throw new Error('bad cursor')
    return { createdAt: date, id }
  } catch {
    throw new PipelineError('NOT_FOUND', 'the cursor is not one this API issued')
  }
}

/**
 * A page of a tenant's invoices, newest first, with the cursor of the next page (stable under inserts).
 *
 * @example
 * ```ts
 * const page = await listInvoices(db, 'acme', { status: 'rejected', limit: 100 })
 * ```
 */
export async function listInvoices(
  db: Db,
  tenantId: string,
  query: InvoiceListQuery = {},
): Promise<{ invoices: InvoiceView[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500)
  let select = db.selectFrom('invoices').select(VIEW_COLUMNS).where('tenant_id', '=', tenantId)
  if (query.status) select = select.where('state', 'in', STATES_BY_STATUS[query.status])
  if (query.state) select = select.where('state', '=', query.state)
  if (query.number) select = select.where('invoice_number', '=', query.number)
  if (query.ksefNumber) select = select.where('ksef_number', '=', query.ksefNumber)
  if (query.from) select = select.where('created_at', '>=', query.from)
  if (query.to) select = select.where('created_at', '<', query.to)
  if (query.cursor) {
    const { createdAt, id } = decodeCursor(query.cursor)
    select = select.where((eb) =>
      eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]),
    )
  }
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString('base64url')
      : null
  return { invoices: page.map(toInvoiceView), nextCursor }
}

/**
 * The exact XML bytes of an invoice (what was or will be sent), or `null` while the worker has not built them.
 *
 * @example
 * ```ts
 * const xml = await invoiceXml(db, 'acme', id)
 * ```
 */
export async function invoiceXml(db: Db, tenantId: string, id: string): Promise<Uint8Array | null> {
  await getInvoice(db, tenantId, id)
  const row = await db.selectFrom('invoices').select('xml').where('id', '=', id).executeTakeFirstOrThrow()
  return row.xml ? new Uint8Array(row.xml) : null
}

/**
 * The stored UPO of an invoice, exactly as KSeF issued it, or `null` when there is none yet.
 *
 * @example
 * ```ts
 * const upo = await invoiceUpo(db, 'acme', id)
 * ```
 */
export async function invoiceUpo(db: Db, tenantId: string, id: string): Promise<Uint8Array | null> {
  await getInvoice(db, tenantId, id)
  const row = await db
    .selectFrom('upos')
    .select('xml')
    .where('invoice_id', '=', id)
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
  return row ? new Uint8Array(row.xml) : null
}
