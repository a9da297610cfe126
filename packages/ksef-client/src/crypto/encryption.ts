/**
 * The encrypted forms KSeF expects: the `encryption` object of a session or export, and an invoice prepared for
 * an online session (hashes and sizes of the plain and the encrypted bytes, ciphertext in Base64).
 *
 * @module
 */
import { sha256Base64 } from '@ksef-hub/fa3'
import { aesEncrypt, type SessionKey } from './aes.ts'
import { type MfPublicKey, rsaOaepEncrypt } from './public-keys.ts'

/** `EncryptionInfo` of the API. */
export interface EncryptionInfo {
  readonly encryptedSymmetricKey: string
  readonly initializationVector: string
  readonly publicKeyId?: string
}

/**
 * Wraps a session key for KSeF: the AES key encrypted with the Ministry's SymmetricKeyEncryption key, the IV in
 * clear.
 *
 * @example
 * ```ts
 * const encryption = encryptionInfo(sessionKey, await keys.get('SymmetricKeyEncryption'))
 * ```
 */
export function encryptionInfo(sessionKey: SessionKey, mfKey: MfPublicKey): EncryptionInfo {
  return {
    encryptedSymmetricKey: rsaOaepEncrypt(mfKey.key, sessionKey.key).toString('base64'),
    initializationVector: sessionKey.iv.toString('base64'),
    ...(mfKey.publicKeyId ? { publicKeyId: mfKey.publicKeyId } : {}),
  }
}

/** `SendInvoiceRequest` without the per-send flags. */
export interface PreparedInvoice {
  /** SHA-256 of the exact XML bytes, Base64: KSeF's `invoiceHash` and the UPO's `SkrotDokumentu`. */
  readonly invoiceHash: string
  readonly invoiceSize: number
  readonly encryptedInvoiceHash: string
  readonly encryptedInvoiceSize: number
  readonly encryptedInvoiceContent: string
}

/**
 * Encrypts an invoice for an online session and computes the fields KSeF checks (21402 size, 21403 hash).
 *
 * @example
 * ```ts
 * const prepared = prepareInvoice(sessionKey, invoiceBytes)
 * ```
 */
export function prepareInvoice(sessionKey: SessionKey, invoiceBytes: Uint8Array): PreparedInvoice {
  const encrypted = aesEncrypt(sessionKey, invoiceBytes)
  return {
    invoiceHash: sha256Base64(invoiceBytes),
    invoiceSize: invoiceBytes.length,
    encryptedInvoiceHash: sha256Base64(encrypted),
    encryptedInvoiceSize: encrypted.length,
    encryptedInvoiceContent: encrypted.toString('base64'),
  }
}
