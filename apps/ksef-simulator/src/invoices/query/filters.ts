/**
 * `InvoiceQueryFilters`: which accepted invoices a context sees for a filter set, in date order. Shared by
 * `POST /invoices/query/metadata` and exports.
 *
 * @module
 */
import type { AccessClaims } from '../../auth/jwt.ts'
import { contextNip } from '../../auth/permissions.ts'
import type { Simulator } from '../../context.ts'
import { parseKsefDateTime, warsawDay } from '../../core/warsaw.ts'
import { ApiError } from '../../errors/index.ts'
import { type InvoiceRecord, InvoiceStore } from '../../store/invoice-store.ts'

/** The filter set (as the request schema validated it). */
export interface InvoiceQueryFilters {
  subjectType: 'Subject1' | 'Subject2' | 'Subject3' | 'SubjectAuthorized'
  dateRange: {
    dateType: 'Issue' | 'Invoicing' | 'PermanentStorage'
    from: string
    to?: string | null
    restrictToPermanentStorageHwmDate?: boolean | null
  }
  ksefNumber?: string | null
  invoiceNumber?: string | null
  amount?: { type: 'Brutto' | 'Netto' | 'Vat'; from?: number | null; to?: number | null } | null
  sellerNip?: string | null
  buyerIdentifier?: { type: 'Nip' | 'VatUe' | 'Other' | 'None'; value?: string | null } | null
  currencyCodes?: string[] | null
  invoicingMode?: 'Online' | 'Offline' | null
  isSelfInvoicing?: boolean | null
  formType?: 'FA' | 'PEF' | 'FA_RR' | null
  invoiceTypes?: string[] | null
  hasAttachment?: boolean | null
}

/** The matching invoices, sorted, with the high-water mark used. */
export interface QueryResult {
  records: InvoiceRecord[]
  permanentStorageHwmDate: string
}

const PARTY = { Subject1: 'seller', Subject2: 'buyer', Subject3: 'third', SubjectAuthorized: 'authorized' } as const
const MAX_RANGE_MS = 92 * 24 * 3600_000

type Metadata = {
  grossAmount: number
  netAmount: number
  vatAmount: number
  currency: string
  invoicingMode: string
  isSelfInvoicing: boolean
  invoiceType: string
  hasAttachment: boolean
  buyer: { identifier: { type: string; value?: string } }
}

/**
 * The date of a record that a date type sorts and filters by.
 *
 * @example
 * ```ts
 * recordDate(record, 'PermanentStorage') // '2026-01-15T10:00:00.000Z'
 * ```
 */
export function recordDate(record: InvoiceRecord, dateType: InvoiceQueryFilters['dateRange']['dateType']): string {
  if (dateType === 'Issue') return record.issueDate ?? ''
  if (dateType === 'Invoicing') return record.invoicingDate
  return record.permanentStorageDate ?? ''
}

/**
 * Runs a filter set for the caller's context.
 *
 * @throws {@link ApiError} 21405 for a bad date range, 21183 when `from` is past the high-water mark.
 * @example
 * ```ts
 * const { records } = queryInvoices(sim, c.var.access, body, 'Asc')
 * ```
 */
export function queryInvoices(
  sim: Simulator,
  access: AccessClaims,
  filters: InvoiceQueryFilters,
  order: 'Asc' | 'Desc',
): QueryResult {
  const hwm = sim.clock.now()
  const from = parseKsefDateTime(filters.dateRange.from)
  let to = filters.dateRange.to ? parseKsefDateTime(filters.dateRange.to) : hwm
  if (!from || !to) throw ApiError.badRequest(21405, 'dateRange: nieprawidłowa data.')
  if (to < from) throw ApiError.badRequest(21405, 'dateRange: data "to" jest wcześniejsza niż "from".')
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw ApiError.badRequest(21405, 'dateRange: zakres nie może przekraczać 3 miesięcy.')
  if (filters.dateRange.restrictToPermanentStorageHwmDate) {
    if (from > hwm) {
      throw ApiError.badRequest(
        21183,
        'Parametr dateRange.from jest późniejszy niż PermanentStorageHwmDate przy włączonym restrictToPermanentStorageHwmDate.',
      )
    }
    if (to > hwm) to = hwm
  }
  const nip = contextNip(access.ctx)
  const dateType = filters.dateRange.dateType
  const lower = dateType === 'Issue' ? warsawDay(from) : from.toISOString()
  const upper = dateType === 'Issue' ? warsawDay(to) : to.toISOString()
  const records = (nip ? new InvoiceStore(sim.db).acceptedFor(PARTY[filters.subjectType], nip) : []).filter(
    (record) => {
      const date = recordDate(record, dateType)
      if (date < lower || date > upper) return false
      const m = record.metadata as Metadata | undefined
      if (!m) return false
      if (filters.ksefNumber && record.ksefNumber !== filters.ksefNumber) return false
      if (filters.invoiceNumber && record.invoiceNumber !== filters.invoiceNumber) return false
      if (filters.sellerNip && record.sellerNip !== filters.sellerNip) return false
      if (filters.amount) {
        const value = { Brutto: m.grossAmount, Netto: m.netAmount, Vat: m.vatAmount }[filters.amount.type]
        if (filters.amount.from != null && value < filters.amount.from) return false
        if (filters.amount.to != null && value > filters.amount.to) return false
      }
      if (filters.buyerIdentifier) {
        const id = m.buyer.identifier
        if (id.type !== filters.buyerIdentifier.type) return false
        if (filters.buyerIdentifier.value && id.value !== filters.buyerIdentifier.value) return false
      }
      if (filters.currencyCodes?.length && !filters.currencyCodes.includes(m.currency)) return false
      if (filters.invoicingMode && m.invoicingMode !== filters.invoicingMode) return false
      if (filters.isSelfInvoicing != null && m.isSelfInvoicing !== filters.isSelfInvoicing) return false
      if (filters.formType && filters.formType !== 'FA') return false
      if (filters.invoiceTypes?.length && !filters.invoiceTypes.includes(m.invoiceType)) return false
      if (filters.hasAttachment != null && m.hasAttachment !== filters.hasAttachment) return false
      return true
    },
  )
  const sign = order === 'Desc' ? -1 : 1
  records.sort(
    (a, b) =>
      sign *
      (recordDate(a, dateType).localeCompare(recordDate(b, dateType)) ||
        (a.ksefNumber ?? '').localeCompare(b.ksefNumber ?? '')),
  )
  return { records, permanentStorageHwmDate: hwm.toISOString() }
}
