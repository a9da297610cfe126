/**
 * Polling: until an invoice leaves 100/150, until a session is processed, with a growing interval, a time limit
 * and the caller's abort signal.
 *
 * @module
 */
import { classifySessionStatus, type SessionKind, type SessionStatusKind } from '../errors/ksef-codes.ts'
import { KsefTransientError } from '../errors/ksef-error.ts'
import type { CallOptions, KsefHttp } from '../http/ksef-http.ts'
import { abortableSleep } from '../util/sleep.ts'
import {
  getInvoiceStatus,
  getSessionStatus,
  type InvoiceOutcome,
  invoiceOutcome,
  type SessionStatus,
} from './status.ts'

/** How long and how often to poll. */
export interface PollOptions extends CallOptions {
  /** First interval; grows by half each time up to `maxIntervalMs`. 500 ms by default. */
  readonly intervalMs?: number
  readonly maxIntervalMs?: number
  /** Give up after this long; 5 minutes by default. */
  readonly maxWaitMs?: number
}

/**
 * Polls until `done` says a value is final; throws a transient `STILL_PENDING` error after `maxWaitMs`.
 *
 * @example
 * ```ts
 * const status = await pollUntil(() => getSessionStatus(http, ref), (s) => s.status.code !== 100, {})
 * ```
 */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions,
  what = 'operation',
): Promise<T> {
  const started = Date.now()
  let interval = options.intervalMs ?? 500
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() - started + interval > (options.maxWaitMs ?? 300_000)) {
      throw new KsefTransientError({
        code: 'STILL_PENDING',
        message: `${what} still pending after ${Date.now() - started} ms`,
      })
    }
    try {
      await abortableSleep(interval, options.signal)
    } catch {
      throw new KsefTransientError({ code: 'ABORTED', message: `waiting for ${what} aborted by the caller` })
    }
    interval = Math.min(Math.round(interval * 1.5), options.maxIntervalMs ?? 5_000)
  }
}

/**
 * Polls an invoice until it leaves 100/150 (or has its KSeF number).
 *
 * @example
 * ```ts
 * const outcome = await waitForInvoice(http, sessionRef, invoiceRef, { maxWaitMs: 60_000 })
 * ```
 */
export async function waitForInvoice(
  http: KsefHttp,
  sessionReferenceNumber: string,
  invoiceReferenceNumber: string,
  options: PollOptions = {},
): Promise<InvoiceOutcome> {
  const status = await pollUntil(
    () => getInvoiceStatus(http, sessionReferenceNumber, invoiceReferenceNumber, options),
    (value) => invoiceOutcome(value).kind !== 'pending',
    options,
    `invoice ${invoiceReferenceNumber}`,
  )
  return invoiceOutcome(status)
}

/**
 * Polls a session until it is processed (200) or failed; returns the final status. For an online session call it
 * after closing.
 *
 * @example
 * ```ts
 * const status = await waitForSession(http, 'batch', ref, { maxWaitMs: 600_000 })
 * ```
 */
export async function waitForSession(
  http: KsefHttp,
  kind: SessionKind,
  referenceNumber: string,
  options: PollOptions = {},
): Promise<SessionStatus> {
  return pollUntil(
    () => getSessionStatus(http, referenceNumber, options),
    (value) => {
      const state: SessionStatusKind = classifySessionStatus(kind, value.status.code)
      return state !== 'open' && state !== 'processing'
    },
    options,
    `session ${referenceNumber}`,
  )
}
