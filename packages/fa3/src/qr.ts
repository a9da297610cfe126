/**
 * QR code I (KOD I): the verification link printed on every visualised invoice, online or offline.
 *
 * @module
 */
import { sha256Base64Url } from './hash.ts'

/** KSeF environments. */
export type KsefEnvironment = 'test' | 'demo' | 'prod'

/** The host of the QR verification service per environment. */
export const QR_HOSTS: Readonly<Record<KsefEnvironment, string>> = {
  test: 'https://qr-test.ksef.mf.gov.pl',
  demo: 'https://qr-demo.ksef.mf.gov.pl',
  prod: 'https://qr.ksef.mf.gov.pl',
}

/**
 * The KOD I link: `{host}/invoice/{sellerNIP}/{P_1 as DD-MM-YYYY}/{base64url(SHA-256(invoice XML))}`.
 *
 * @param issueDate P_1, `YYYY-MM-DD`
 * @param invoiceBytes the exact XML bytes sent to KSeF
 * @example
 * ```ts
 * invoiceQrLink('test', '5265877635', '2026-02-15', bytes)
 * // 'https://qr-test.ksef.mf.gov.pl/invoice/5265877635/15-02-2026/...'
 * ```
 */
export function invoiceQrLink(
  environment: KsefEnvironment,
  sellerNip: string,
  issueDate: string,
  invoiceBytes: Uint8Array,
): string {
  return invoiceQrLinkForHash(environment, sellerNip, issueDate, sha256Base64Url(invoiceBytes))
}

/**
 * The KOD I link from an invoice hash already known (KSeF's `invoiceHash`), in Base64 or Base64url.
 *
 * @example
 * ```ts
 * invoiceQrLinkForHash('test', '1111111111', '2026-02-01', 'UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE')
 * // 'https://qr-test.ksef.mf.gov.pl/invoice/1111111111/01-02-2026/UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE'
 * ```
 */
export function invoiceQrLinkForHash(
  environment: KsefEnvironment,
  sellerNip: string,
  issueDate: string,
  invoiceHash: string,
): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(issueDate)
  if (!match) throw new TypeError(`issueDate must be YYYY-MM-DD, not ${issueDate}`)
  if (!/^\d{10}$/.test(sellerNip)) throw new TypeError(`sellerNip must be 10 digits, not ${sellerNip}`)
  const hash = invoiceHash.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  if (!/^[A-Za-z0-9_-]{43}$/.test(hash)) throw new TypeError('invoiceHash must be a SHA-256 in Base64 or Base64url')
  return `${QR_HOSTS[environment]}/invoice/${sellerNip}/${match[3]}-${match[2]}-${match[1]}/${hash}`
}

/**
 * The label printed under KOD I: the KSeF number once known, `OFFLINE` before.
 *
 * @example
 * ```ts
 * qrLabel(undefined) // 'OFFLINE'
 * ```
 */
export function qrLabel(ksefNumber: string | undefined): string {
  return ksefNumber ?? 'OFFLINE'
}
