/**
 * Hashes over the exact bytes of an invoice, as KSeF computes them.
 *
 * @module
 */
import { createHash } from 'node:crypto'

/**
 * SHA-256 of the bytes, Base64 (44 characters): KSeF's `invoiceHash` when given the invoice XML bytes.
 *
 * @example
 * ```ts
 * const invoiceHash = sha256Base64(bytes)
 * ```
 */
export function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64')
}

/**
 * SHA-256 of the bytes, Base64url without padding (43 characters), as used in QR code links.
 *
 * @example
 * ```ts
 * sha256Base64Url(bytes)
 * ```
 */
export function sha256Base64Url(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url')
}
