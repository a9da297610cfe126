/**
 * Reading a tenant's incoming (purchase) invoices, as pulled from KSeF by the worker. Every query takes the
 * tenant id: another tenant's invoice is indistinguishable from one that does not exist.
 *
 * @module
 */
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'
import { PipelineError } from '../errors.ts'

type Db = Kysely<Database> | Transaction<Database>

/** An incoming invoice as the API shows it. */
export interface IncomingInvoiceView {
  readonly id: string
  readonly ksefNumber: string
  readonly sellerNip: string
  readonly sellerName: string | null
  readonly number: string
  readonly type: string
  readonly issueDate: string
  readonly currency: string
  readonly netAmount: string | null
  readonly vatAmount: string | null
  readonly grossAmount: string | null
  readonly acquisitionDate: Date | null
  readonly receivedAt: Date
  /** Whether the XML (and its parsed model) has been downloaded. */
  readonly hasXml: boolean
}

/** Filters and paging of {@link listIncomingInvoices}. */
export interface IncomingListQuery {
  readonly sellerNip?: string
  /** Issue date from (inclusive), YYYY-MM-DD. */
  readonly issuedFrom?: string
  /** Issue date to (inclusive), YYYY-MM-DD. */
  readonly issuedTo?: string
  readonly limit?: number
  readonly cursor?: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const COLUMNS = [
  'id',
  'ksef_number',
  'seller_nip',
  'seller_name',
  'invoice_number',
  'invoice_type',
  'issue_date',
  'currency',
  'net_amount',
  'vat_amount',
  'gross_amount',
  'acquisition_date',
  'received_at',
] as const

function day(value: string | Date): string {
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10)
}

function amount(value: string | null): string | null {
  return value === null ? null : String(value)
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  try {
    const [receivedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string]
    const date = new Date(receivedAt)
    if (Number.isNaN(date.getTime()) || typeof id !== 'string' || !UUID.test(id)) throw new Error('bad cursor')
    return { receivedAt: date, id }
  } catch {
    throw new PipelineError('NOT_FOUND', 'the cursor is not one this API issued')
  }
}

/**
 * A page of a tenant's incoming invoices, newest first.
 *
 * @example
 * ```ts
 * const page = await listIncomingInvoices(db, 'acme', { sellerNip: '5265877635' })
 * ```
 */
export async function listIncomingInvoices(
  db: Db,
  tenantId: string,
  query: IncomingListQuery = {},
): Promise<{ invoices: IncomingInvoiceView[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(query.limit ?? 50, 1), 500)
  let select = db
    .selectFrom('incoming_invoices')
    .select([...COLUMNS, (eb) => eb('xml', 'is not', null).as('has_xml')])
    .where('tenant_id', '=', tenantId)
  if (query.sellerNip) select = select.where('seller_nip', '=', query.sellerNip)
  if (query.issuedFrom) select = select.where('issue_date', '>=', query.issuedFrom)
  if (query.issuedTo) select = select.where('issue_date', '<=', query.issuedTo)
  if (query.cursor) {
    const { receivedAt, id } = decodeCursor(query.cursor)
    select = select.where((eb) =>
      eb.or([eb('received_at', '<', receivedAt), eb.and([eb('received_at', '=', receivedAt), eb('id', '<', id)])]),
    )
  }
  const rows = await select
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute()
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    invoices: page.map((row) => ({
      id: row.id,
      ksefNumber: row.ksef_number,
      sellerNip: row.seller_nip,
      sellerName: row.seller_name,
      number: row.invoice_number,
      type: row.invoice_type,
      issueDate: day(row.issue_date),
      currency: row.currency,
      netAmount: amount(row.net_amount),
      vatAmount: amount(row.vat_amount),
      grossAmount: amount(row.gross_amount),
      acquisitionDate: row.acquisition_date,
      receivedAt: row.received_at,
      hasXml: Boolean(row.has_xml),
    })),
    nextCursor:
      rows.length > limit && last
        ? Buffer.from(JSON.stringify([last.received_at.toISOString(), last.id])).toString('base64url')
        : null,
  }
}

async function row(db: Db, tenantId: string, id: string) {
  if (!UUID.test(id)) throw new PipelineError('NOT_FOUND', `incoming invoice ${id} does not exist`)
  const found = await db
    .selectFrom('incoming_invoices')
    .select(['xml', 'model', 'metadata'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!found) throw new PipelineError('NOT_FOUND', `incoming invoice ${id} does not exist`)
  return found
}

/**
 * The XML of an incoming invoice exactly as KSeF gave it, or `null` while not downloaded.
 *
 * @throws {@link PipelineError} `NOT_FOUND`
 * @example
 * ```ts
 * const xml = await incomingInvoiceXml(db, 'acme', id)
 * ```
 */
export async function incomingInvoiceXml(db: Db, tenantId: string, id: string): Promise<Uint8Array | null> {
  const found = await row(db, tenantId, id)
  return found.xml ? new Uint8Array(found.xml) : null
}

/**
 * The parsed model (fa3 JSON) of an incoming invoice and KSeF's metadata, or `model: null` while not downloaded.
 *
 * @throws {@link PipelineError} `NOT_FOUND`
 * @example
 * ```ts
 * const { model } = await incomingInvoiceModel(db, 'acme', id)
 * ```
 */
export async function incomingInvoiceModel(
  db: Db,
  tenantId: string,
  id: string,
): Promise<{ model: Record<string, unknown> | null; metadata: Record<string, unknown> }> {
  const found = await row(db, tenantId, id)
  return { model: found.model, metadata: found.metadata }
}
