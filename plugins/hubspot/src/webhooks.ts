/**
 * HubSpot's webhook deliveries (v3 signatures). A delivery is a JSON array of events, signed with the app's client
 * secret: `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(method + URI + raw body + timestamp)), with
 * `X-HubSpot-Request-Timestamp` (ms) refused when over 5 minutes old. The URI is the public URL HubSpot called; the
 * hub sees it as it arrived, so a proxy's `X-Forwarded-Proto` / `-Host` give the public form to try as well (a
 * signature still has to match one of them). A delivery only says "these invoices changed": the hub pulls, and the
 * pull reads them. Its delivery id is a digest of its event ids, the same when HubSpot retries it.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import {
  hmacSha256,
  isFresh,
  type ParsedWebhook,
  safeEqual,
  type WebhookCapability,
  type WebhookContext,
  type WebhookEvent,
  type WebhookRequest,
  type WebhookVerdict,
} from '@ksef-hub/connector-sdk'
import { z } from 'zod'
import type { Secrets, Settings } from './settings.ts'

type Context = WebhookContext<Settings, Secrets>

/** HubSpot refuses to accept a delivery older than this, and so does the connector. */
export const MAX_AGE_MS = 5 * 60_000

const id = z.union([z.number(), z.string()]).transform(String)

const event = z.object({
  eventId: id,
  portalId: id,
  subscriptionType: z.string(),
  objectId: id.optional(),
  objectTypeId: z.string().optional(),
  occurredAt: z.number().optional(),
})

const delivery = z.array(event).min(1).max(10_000)

/**
 * HubSpot's v3 rule for the signed URI (VERIFY): these percent-encoded characters are decoded before hashing.
 */
const DECODED: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
}

function signedUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (code) => DECODED[code.toUpperCase()] ?? code)
}

/**
 * The URLs HubSpot may have signed for this call: as it arrived, and as a proxy's forwarded headers name it.
 *
 * @example
 * ```ts
 * signedUrls({ url: 'http://10.0.0.5:3000/v1/connectors/hubspot/acme/webhook', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'hub.example.com' }, … })
 * // ['http://10.0.0.5:3000/v1/…/webhook', 'https://hub.example.com/v1/…/webhook']
 * ```
 */
export function signedUrls(request: WebhookRequest): string[] {
  const urls = [request.url]
  const proto = request.headers['x-forwarded-proto']?.split(',')[0]?.trim()
  const host = request.headers['x-forwarded-host']?.split(',')[0]?.trim()
  if ((proto || host) && URL.canParse(request.url)) {
    const url = new URL(request.url)
    const forwarded = `${proto || url.protocol.replace(':', '')}://${host || url.host}${url.pathname}${url.search}`
    if (URL.canParse(forwarded)) urls.push(forwarded)
  }
  return [...new Set(urls.map(signedUri))]
}

/**
 * The v3 signature of a call: base64 of HMAC-SHA256 over method, URI, raw body and timestamp.
 *
 * @example
 * ```ts
 * signatureV3('secret', 'POST', 'https://hub.example.com/webhooks/hubspot', rawBody, '1795170900000')
 * ```
 */
export function signatureV3(
  clientSecret: string,
  method: string,
  url: string,
  rawBody: Uint8Array,
  timestamp: string,
): string {
  return hmacSha256(clientSecret, method.toUpperCase(), url, rawBody, timestamp).toString('base64')
}

function verify(request: WebhookRequest, context: Context): WebhookVerdict {
  const secret = context.secrets.clientSecret
  if (!secret)
    return { ok: false, reason: 'secrets.clientSecret is not set: this connection takes no HubSpot webhooks' }
  const timestamp = request.headers['x-hubspot-request-timestamp'] ?? ''
  if (!/^\d+$/.test(timestamp) || !isFresh(Number(timestamp), context.now(), MAX_AGE_MS)) {
    return { ok: false, reason: 'the request timestamp is missing or over 5 minutes old' }
  }
  const signature = request.headers['x-hubspot-signature-v3'] ?? ''
  if (!signature) return { ok: false, reason: 'no X-HubSpot-Signature-v3 header' }
  // Every candidate is computed and compared: no early exit on a match tells which one it was.
  const matches = signedUrls(request).map((url) =>
    safeEqual(signature, signatureV3(secret, request.method, url, request.rawBody, timestamp)),
  )
  return matches.includes(true) ? { ok: true } : { ok: false, reason: 'signature mismatch' }
}

function parse(request: WebhookRequest, context: Context): ParsedWebhook {
  const events = delivery.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.rawBody)))
  // The same events give the same id, in whatever order or whitespace HubSpot sends them again.
  const ids = [...new Set(events.map((item) => item.eventId))].sort()
  const deliveryId = `hubspot:${createHash('sha256').update(ids.join('\n')).digest('hex')}`
  const byPortal = new Map<string, Set<string>>()
  for (const item of events) {
    const refs = byPortal.get(item.portalId) ?? new Set<string>()
    byPortal.set(item.portalId, refs)
    const invoice = item.objectTypeId === context.settings.webhooks.invoiceObjectTypeId
    if (invoice && item.objectId && !item.subscriptionType.endsWith('.deletion')) refs.add(item.objectId)
  }
  // An event of another object (a company's NIP changed) names no invoice: the portal's pull finds what changed.
  const parsed: WebhookEvent[] = [...byPortal].map(([account, refs]) => ({
    account,
    ...(refs.size > 0 ? { refs: [...refs] } : {}),
  }))
  return { deliveryId, events: parsed }
}

/**
 * The connector's webhook capability.
 *
 * @example
 * ```ts
 * const reception = await receiveWebhook(connector, request, context, guard) // verify, parse, replay guard
 * ```
 */
export const webhooks: WebhookCapability<Settings, Secrets> = { verify, parse }
