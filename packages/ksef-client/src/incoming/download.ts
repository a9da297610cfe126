/**
 * Downloading one invoice by KSeF number: the exact XML bytes, checked against `x-ms-meta-hash`.
 *
 * @module
 */
import { sha256Base64 } from '@ksef-hub/fa3'
import { KsefTransientError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { OPERATIONS } from '../http/operations.ts'

/** An invoice as stored in KSeF. */
export interface DownloadedInvoice {
  readonly ksefNumber: string
  /** The exact bytes: the invoice hash and KOD I are computed over these. */
  readonly bytes: Uint8Array
  readonly sha256: string
}

/**
 * `GET /invoices/ksef/{ksefNumber}`. 21165 (processed, not downloadable yet) is transient.
 *
 * @example
 * ```ts
 * const invoice = await downloadInvoice(http, '5265877635-20250916-0200A0D6723E-C2')
 * const model = parseInvoiceXml(invoice.bytes)
 * ```
 */
export async function downloadInvoice(
  http: KsefHttp,
  ksefNumber: string,
  options: CallOptions = {},
): Promise<DownloadedInvoice> {
  const response = await http.call(OPERATIONS.downloadInvoice, {
    ...options,
    accept: 'application/xml',
    pathParams: { ksefNumber },
  })
  const sha256 = sha256Base64(response.body)
  const declared = response.headers['x-ms-meta-hash']
  if (declared && declared.trim() !== sha256) {
    throw new KsefTransientError({
      code: 'HASH_MISMATCH',
      operation: 'downloadInvoice',
      message: `invoice ${ksefNumber}: body SHA-256 differs from x-ms-meta-hash: download again`,
    })
  }
  return { ksefNumber, bytes: new Uint8Array(response.body), sha256 }
}
