/**
 * Webhooks of the fake source, both ways. Out: "these invoices changed", signed as the custom connector's default
 * webhook settings expect (`X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, `X-Timestamp: <unix
 * seconds>`). In: the hub's write-back events, checked as the hub signs them (`KSeF-Hub-Signature`), and applied
 * once per event id however often they are delivered.
 *
 * @module
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'
import type { WebhookRequest } from '@ksef-hub/connector-sdk'
import { z } from 'zod'

/** How a webhook of the source is made. */
export interface WebhookOptions {
  /** The signed time (default now). */
  readonly at?: Date
  /** Sign with this secret instead of the fake's (a forgery). */
  readonly secret?: string
  /** The delivery id (default a new one). */
  readonly id?: string
}

/**
 * A signed "invoices changed" call, as the source sends it.
 *
 * @example
 * ```ts
 * const request = changeWebhook('https://hub.example/webhooks/c1', secret, ['inv-000001'])
 * ```
 */
export function changeWebhook(
  url: string,
  secret: string,
  refs: readonly string[],
  options: WebhookOptions = {},
): WebhookRequest {
  const at = options.at ?? new Date()
  const timestamp = String(Math.floor(at.getTime() / 1000))
  const body = JSON.stringify({
    id: options.id ?? `evt_${randomUUID()}`,
    type: 'invoices.changed',
    occurredAt: at.toISOString(),
    invoiceIds: refs,
  })
  const signature = createHmac('sha256', options.secret ?? secret)
    .update(`${timestamp}.`)
    .update(body)
    .digest('hex')
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', 'x-signature': `sha256=${signature}`, 'x-timestamp': timestamp },
    rawBody: new TextEncoder().encode(body),
  }
}

/** A write-back event from the hub (only what the fake applies; other fields are allowed). */
export const ksefEventSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  data: z.object({
    ref: z.string().min(1),
    ksefNumber: z.string().min(1),
    acquisitionDate: z.string().min(1),
    verificationUrl: z.string().min(1),
    upoBase64: z.string().optional(),
  }),
})

/**
 * Whether a `KSeF-Hub-Signature` header (`t=<unix>,v1=<hex>`) signs the body with the secret, within 300 s.
 * Written here on its own, from the hub's documented format, not shared with the connector: a misreading on one
 * side cannot agree with itself.
 *
 * @example
 * ```ts
 * hubSignatureValid(secret, request.headers['ksef-hub-signature'], raw, new Date())
 * ```
 */
export function hubSignatureValid(secret: string, header: string | undefined, body: Buffer, now: Date): boolean {
  const fields = new Map<string, string[]>()
  for (const part of (header ?? '').split(',')) {
    const [name, value] = part.trim().split('=', 2)
    if (name && value) fields.set(name, [...(fields.get(name) ?? []), value])
  }
  const t = fields.get('t')?.[0]
  if (!t || !/^\d+$/.test(t) || Math.abs(now.getTime() / 1000 - Number(t)) > 300) return false
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest()
  return (fields.get('v1') ?? []).some((given) => {
    const bytes = Buffer.from(given, 'hex')
    return bytes.length === expected.length && timingSafeEqual(bytes, expected)
  })
}
