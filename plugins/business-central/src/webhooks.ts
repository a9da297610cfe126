/**
 * BC's webhook notifications. BC first calls the notification URL with `?validationToken=…` (when a subscription
 * is made or renewed) and expects the token back as text with 200. A notification signs nothing: its only proof is
 * the `clientState` the subscription was made with, echoed in every entry, compared here in constant time with the
 * connection's secret; every entry must carry it, and the body must be BC's shape (an entry naming a company this
 * connection does not serve is not BC's for this connection). A notification only says "something changed": the
 * hub pulls, and the pull finds what. Its delivery id is a digest of the entries, the same when BC retries it.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import {
  type ParsedWebhook,
  safeEqual,
  type WebhookAnswer,
  type WebhookCapability,
  type WebhookContext,
  type WebhookEvent,
  type WebhookRequest,
  type WebhookVerdict,
} from '@ksef-hub/connector-sdk'
import { z } from 'zod'
import { parseRef, refOf } from './refs.ts'
import type { Secrets, Settings } from './settings.ts'

type Context = WebhookContext<Settings, Secrets>

const notification = z.object({
  subscriptionId: z.string().min(1),
  clientState: z.string().optional(),
  // As BC writes them (seven decimals of a second at times): read as text, never computed with.
  expirationDateTime: z.string().optional(),
  resource: z.string().min(1),
  changeType: z.enum(['created', 'updated', 'deleted', 'collection']),
  lastModifiedDateTime: z.string().optional(),
})

const body = z.object({ value: z.array(notification).min(1).max(10_000) })

type Notification = z.output<typeof notification>

function entriesOf(request: WebhookRequest): Notification[] | string {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.rawBody))
  } catch {
    return 'the body is not JSON'
  }
  const parsed = body.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return `not a BC notification (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'})`
  }
  return parsed.data.value
}

/** A company in a resource (`…/companies(<id>)/…`), lower-case, or `undefined`. */
function companyOf(resource: string): string | undefined {
  return /companies\((?:id=)?'?([0-9a-fA-F-]{36})'?\)/.exec(resource)?.[1]?.toLowerCase()
}

function handshake(request: WebhookRequest): WebhookAnswer | undefined {
  const token = new URL(request.url, 'http://localhost').searchParams.get('validationToken')
  // BC takes the token back as the body, exactly: text, 200.
  return token === null ? undefined : { status: 200, body: token }
}

function verify(request: WebhookRequest, context: Context): WebhookVerdict {
  const secret = context.secrets.clientState
  if (!secret) return { ok: false, reason: 'secrets.clientState is not set: this connection takes no BC webhooks' }
  const entries = entriesOf(request)
  if (typeof entries === 'string') return { ok: false, reason: entries }
  const companies = new Set(context.settings.companies.map((id) => id.toLowerCase()))
  for (const entry of entries) {
    // Every entry, each compared whole: one forged entry among true ones is a forged call.
    if (!safeEqual(entry.clientState ?? '', secret)) return { ok: false, reason: 'a clientState does not match' }
    const company = companyOf(entry.resource)
    if (company === undefined || !companies.has(company)) {
      return { ok: false, reason: 'a notification names a company this connection does not serve' }
    }
  }
  return { ok: true }
}

function parse(request: WebhookRequest): ParsedWebhook {
  const entries = entriesOf(request)
  if (typeof entries === 'string') throw new Error(entries)
  // The same notifications give the same id, whatever the whitespace of BC's retry.
  const digest = createHash('sha256')
  for (const entry of entries) {
    digest.update(
      [entry.subscriptionId, entry.resource, entry.changeType, entry.lastModifiedDateTime ?? ''].join('\u0000'),
    )
    digest.update('\u0001')
  }
  const refs: string[] = []
  const events: WebhookEvent[] = []
  for (const entry of entries) {
    const parts =
      entry.changeType === 'created' || entry.changeType === 'updated' ? parseRef(entry.resource) : undefined
    if (parts && parts.kind !== 'purchaseInvoices') refs.push(refOf(parts.companyId, parts.kind, parts.id))
  }
  if (refs.length) events.push({ refs: [...new Set(refs)] })
  // A collection (over 1,000 changes in 30 s) or a deletion names no document: the pull finds what changed.
  if (entries.some((entry) => entry.changeType === 'collection' || entry.changeType === 'deleted') || !refs.length) {
    events.push({})
  }
  return { deliveryId: `bc:${digest.digest('hex')}`, events }
}

/**
 * The connector's webhook capability.
 *
 * @example
 * ```ts
 * const reception = await receiveWebhook(connector, request, context, guard) // runs handshake, verify, parse
 * ```
 */
export const webhooks: WebhookCapability<Settings, Secrets> = { handshake, verify, parse }
