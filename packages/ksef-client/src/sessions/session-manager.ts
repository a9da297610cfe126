/**
 * Keeps one online session open for a context and reuses it: a new one when the current is near its 12 h end,
 * full, or KSeF says it is closed or gone (21173, 21180, 21155: the invoice was refused before acceptance, so
 * sending it again in a new session is safe).
 *
 * @module
 */
import type { PublicKeyCache } from '../crypto/public-keys.ts'
import { isKsefError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import type { FormCode } from './form-code.ts'
import { type OnlineSession, openOnlineSession, type SendInvoiceOptions, type SentInvoice } from './online-session.ts'

/** Tuning. */
export interface SessionManagerOptions {
  readonly formCode?: FormCode
  /** Open a new session when the current ends within this; 30 minutes by default. */
  readonly renewBeforeMs?: number
  /** Invoices per session before a new one; 10,000 (KSeF's limit) by default. */
  readonly maxInvoicesPerSession?: number
}

const SESSION_GONE = new Set(['21155', '21173', '21180'])

/**
 * One reusable online session.
 *
 * @example
 * ```ts
 * const sessions = new OnlineSessionManager(http, keys)
 * const sent = await sessions.send(bytes)
 * await sessions.close()
 * ```
 */
export class OnlineSessionManager {
  readonly #http: KsefHttp
  readonly #keys: PublicKeyCache
  readonly #options: SessionManagerOptions
  #current: OnlineSession | undefined
  #opening: Promise<OnlineSession> | undefined
  readonly #retired: OnlineSession[] = []

  constructor(http: KsefHttp, keys: PublicKeyCache, options: SessionManagerOptions = {}) {
    this.#http = http
    this.#keys = keys
    this.#options = options
    this.#current = undefined
    this.#opening = undefined
  }

  /** The session in use, opening one if needed. */
  async current(options: CallOptions = {}): Promise<OnlineSession> {
    const session = this.#current
    if (session && this.#usable(session)) return session
    if (session) this.#retire(session, !session.closed)
    this.#opening ??= openOnlineSession(this.#http, this.#keys, {
      ...options,
      ...(this.#options.formCode ? { formCode: this.#options.formCode } : {}),
    }).finally(() => {
      this.#opening = undefined
    })
    const opened = await this.#opening
    this.#current = opened
    return opened
  }

  /** Sends an invoice in the current session; once more in a new session if KSeF says the session is unusable. */
  async send(invoiceBytes: Uint8Array, options: SendInvoiceOptions = {}): Promise<SentInvoice> {
    const session = await this.current(options)
    try {
      return await session.sendInvoice(invoiceBytes, options)
    } catch (error) {
      if (!isKsefError(error) || !SESSION_GONE.has(error.code)) throw error
      this.#http.logger.info(
        { sessionReferenceNumber: session.referenceNumber, code: error.code },
        'session unusable; opening a new one',
      )
      session.retire()
      const next = await this.current(options)
      return next.sendInvoice(invoiceBytes, options)
    }
  }

  /** Closes the current session and any retired one still open; returns their reference numbers. */
  async close(options: CallOptions = {}): Promise<string[]> {
    const toClose = [...this.#retired.filter((session) => !session.closed), ...(this.#current ? [this.#current] : [])]
    this.#retired.length = 0
    this.#current = undefined
    const closed: string[] = []
    for (const session of toClose) {
      if (session.closed) continue
      await session.close(options)
      closed.push(session.referenceNumber)
    }
    return closed
  }

  #usable(session: OnlineSession): boolean {
    const renewBefore = this.#options.renewBeforeMs ?? 30 * 60_000
    const max = this.#options.maxInvoicesPerSession ?? 10_000
    return !session.closed && session.validUntil.getTime() - renewBefore > Date.now() && session.sentCount < max
  }

  #retire(session: OnlineSession, stillOpen: boolean): void {
    if (stillOpen) this.#retired.push(session)
  }
}
