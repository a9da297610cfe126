/**
 * The fake as a test sees it (`FakeHubSpot`, declared in `fake-hubspot.ts`): who it is, seeding and later changes
 * made "in the UI", what clients left in it (properties, notes, files), webhooks under the test's control,
 * faults, outages, storms, the request log and the clock.
 *
 * @module
 */

import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import type { AppIdentity, Auth } from './auth.ts'
import { ATTACHMENT_ID_SEPARATOR, OBJECT_TYPES, type ObjectType, WEBHOOKS } from './facts.ts'
import type { FakeFile, FakeHubSpot, FakeRecord } from './fake-hubspot.ts'
import type { Files, StoredFile } from './files.ts'
import { addInvoice, type Builder } from './invoices.ts'
import type { Faults, Limiter } from './limits.ts'
import { propertyJson, type Schema } from './schema.ts'
import type { Seeder } from './seed.ts'
import type { FakeRequestLog } from './server.ts'
import { webhookRequest } from './signature.ts'
import type { Store } from './store.ts'
import type { WebhookEvent, Webhooks } from './webhooks.ts'

/** The parts `testApi` puts together. */
export interface TestApiParts {
  readonly origin: string
  readonly identity: AppIdentity
  readonly builder: Builder
  readonly clock: FakeClock
  readonly store: Store
  readonly schema: Schema
  readonly files: Files
  readonly auth: Auth
  readonly seeder: Seeder
  readonly webhooks: Webhooks
  readonly faults: Faults
  readonly limiter: Limiter
  readonly log: FakeRequestLog[]
  readonly outage: (mode: boolean | 'unavailable' | 'refused') => Promise<void>
  readonly close: () => Promise<void>
}

const fileOf = (file: StoredFile): FakeFile => ({
  id: file.id,
  name: file.extension ? `${file.name}.${file.extension}` : file.name,
  path: file.path,
  access: file.access,
  bytes: Buffer.from(file.bytes),
})

/**
 * Puts the test-side API together.
 *
 * @example
 * ```ts
 * return testApi({ origin, identity, builder, clock, store, schema, files, auth, seeder, webhooks, ... })
 * ```
 */
export function testApi(parts: TestApiParts): FakeHubSpot {
  const { store, identity, clock } = parts
  const record = (type: ObjectType, id: string): FakeRecord | undefined => {
    const found = store.get(type, id)
    return found ? { id: found.id, properties: Object.fromEntries(found.values) } : undefined
  }
  let touches = 0
  // Ids of the events of built deliveries: distinct across calls, as HubSpot's are.
  let eventIds = 1_700_000_000
  return {
    url: parts.origin,
    portalId: identity.portalId,
    appId: identity.appId,
    clientId: identity.clientId,
    clientSecret: identity.clientSecret,
    privateAppToken: identity.privateAppToken,
    nipProperty: parts.builder.nipProperty,
    correctionProperty: parts.builder.correctionProperty,
    clock,
    oauth: {
      issueRefreshToken: (scopes) => parts.auth.issueRefreshToken(scopes),
      authorizationCode: (redirectUri, scopes) => parts.auth.authorizationCode(redirectUri, scopes),
      refreshTokens: () => parts.auth.refreshTokens(),
      revoke: (token) => parts.auth.revoke(token),
      expireAccessTokens: () => parts.auth.expireAccessTokens(),
      tokensIssued: () => parts.auth.issued,
    },
    seed: (options) => parts.seeder.seed(options),
    createInvoice: (input = {}) => addInvoice(parts.builder, input, 'UI'),
    touch(id, properties) {
      if (!store.get('invoices', id)) throw new Error(`the fake has no invoice ${id}`)
      touches += 1
      store.update(
        'invoices',
        id,
        properties ? { ...properties } : { hs_comments: `Edited in the UI (${touches})` },
        'UI',
      )
    },
    invoice(id) {
      const invoice = record('invoices', id)
      if (!invoice) return undefined
      const links = (toType: ObjectType) => store.associations('invoices', id, toType)
      const [company] = links('companies')
      const companyRecord = company ? record('companies', company.id) : undefined
      return {
        ...invoice,
        lineItems: links('line_items').flatMap((link) => record('line_items', link.id) ?? []),
        ...(companyRecord ? { company: companyRecord } : {}),
        contactIds: links('contacts').map((link) => link.id),
      }
    },
    record,
    notesOf(invoiceId) {
      return store.associations('invoices', invoiceId, 'notes').flatMap((link) => {
        const note = store.get('notes', link.id)
        if (!note) return []
        const ids = (note.values.get('hs_attachment_ids') ?? '').split(ATTACHMENT_ID_SEPARATOR).filter(Boolean)
        const timestamp = note.values.get('hs_timestamp')
        return [
          {
            id: note.id,
            body: note.values.get('hs_note_body') ?? '',
            ...(timestamp ? { timestamp } : {}),
            attachments: ids.flatMap((fileId) => {
              const file = parts.files.get(fileId)
              return file ? [fileOf(file)] : []
            }),
            missingAttachments: ids.filter((fileId) => !parts.files.get(fileId)),
          },
        ]
      })
    },
    file(id) {
      const file = parts.files.get(id)
      return file ? fileOf(file) : undefined
    },
    properties: (objectType) => parts.schema.properties(objectType).map(propertyJson),
    failNext: (kind, count = 1, match, options) => parts.faults.add(kind, count, match, options),
    outage: parts.outage,
    storm: (seconds) => parts.faults.storm(clock.now().getTime() + seconds * 1000),
    exhaustDailyLimit: () => parts.limiter.exhaustDaily(),
    setWebhookTarget: (url) => parts.webhooks.setTarget(url),
    automaticWebhooks: (on) => parts.webhooks.setAutomatic(on),
    flushWebhooks: () => parts.webhooks.flush(),
    deliveries: () => parts.webhooks.deliveries(),
    pendingWebhooks: () => parts.webhooks.pending(),
    get webhookSubscriptions() {
      return parts.webhooks.subscriptions
    },
    webhookRequest(url, invoiceIds, options = {}) {
      const now = clock.now().getTime()
      const type = options.subscriptionType ?? 'object.propertyChange'
      const propertyName = options.propertyName ?? 'hs_invoice_status'
      const subscription = parts.webhooks.subscriptions.find(
        (candidate) =>
          candidate.eventType === type && (type === 'object.creation' || candidate.propertyName === propertyName),
      )
      const events: WebhookEvent[] = invoiceIds.map((id) => ({
        eventId: eventIds++,
        subscriptionId: subscription?.id ?? 3_015_442,
        portalId: options.portalId ?? identity.portalId,
        appId: identity.appId,
        occurredAt: now,
        subscriptionType: type,
        attemptNumber: 0,
        objectId: Number(id),
        objectTypeId: OBJECT_TYPES.invoices.id,
        ...(type === 'object.propertyChange'
          ? {
              propertyName,
              propertyValue: options.propertyValue ?? store.get('invoices', id)?.values.get(propertyName) ?? '',
            }
          : {}),
        changeSource: WEBHOOKS.changeSourceUi,
        sourceId: 'userId:78123',
      }))
      return webhookRequest(identity.clientSecret, url, JSON.stringify(events), options.timestamp ?? now)
    },
    get requests() {
      return parts.log.map((entry) => ({ ...entry }))
    },
    close: parts.close,
  }
}
