/**
 * The Ministry's public keys: one for encrypting KSeF tokens, one for encrypting session keys
 * (`GET /security/public-key-certificates`). Cached; fetched again when stale, when the chosen certificate
 * expires, or when KSeF answers 21470 (unknown or withdrawn `publicKeyId`, i.e. a key rotation).
 *
 * @module
 */
import { constants, type KeyObject, publicEncrypt, X509Certificate } from 'node:crypto'
import { KsefConfigurationError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { OPERATIONS } from '../http/operations.ts'

/** What a key is for. */
export type PublicKeyUsage = 'KsefTokenEncryption' | 'SymmetricKeyEncryption'

/** One certificate as the API lists it. */
export interface PublicKeyCertificate {
  readonly certificate: string
  readonly certificateId?: string
  readonly publicKeyId?: string
  readonly validFrom: string
  readonly validTo: string
  readonly usage: readonly PublicKeyUsage[]
}

/** A key chosen for a use. */
export interface MfPublicKey {
  readonly key: KeyObject
  readonly publicKeyId: string | undefined
  readonly validTo: number
}

/**
 * Picks the key for a use: currently valid, and of several the one valid from the latest date.
 *
 * @example
 * ```ts
 * const chosen = choosePublicKey(certificates, 'SymmetricKeyEncryption', Date.now())
 * ```
 */
export function choosePublicKey(
  certificates: readonly PublicKeyCertificate[],
  usage: PublicKeyUsage,
  now: number,
): MfPublicKey | undefined {
  const valid = certificates
    .filter((cert) => cert.usage.includes(usage))
    .filter((cert) => Date.parse(cert.validFrom) <= now && now < Date.parse(cert.validTo))
    .sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom))
  const chosen = valid[0]
  if (!chosen) return undefined
  const certificate = new X509Certificate(Buffer.from(chosen.certificate, 'base64'))
  return { key: certificate.publicKey, publicKeyId: chosen.publicKeyId, validTo: Date.parse(chosen.validTo) }
}

/**
 * RSAES-OAEP with SHA-256 and MGF1-SHA-256, as KSeF requires for tokens and session keys.
 *
 * @example
 * ```ts
 * const encryptedSymmetricKey = rsaOaepEncrypt(mfKey.key, sessionKey.key).toString('base64')
 * ```
 */
export function rsaOaepEncrypt(key: KeyObject, plaintext: Uint8Array): Buffer {
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, plaintext)
}

/**
 * The cache of the Ministry's keys for one environment.
 *
 * @example
 * ```ts
 * const keys = new PublicKeyCache(http, { maxAgeMs: 3_600_000 })
 * const { key, publicKeyId } = await keys.get('KsefTokenEncryption')
 * ```
 */
export class PublicKeyCache {
  readonly #http: KsefHttp
  readonly #maxAgeMs: number
  #certificates: readonly PublicKeyCertificate[] | undefined
  #fetchedAt = 0
  #inFlight: Promise<readonly PublicKeyCertificate[]> | undefined

  constructor(http: KsefHttp, options: { maxAgeMs?: number } = {}) {
    this.#http = http
    this.#maxAgeMs = options.maxAgeMs ?? 3_600_000
    this.#certificates = undefined
    this.#inFlight = undefined
  }

  /** The key for a use, fetching the list when needed. */
  async get(usage: PublicKeyUsage, options: CallOptions = {}): Promise<MfPublicKey> {
    const now = Date.now()
    if (!this.#certificates || now - this.#fetchedAt > this.#maxAgeMs) await this.#refresh(options)
    let chosen = choosePublicKey(this.#certificates ?? [], usage, now)
    if (!chosen) {
      await this.#refresh(options)
      chosen = choosePublicKey(this.#certificates ?? [], usage, now)
    }
    if (!chosen) {
      throw new KsefConfigurationError({
        code: 'NO_PUBLIC_KEY',
        operation: 'publicKeys',
        message: `KSeF lists no valid public key for ${usage}: wrong environment?`,
      })
    }
    return chosen
  }

  /** Forgets the list (after 21470), so the next {@link get} fetches it again. */
  invalidate(): void {
    this.#certificates = undefined
  }

  async #refresh(options: CallOptions): Promise<void> {
    this.#inFlight ??= (async () => {
      const response = await this.#http.call(OPERATIONS.publicKeys, options)
      return this.#http.json<PublicKeyCertificate[]>(response, OPERATIONS.publicKeys)
    })()
    try {
      this.#certificates = await this.#inFlight
      this.#fetchedAt = Date.now()
      this.#http.logger.info({ count: this.#certificates.length }, 'MF public keys fetched')
    } finally {
      this.#inFlight = undefined
    }
  }
}
