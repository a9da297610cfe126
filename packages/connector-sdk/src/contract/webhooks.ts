/**
 * Webhooks in: a source system tells the hub that documents changed. The connector answers handshakes, checks
 * authenticity on the raw bytes, and says which documents (or which accounts) to pull; the hub guards against
 * replays and schedules the pulls.
 *
 * @module
 */

/** A webhook call as the source system sent it. */
export interface WebhookRequest {
  readonly method: string
  /** The full URL called (some systems sign it, e.g. HubSpot v3). */
  readonly url: string
  /** Header names lower-case. */
  readonly headers: Readonly<Record<string, string>>
  /** The exact bytes received: signatures are computed over these, never over a re-serialization. */
  readonly rawBody: Uint8Array
}

/** What the hub answers the source system. */
export interface WebhookAnswer {
  readonly status: 200 | 202 | 204
  /** A text body (a validation token) or a JSON value. */
  readonly body?: string | Record<string, unknown>
}

/** Whether a call is authentic. */
export type WebhookVerdict =
  | { readonly ok: true }
  /** `reason` is for the hub's logs; the caller gets a bare 401. */
  | { readonly ok: false; readonly reason: string }

/** One change the source reports. */
export interface WebhookEvent {
  /**
   * The account the change belongs to (a company, realm, portal, organisation), for a delivery that mixes the
   * connections of one app; absent means the connection that received it.
   */
  readonly account?: string
  /** The documents that changed, when the source names them (kept in the audit; the pull finds them). */
  readonly refs?: readonly string[]
}

/** What a delivery asks for. */
export interface ParsedWebhook {
  /**
   * An id the source gives this delivery (or a digest of its event ids). The hub refuses a second delivery with the
   * same id within its replay window: without a signed timestamp, this is the only replay protection.
   */
  readonly deliveryId: string
  readonly events: readonly WebhookEvent[]
  /** The answer the source expects (default 200 with `{ "received": true }`). */
  readonly answer?: WebhookAnswer
}
