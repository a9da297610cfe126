/**
 * Symmetric encryption of invoices, batch parts and export packages: AES-256-CBC with PKCS#7 padding, one random
 * key and IV per session. The ciphertext carries no IV prefix: the IV travels in `initializationVector`
 * (FACTS.md §2; both official SDKs send the plain cipher output).
 *
 * @module
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** A session's symmetric key and IV. Secret: never log it. */
export interface SessionKey {
  /** 32 bytes. */
  readonly key: Buffer
  /** 16 bytes. */
  readonly iv: Buffer
}

/**
 * A fresh random key and IV.
 *
 * @example
 * ```ts
 * const sessionKey = createSessionKey()
 * ```
 */
export function createSessionKey(): SessionKey {
  return { key: randomBytes(32), iv: randomBytes(16) }
}

/**
 * Encrypts bytes (AES-256-CBC, PKCS#7), without an IV prefix.
 *
 * @example
 * ```ts
 * const ciphertext = aesEncrypt(sessionKey, invoiceBytes)
 * ```
 */
export function aesEncrypt(sessionKey: SessionKey, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-cbc', sessionKey.key, sessionKey.iv)
  return Buffer.concat([cipher.update(plaintext), cipher.final()])
}

/**
 * Decrypts bytes encrypted by {@link aesEncrypt} (or by KSeF for an export).
 *
 * @example
 * ```ts
 * const plaintext = aesDecrypt(sessionKey, ciphertext)
 * ```
 */
export function aesDecrypt(sessionKey: SessionKey, ciphertext: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-cbc', sessionKey.key, sessionKey.iv)
  return Buffer.concat([decipher.update(ciphertext), decipher.final()])
}

/**
 * A streaming encryptor for one batch part: feed chunks, then finish.
 *
 * @example
 * ```ts
 * const part = aesEncryptor(sessionKey)
 * const out = [part.update(chunk), part.final()]
 * ```
 */
export function aesEncryptor(sessionKey: SessionKey): { update(chunk: Uint8Array): Buffer; final(): Buffer } {
  const cipher = createCipheriv('aes-256-cbc', sessionKey.key, sessionKey.iv)
  return { update: (chunk) => cipher.update(chunk), final: () => cipher.final() }
}
