/**
 * HubSpot's webhook signature v3 [R (e)] [V]: base64 of HMAC-SHA256, keyed with the app's client secret, over
 * the method, the full URL the request was sent to, the raw body and the timestamp (milliseconds, as sent in
 * `X-HubSpot-Request-Timestamp`), concatenated as bytes. Written here on its own; its test reproduces the
 * signatures of `contract/webhook-vectors.json`.
 *
 * @module
 */
import { createHmac } from 'node:crypto'
import type { WebhookRequest } from '@ksef-hub/connector-sdk'
import { WEBHOOKS } from './facts.ts'

/**
 * The v3 signature of a request.
 *
 * @example
 * ```ts
 * signV3('hs-client-secret-for-tests', 'POST', 'https://hub.example.com/webhooks/hubspot', body, '1795170900000')
 * ```
 */
export function signV3(
  clientSecret: string,
  method: string,
  url: string,
  rawBody: Uint8Array | string,
  timestamp: string | number,
): string {
  return createHmac('sha256', clientSecret)
    .update(Buffer.from(`${method}${url}`, 'utf8'))
    .update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
    .update(Buffer.from(String(timestamp), 'utf8'))
    .digest('base64')
}

/**
 * The headers HubSpot sends with a signed delivery (names as the vectors write them).
 *
 * @example
 * ```ts
 * const headers = signedHeaders(secret, 'POST', url, body, Date.now())
 * ```
 */
export function signedHeaders(
  clientSecret: string,
  method: string,
  url: string,
  rawBody: Uint8Array | string,
  timestamp: number,
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    [WEBHOOKS.signatureHeader]: signV3(clientSecret, method, url, rawBody, timestamp),
    [WEBHOOKS.timestampHeader]: String(timestamp),
    [WEBHOOKS.versionHeader]: 'v3',
  }
}

/**
 * A delivery as a connector's webhook endpoint receives it (`WebhookRequest`: header names lower-case).
 *
 * @example
 * ```ts
 * const request = webhookRequest(secret, 'https://hub.example.com/webhooks/hubspot', JSON.stringify(events), now)
 * ```
 */
export function webhookRequest(clientSecret: string, url: string, body: string, timestamp: number): WebhookRequest {
  const rawBody = new TextEncoder().encode(body)
  const headers = signedHeaders(clientSecret, 'POST', url, rawBody, timestamp)
  return {
    method: 'POST',
    url,
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value])),
    rawBody,
  }
}
