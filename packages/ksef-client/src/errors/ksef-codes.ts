/**
 * What KSeF's numeric codes mean for a caller: exception codes of HTTP 400 answers and the status codes of
 * authentication operations, sessions and invoices (FACTS.md §3, §4, §6 and the OpenAPI descriptions).
 *
 * @module
 */
import type { KsefErrorClass } from './ksef-error.ts'

/**
 * The class of a 400 answer by its KSeF exception code. Codes not listed are `permanent`: KSeF refused the input.
 *
 * Why these: 21111 (challenge expired), 21155 (session full), 21173/21180 (session gone or closed), 21165 (invoice
 * not downloadable yet), 21182 (too many exports), 21470 (public key rotated) are cured by doing the call again,
 * possibly with a new session or key; 21301/21304/21308 mean the refresh token is gone: log in again; 21115/21117/
 * 21217/21001/9101 and 21181 describe a credential or context that does not fit.
 */
const EXCEPTION_CODE_CLASSES: Readonly<Record<number, KsefErrorClass>> = {
  21111: 'transient',
  21155: 'transient',
  21165: 'transient',
  21173: 'transient',
  21180: 'transient',
  21182: 'transient',
  21208: 'transient',
  21470: 'transient',
  21301: 'auth',
  21304: 'auth',
  21308: 'auth',
  21001: 'configuration',
  21115: 'configuration',
  21117: 'configuration',
  21181: 'configuration',
  21217: 'configuration',
  9101: 'configuration',
  9105: 'configuration',
}

/**
 * Classifies a KSeF exception code from a 400 answer.
 *
 * @example
 * ```ts
 * classifyExceptionCode(21405) // 'permanent'
 * classifyExceptionCode(21470) // 'transient' (refetch the public keys and retry)
 * ```
 */
export function classifyExceptionCode(code: number | undefined): KsefErrorClass {
  if (code === undefined) return 'permanent'
  return EXCEPTION_CODE_CLASSES[code] ?? 'permanent'
}

/** Where an invoice is in KSeF's processing. */
export type InvoiceStatusKind = 'pending' | 'accepted' | KsefErrorClass

/**
 * Classifies an invoice status code (`GET /sessions/{ref}/invoices/{invoiceRef}`).
 *
 * 100/150 pending; 200 accepted (has a KSeF number); 440 duplicate; 405 (cancelled because of a session error),
 * 500 and 550 (cancelled by the system) can be sent again; everything else (410, 415, 430, 435, 450 ...) is a
 * rejection of this invoice.
 *
 * @example
 * ```ts
 * classifyInvoiceStatus(450) // 'permanent'
 * classifyInvoiceStatus(440) // 'duplicate'
 * ```
 */
export function classifyInvoiceStatus(code: number): InvoiceStatusKind {
  if (code === 100 || code === 150) return 'pending'
  if (code === 200) return 'accepted'
  if (code === 440) return 'duplicate'
  if (code === 405 || code === 500 || code === 550) return 'transient'
  return 'permanent'
}

/** Where an authentication operation is. */
export type AuthStatusKind = 'pending' | 'succeeded' | KsefErrorClass

/**
 * Classifies the status of an authentication operation (`GET /auth/{ref}`).
 *
 * 415 (no permission in the context), 425 (token revoked), 450 (bad or inactive token, which is also what a token
 * of another environment gives), 460 (certificate), 470, 480 need a human: `configuration`; 500 and 550 are worth
 * another login: `transient`.
 *
 * @example
 * ```ts
 * classifyAuthStatus(100) // 'pending'
 * classifyAuthStatus(415) // 'configuration'
 * ```
 */
export function classifyAuthStatus(code: number): AuthStatusKind {
  if (code === 100) return 'pending'
  if (code === 200) return 'succeeded'
  if (code === 500 || code === 550) return 'transient'
  return 'configuration'
}

/** Which kind of session a status belongs to. */
export type SessionKind = 'online' | 'batch'

/** Where a session is. */
export type SessionStatusKind = 'open' | 'processing' | 'processed' | KsefErrorClass

/**
 * Classifies a session status code (`GET /sessions/{ref}`).
 *
 * Online: 100 open, 170 closed (UPO being generated), 200 processed. Batch: 100 opened, 150 processing, 200
 * processed. Failures: 415/435 key or part decryption (our encryption, or a rotated key: open a new session:
 * `transient`), 440 cancelled (upload window passed or no invoices: `transient`), 500 `transient`; 405, 420, 430,
 * 445 are `permanent` for the package as sent.
 *
 * @example
 * ```ts
 * classifySessionStatus('batch', 150) // 'processing'
 * ```
 */
export function classifySessionStatus(kind: SessionKind, code: number): SessionStatusKind {
  if (code === 100) return 'open'
  if (code === 150 || (kind === 'online' && code === 170)) return 'processing'
  if (code === 200) return 'processed'
  if (code === 415 || code === 435 || code === 440 || code === 500) return 'transient'
  return 'permanent'
}
