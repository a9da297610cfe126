/**
 * An online (interactive) session: open with a fresh AES key wrapped for the Ministry, send encrypted invoices
 * (each returns its reference number at once; processing is asynchronous), close.
 *
 * @module
 */
import { createSessionKey, type SessionKey } from '../crypto/aes.ts'
import { encryptionInfo, prepareInvoice } from '../crypto/encryption.ts'
import type { PublicKeyCache } from '../crypto/public-keys.ts'
import { isKsefError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { OPERATIONS } from '../http/operations.ts'
import { FA3_FORM, type FormCode } from './form-code.ts'

/** Per-send flags. */
export interface SendInvoiceOptions extends CallOptions {
  /** The invoice was issued offline (offline24, outage, emergency): KSeF keeps P_1 as the issue date. */
  readonly offlineMode?: boolean
  /**
   * Technical correction: Base64 SHA-256 of the offline invoice KSeF rejected. Only with `offlineMode: true`.
   */
  readonly hashOfCorrectedInvoice?: string
}

/** What KSeF answered to a send. Keep all of it: the reference number is how the status is read later. */
export interface SentInvoice {
  /** The invoice's reference number in the session (not its KSeF number). */
  readonly referenceNumber: string
  readonly sessionReferenceNumber: string
  /** SHA-256 of the exact bytes sent (Base64); the UPO's `SkrotDokumentu` and the key for reconciliation. */
  readonly invoiceHash: string
  readonly invoiceSize: number
  readonly offlineMode: boolean
}

/** Options to open a session. */
export interface OpenSessionOptions extends CallOptions {
  readonly formCode?: FormCode
}

/**
 * An open online session. Holds the session key (secret, never logged).
 *
 * @example
 * ```ts
 * const session = await openOnlineSession(http, keys)
 * const sent = await session.sendInvoice(bytes)
 * await session.close()
 * ```
 */
export class OnlineSession {
  readonly referenceNumber: string
  readonly validUntil: Date
  readonly #http: KsefHttp
  readonly #key: SessionKey
  #sent = 0
  #closed = false

  constructor(http: KsefHttp, referenceNumber: string, validUntil: Date, key: SessionKey) {
    this.#http = http
    this.referenceNumber = referenceNumber
    this.validUntil = validUntil
    this.#key = key
  }

  /**
   * The session's AES key and IV. Secret: for a caller that persists the session (encrypted) so that another
   * process can resume it with {@link KsefClient.resumeOnlineSession}; never log it.
   */
  keyMaterial(): SessionKey {
    return this.#key
  }

  /** Invoices sent in this session (accepted for processing). */
  get sentCount(): number {
    return this.#sent
  }

  get closed(): boolean {
    return this.#closed
  }

  /**
   * Encrypts and sends one invoice; returns as soon as KSeF accepts it for processing (202).
   * Never repeated inside the client after the body left: a timeout then is an ambiguous error.
   */
  async sendInvoice(invoiceBytes: Uint8Array, options: SendInvoiceOptions = {}): Promise<SentInvoice> {
    const prepared = prepareInvoice(this.#key, invoiceBytes)
    const offlineMode = options.offlineMode ?? false
    const response = await this.#http.call(OPERATIONS.sendInvoice, {
      ...options,
      pathParams: { referenceNumber: this.referenceNumber },
      json: {
        ...prepared,
        offlineMode,
        ...(options.hashOfCorrectedInvoice ? { hashOfCorrectedInvoice: options.hashOfCorrectedInvoice } : {}),
      },
    })
    const { referenceNumber } = this.#http.json<{ referenceNumber: string }>(response, OPERATIONS.sendInvoice)
    this.#sent += 1
    this.#http.logger.debug(
      { sessionReferenceNumber: this.referenceNumber, referenceNumber, invoiceHash: prepared.invoiceHash },
      'invoice sent',
    )
    return {
      referenceNumber,
      sessionReferenceNumber: this.referenceNumber,
      invoiceHash: prepared.invoiceHash,
      invoiceSize: prepared.invoiceSize,
      offlineMode,
    }
  }

  /** Closes the session (KSeF then builds the session UPO). */
  async close(options: CallOptions = {}): Promise<void> {
    if (this.#closed) return
    await this.#http.call(OPERATIONS.closeOnlineSession, {
      ...options,
      pathParams: { referenceNumber: this.referenceNumber },
    })
    this.#closed = true
  }

  /** Marks the session as unusable without calling KSeF (KSeF said it is closed or gone). */
  retire(): void {
    this.#closed = true
  }
}

/**
 * Opens an online session. A 21470 (the public key was withdrawn) refetches the keys and opens again once: a 400
 * means nothing was opened.
 *
 * @example
 * ```ts
 * const session = await openOnlineSession(http, keys, { formCode: FA3_FORM })
 * ```
 */
export async function openOnlineSession(
  http: KsefHttp,
  keys: PublicKeyCache,
  options: OpenSessionOptions = {},
): Promise<OnlineSession> {
  for (let attempt = 1; ; attempt += 1) {
    const key = createSessionKey()
    const mfKey = await keys.get('SymmetricKeyEncryption', options)
    try {
      const response = await http.call(OPERATIONS.openOnlineSession, {
        ...options,
        json: { formCode: options.formCode ?? FA3_FORM, encryption: encryptionInfo(key, mfKey) },
      })
      const opened = http.json<{ referenceNumber: string; validUntil: string }>(response, OPERATIONS.openOnlineSession)
      http.logger.info(
        { sessionReferenceNumber: opened.referenceNumber, validUntil: opened.validUntil },
        'online session opened',
      )
      return new OnlineSession(http, opened.referenceNumber, new Date(opened.validUntil), key)
    } catch (error) {
      if (attempt === 1 && isKsefError(error) && error.code === '21470') {
        http.logger.info({}, 'MF public key withdrawn (21470); refetching')
        keys.invalidate()
        continue
      }
      throw error
    }
  }
}
