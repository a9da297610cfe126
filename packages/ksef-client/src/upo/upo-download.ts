/**
 * Downloading UPOs: per invoice (by invoice reference or KSeF number, or from the pre-signed `upoDownloadUrl`)
 * and per session (every page). The bytes are kept exactly as received; the body's SHA-256 is checked against
 * `x-ms-meta-hash` when KSeF sends it.
 *
 * @module
 */
import { sha256Base64 } from '@ksef-hub/fa3'
import { classifySessionStatus } from '../errors/ksef-codes.ts'
import { KsefTransientError, makeKsefError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { OPERATIONS } from '../http/operations.ts'
import { type PollOptions, waitForSession } from '../sessions/polling.ts'
import type { SessionStatus } from '../sessions/status.ts'
import { type ParsedUpo, parseUpo } from './upo-parser.ts'

/** A UPO as received. */
export interface Upo {
  /** The exact bytes KSeF sent: store these, they are the legal document. */
  readonly bytes: Uint8Array
  /** Base64 SHA-256 of `bytes`. */
  readonly sha256: string
  /** The lenient parse, or undefined when the bytes could not be read as a UPO (see `parseError`). */
  readonly parsed: ParsedUpo | undefined
  readonly parseError?: string
}

function checkedUpo(body: Buffer, headers: Readonly<Record<string, string>>, what: string): Upo {
  const sha256 = sha256Base64(body)
  const declared = headers['x-ms-meta-hash']
  if (declared && declared.trim() !== sha256) {
    throw new KsefTransientError({
      code: 'HASH_MISMATCH',
      message: `${what}: body SHA-256 ${sha256} differs from x-ms-meta-hash ${declared}: download again`,
    })
  }
  const bytes = new Uint8Array(body)
  try {
    return { bytes, sha256, parsed: parseUpo(bytes) }
  } catch (error) {
    return { bytes, sha256, parsed: undefined, parseError: (error as Error).message }
  }
}

/** Which invoice's UPO. */
export type InvoiceUpoTarget = { readonly invoiceReferenceNumber: string } | { readonly ksefNumber: string }

/**
 * The UPO of one invoice (available once the invoice has status 200).
 *
 * @example
 * ```ts
 * const upo = await downloadInvoiceUpo(http, sessionRef, { invoiceReferenceNumber })
 * await writeFile('upo.xml', upo.bytes)
 * ```
 */
export async function downloadInvoiceUpo(
  http: KsefHttp,
  sessionReferenceNumber: string,
  target: InvoiceUpoTarget,
  options: CallOptions = {},
): Promise<Upo> {
  const operation = 'ksefNumber' in target ? OPERATIONS.invoiceUpoByKsefNumber : OPERATIONS.invoiceUpo
  const response = await http.call(operation, {
    ...options,
    accept: 'application/xml',
    pathParams: { referenceNumber: sessionReferenceNumber, ...target },
  })
  return checkedUpo(
    response.body,
    response.headers,
    `UPO of ${'ksefNumber' in target ? target.ksefNumber : target.invoiceReferenceNumber}`,
  )
}

/**
 * A UPO from a pre-signed URL (`upoDownloadUrl`, `upo.pages[].downloadUrl`): no token, no rate limit.
 *
 * @example
 * ```ts
 * const upo = await downloadUpoFromUrl(http, status.upoDownloadUrl)
 * ```
 */
export async function downloadUpoFromUrl(http: KsefHttp, url: string, options: CallOptions = {}): Promise<Upo> {
  const response = await http.callUrl('downloadUpo', 'GET', url, { ...options, idempotent: true })
  return checkedUpo(response.body, response.headers, 'UPO')
}

/** One page of a session UPO. */
export interface SessionUpoPage extends Upo {
  readonly referenceNumber: string
}

/**
 * Every page of a session's UPO. Waits (polling `GET /sessions/{ref}`) until the session is processed and lists
 * its UPO pages; a failed session is thrown in the error family.
 *
 * @example
 * ```ts
 * await session.close()
 * const pages = await downloadSessionUpo(http, 'online', session.referenceNumber, { maxWaitMs: 120_000 })
 * ```
 */
export async function downloadSessionUpo(
  http: KsefHttp,
  kind: 'online' | 'batch',
  sessionReferenceNumber: string,
  options: PollOptions = {},
): Promise<{ status: SessionStatus; pages: SessionUpoPage[] }> {
  const status = await waitForSession(http, kind, sessionReferenceNumber, options)
  const state = classifySessionStatus(kind, status.status.code)
  if (state !== 'processed') {
    throw makeKsefError(state === 'open' || state === 'processing' ? 'transient' : state, {
      code: String(status.status.code),
      ksefCode: status.status.code,
      operation: 'sessionStatus',
      details: status.status.details ?? [],
      message: `session ${sessionReferenceNumber}: ${status.status.code} ${status.status.description}`,
    })
  }
  const pages: SessionUpoPage[] = []
  for (const page of status.upo?.pages ?? []) {
    const response = await http.call(OPERATIONS.sessionUpo, {
      ...options,
      accept: 'application/xml',
      pathParams: { referenceNumber: sessionReferenceNumber, upoReferenceNumber: page.referenceNumber },
    })
    pages.push({
      referenceNumber: page.referenceNumber,
      ...checkedUpo(response.body, response.headers, `session UPO page ${page.referenceNumber}`),
    })
  }
  return { status, pages }
}
