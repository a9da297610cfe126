/**
 * Webhooks from the source: "these documents changed". Authentic when an HMAC-SHA256 with the connection's
 * `webhookSecret` over the raw bytes (and, by default, a signed timestamp) matches the signature header, compared
 * in constant time; a timestamp outside the tolerance is refused, so a captured call cannot be replayed later,
 * and within the tolerance the hub's replay guard refuses a second delivery with the same id.
 *
 * The delivery id and the documents' ids are read with a dotted path (as tenant files always could) or with
 * JSONata for bodies a path cannot read (`events[type = "invoice.updated"].data.id`). A connection without
 * `settings.webhooks` takes no webhooks: every call is refused, and its documents come with the scheduled pull.
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
  type WebhookRequest,
  type WebhookVerdict,
} from '@ksef-hub/connector-sdk'
import { asList, evaluate } from './expressions.ts'
import type { Secrets, Settings } from './settings.ts'
import { isDottedPath } from './settings-fields.ts'

type Context = WebhookContext<Settings, Secrets>

/**
 * The values at a dotted path of a JSON value, following lists (`events.documentId` reads every event's id).
 *
 * @example
 * ```ts
 * valuesAt({ events: [{ id: 'a' }, { id: 'b' }] }, 'events.id') // ['a', 'b']
 * ```
 */
export function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value]
  for (const key of path.split('.')) {
    current = current
      .flatMap((item) => (Array.isArray(item) ? item : [item]))
      .flatMap((item) =>
        item !== null && typeof item === 'object' && Object.hasOwn(item, key)
          ? [(item as Record<string, unknown>)[key]]
          : [],
      )
  }
  return current
    .flatMap((item) => (Array.isArray(item) ? item : [item]))
    .filter((item) => item !== undefined && item !== null)
}

/** The bytes that are signed, in order, as the `signed` template lays them out. */
function signedParts(template: string, request: WebhookRequest, timestamp: string): (string | Uint8Array)[] {
  return template
    .split(/(\{(?:timestamp|body|method|url)\})/)
    .filter((part) => part !== '')
    .map((part) => {
      if (part === '{body}') return request.rawBody
      if (part === '{timestamp}') return timestamp
      if (part === '{method}') return request.method.toUpperCase()
      if (part === '{url}') return request.url
      return part
    })
}

function verify(request: WebhookRequest, context: Context): WebhookVerdict {
  const settings = context.settings.webhooks
  if (!settings) return { ok: false, reason: 'settings.webhooks is not set: this connection takes no webhooks' }
  const secret = context.secrets.webhookSecret
  if (!secret) return { ok: false, reason: 'secrets.webhookSecret is not set' }
  const header = request.headers[settings.signatureHeader]
  if (!header) return { ok: false, reason: `no ${settings.signatureHeader} header` }
  let timestamp = ''
  if (settings.timestampHeader !== null) {
    timestamp = request.headers[settings.timestampHeader] ?? ''
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `no valid ${settings.timestampHeader} header` }
    if (!isFresh(Number(timestamp) * 1000, context.now(), settings.toleranceSeconds * 1000)) {
      return { ok: false, reason: `the signed time ${timestamp} is outside ${settings.toleranceSeconds} s of now` }
    }
  }
  const template = settings.signed ?? (settings.timestampHeader !== null ? '{timestamp}.{body}' : '{body}')
  const mac = hmacSha256(secret, ...signedParts(template, request, timestamp))
  const given = header.trim().startsWith(settings.signaturePrefix)
    ? header.trim().slice(settings.signaturePrefix.length)
    : header.trim()
  const ok =
    settings.encoding === 'hex'
      ? safeEqual(given.toLowerCase(), mac.toString('hex'))
      : safeEqual(given, mac.toString('base64'))
  return ok ? { ok: true } : { ok: false, reason: 'the signature does not match the body' }
}

/** What a dotted path or a JSONata expression selects in the body, lists flattened, nothing absent. */
async function selected(body: unknown, selector: string, setting: string): Promise<unknown[]> {
  if (isDottedPath(selector)) return valuesAt(body, selector)
  const result = await evaluate(selector, body)
  if (!result.ok) throw new Error(`settings.webhooks.${setting} failed on the body: ${result.problem}`)
  return asList(result.value)
    .flatMap((item) => (Array.isArray(item) ? item : [item]))
    .filter((item) => item !== undefined && item !== null)
}

async function parse(request: WebhookRequest, context: Context): Promise<ParsedWebhook> {
  const settings = context.settings.webhooks
  if (!settings) throw new Error('settings.webhooks is not set')
  const body: unknown = JSON.parse(new TextDecoder().decode(request.rawBody))
  let deliveryId = `sha256:${createHash('sha256').update(request.rawBody).digest('hex')}`
  if (settings.idField) {
    const [id] = await selected(body, settings.idField, 'idField')
    if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`the body has no ${settings.idField}`)
    deliveryId = String(id)
  }
  const refs = (await selected(body, settings.refsField, 'refsField'))
    .filter((ref) => typeof ref === 'string' || typeof ref === 'number')
    .map(String)
  // No refs: the source says "something changed"; the pull finds what.
  return { deliveryId, events: [refs.length > 0 ? { refs } : {}] }
}

/**
 * The custom connector's webhook capability.
 *
 * @example
 * ```ts
 * const verdict = await webhooks.verify(request, context)
 * if (verdict.ok) schedulePulls(await webhooks.parse(request, context))
 * ```
 */
export const webhooks: WebhookCapability<Settings, Secrets> = { verify, parse }
