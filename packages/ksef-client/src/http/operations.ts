/**
 * The KSeF operations the client calls: method, path template, rate-limit group, whether repeating the call is
 * harmless, and which token it carries.
 *
 * @module
 */
import type { RateLimitGroup } from '../rate-limit/table.ts'

/** Which credential goes into `Authorization`. */
export type OperationAuth = 'none' | 'access' | 'explicit'

/** One operation of the API. */
export interface Operation {
  readonly name: string
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Path template relative to the API base, e.g. `/sessions/{referenceNumber}`. */
  readonly path: string
  readonly group: RateLimitGroup
  /** True when doing the call twice has the effect of doing it once (reads; not sends, opens, closes). */
  readonly idempotent: boolean
  readonly auth: OperationAuth
}

function op(
  name: string,
  method: Operation['method'],
  path: string,
  group: RateLimitGroup,
  idempotent: boolean,
  auth: OperationAuth = 'access',
): Operation {
  return { name, method, path, group, idempotent, auth }
}

/**
 * Every operation, by client name.
 *
 * @example
 * ```ts
 * await http.call(OPERATIONS.sessionStatus, { pathParams: { referenceNumber } })
 * ```
 */
export const OPERATIONS = {
  publicKeys: op('publicKeys', 'GET', '/security/public-key-certificates', 'public', true, 'none'),
  authChallenge: op('authChallenge', 'POST', '/auth/challenge', 'public', false, 'none'),
  authKsefToken: op('authKsefToken', 'POST', '/auth/ksef-token', 'public', false, 'none'),
  authXades: op('authXades', 'POST', '/auth/xades-signature', 'public', false, 'none'),
  authStatus: op('authStatus', 'GET', '/auth/{referenceNumber}', 'public', true, 'explicit'),
  authRedeem: op('authRedeem', 'POST', '/auth/token/redeem', 'public', false, 'explicit'),
  authRefresh: op('authRefresh', 'POST', '/auth/token/refresh', 'public', false, 'explicit'),
  authSessionsRevokeCurrent: op('authSessionsRevokeCurrent', 'DELETE', '/auth/sessions/current', 'other', true),
  openOnlineSession: op('openOnlineSession', 'POST', '/sessions/online', 'onlineSession', false),
  sendInvoice: op('sendInvoice', 'POST', '/sessions/online/{referenceNumber}/invoices', 'invoiceSend', false),
  closeOnlineSession: op(
    'closeOnlineSession',
    'POST',
    '/sessions/online/{referenceNumber}/close',
    'onlineSession',
    false,
  ),
  openBatchSession: op('openBatchSession', 'POST', '/sessions/batch', 'batchSession', false),
  closeBatchSession: op('closeBatchSession', 'POST', '/sessions/batch/{referenceNumber}/close', 'batchSession', false),
  listSessions: op('listSessions', 'GET', '/sessions', 'sessionList', true),
  sessionStatus: op('sessionStatus', 'GET', '/sessions/{referenceNumber}', 'sessionMisc', true),
  sessionInvoices: op('sessionInvoices', 'GET', '/sessions/{referenceNumber}/invoices', 'sessionInvoiceList', true),
  sessionFailedInvoices: op(
    'sessionFailedInvoices',
    'GET',
    '/sessions/{referenceNumber}/invoices/failed',
    'sessionInvoiceList',
    true,
  ),
  invoiceStatus: op(
    'invoiceStatus',
    'GET',
    '/sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}',
    'invoiceStatus',
    true,
  ),
  invoiceUpo: op(
    'invoiceUpo',
    'GET',
    '/sessions/{referenceNumber}/invoices/{invoiceReferenceNumber}/upo',
    'sessionMisc',
    true,
  ),
  invoiceUpoByKsefNumber: op(
    'invoiceUpoByKsefNumber',
    'GET',
    '/sessions/{referenceNumber}/invoices/ksef/{ksefNumber}/upo',
    'sessionMisc',
    true,
  ),
  sessionUpo: op('sessionUpo', 'GET', '/sessions/{referenceNumber}/upo/{upoReferenceNumber}', 'sessionMisc', true),
  downloadInvoice: op('downloadInvoice', 'GET', '/invoices/ksef/{ksefNumber}', 'invoiceDownload', true),
  queryMetadata: op('queryMetadata', 'POST', '/invoices/query/metadata', 'invoiceMetadata', true),
  startExport: op('startExport', 'POST', '/invoices/exports', 'invoiceExport', false),
  exportStatus: op('exportStatus', 'GET', '/invoices/exports/{referenceNumber}', 'invoiceExportStatus', true),
  rateLimits: op('rateLimits', 'GET', '/rate-limits', 'other', true),
  contextLimits: op('contextLimits', 'GET', '/limits/context', 'other', true),
} as const satisfies Record<string, Operation>
