/**
 * The fake as a test sees it (`FakeBc`, declared in `fake-bc.ts`): where it listens and what it accepts, its
 * companies, seeding and later changes, what clients left in it (attachments, purchase invoices, subscriptions),
 * webhook notifications under the test's control, faults, outages, token revocation, the request log and the
 * clock.
 *
 * @module
 */

import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import type { BcCredentials, Entra } from './auth.ts'
import { DOMESTIC_CUSTOMERS, DOMESTIC_PRODUCTS } from './catalog.ts'
import type { FakeCompany } from './company.ts'
import type { Numbering } from './documents.ts'
import { BLANK } from './facts.ts'
import type { FakeAttachment, FakeBc } from './fake-bc.ts'
import type { Faults } from './limits.ts'
import { ENTITIES, type EntitySet, render } from './model.ts'
import type { NotificationItem, Notifications } from './notifications.ts'
import { type LineInput, postDocument } from './posting.ts'
import type { Seeder } from './seed.ts'
import type { FakeRequestLog } from './server.ts'
import { LINE_SETS, type Store, type Stored } from './store.ts'
import type { Subscriptions } from './webhooks.ts'

/** The parts `testApi` puts together. */
export interface TestApiParts {
  readonly origin: string
  readonly credentials: BcCredentials
  readonly scope: string
  readonly companies: readonly FakeCompany[]
  readonly clock: FakeClock
  readonly store: Store
  readonly seeder: Seeder
  readonly numbering: (companyId: string) => Numbering
  readonly subscriptions: Subscriptions
  readonly notifications: Notifications
  readonly entra: Entra
  readonly faults: Faults
  readonly log: FakeRequestLog[]
  readonly outage: (mode: boolean | 'unavailable' | 'refused') => Promise<void>
  readonly close: () => Promise<void>
}

const DOCUMENT_SETS: readonly EntitySet[] = ['salesInvoices', 'salesCreditMemos', 'purchaseInvoices']

/**
 * Puts the test-side API together.
 *
 * @example
 * ```ts
 * return testApi({ origin, credentials, scope: BC_SCOPE, companies, clock, store, ... })
 * ```
 */
export function testApi(parts: TestApiParts): FakeBc {
  const { store, credentials } = parts
  const apiBase = `${parts.origin}/v2.0/${credentials.entraTenantId}/${credentials.environment}/api/v2.0`
  const find = (companyId: string, id: string): Stored | undefined =>
    DOCUMENT_SETS.map((set) => store.get(companyId, set, id)).find(Boolean)
  // What a client reads: the JSON text parsed (amounts are the JSON numbers BC writes).
  const view = (companyId: string, stored: Stored): Record<string, unknown> => {
    const lineSet = LINE_SETS[stored.set] as EntitySet
    const lines = store.linesOf(companyId, stored.set, stored.id)
    const entity = {
      ...render(ENTITIES[stored.set], stored.row, { etag: store.etag(stored) }),
      [lineSet]: lines.map((line) => render(ENTITIES[lineSet], line.row, { etag: store.etag(line) })),
    }
    return JSON.parse(JSON.stringify(entity)) as Record<string, unknown>
  }
  const attachments = (companyId: string, parentType: string, parentId: string): FakeAttachment[] =>
    store
      .all(companyId, 'documentAttachments')
      .filter((stored) => stored.row.parentType === parentType && stored.row.parentId === parentId.toLowerCase())
      .map((stored) => ({
        id: stored.id,
        fileName: String(stored.row.fileName),
        parentType,
        parentId: stored.row.parentId as string,
        bytes: stored.content ?? Buffer.alloc(0),
      }))
  return {
    url: parts.origin,
    apiBase,
    tokenUrl: `${parts.origin}/${credentials.entraTenantId}/oauth2/v2.0/token`,
    scope: parts.scope,
    credentials,
    companies: parts.companies,
    clock: parts.clock,
    seed: (companyId, options) => parts.seeder.seed(companyId, options),
    postInvoice(companyId, input = {}) {
      const customer = input.customerId
        ? store.get(companyId, 'customers', input.customerId)
        : input.customer
          ? store.insert(companyId, 'customers', {
              number: parts.numbering(companyId).next('K'),
              displayName: input.customer.name,
              type: input.customer.type ?? 'Company',
              country: input.customer.country ?? 'PL',
              taxRegistrationNumber: input.customer.nip,
              currencyCode: 'PLN',
              taxLiable: true,
            })
          : parts.seeder.customer(companyId, DOMESTIC_CUSTOMERS[0]!, 'nip', 1)
      if (!customer) throw new Error(`the fake has no customer ${input.customerId} in company ${companyId}`)
      const product = DOMESTIC_PRODUCTS[0]!
      const line: LineInput = {
        lineType: product.lineType,
        lineObjectNumber: product.number,
        description: product.description,
        unitOfMeasureCode: product.unit,
        quantity: '2',
        unitPrice: product.price,
        taxCode: product.taxCode,
      }
      return postDocument(
        store,
        parts.numbering(companyId),
        companyId,
        'salesInvoices',
        {
          customer,
          currencyCode: input.currencyCode ?? 'PLN',
          invoiceDate: input.invoiceDate ?? parts.clock.now().toISOString().slice(0, 10),
          status: input.status ?? 'Open',
          pricesIncludeTax: input.pricesIncludeTax ?? false,
          lines: input.lines ?? [line],
        },
        true,
      )
    },
    touch(companyId, id) {
      const stored = find(companyId, id)
      if (!stored) throw new Error(`the fake has no document ${id} in company ${companyId}`)
      store.update(companyId, stored.set, stored.id, {})
    },
    document(companyId, id) {
      const stored = find(companyId, id)
      return stored ? view(companyId, stored) : undefined
    },
    attachments,
    purchaseInvoices: (companyId) =>
      store.all(companyId, 'purchaseInvoices').map((stored) => {
        const { purchaseInvoiceLines, ...entity } = view(companyId, stored)
        return {
          id: stored.id,
          entity,
          lines: purchaseInvoiceLines as Record<string, unknown>[],
          attachments: attachments(companyId, 'Purchase Invoice', stored.id),
        }
      }),
    addVendor(companyId, vendor) {
      return store.insert(companyId, 'vendors', {
        number: parts.numbering(companyId).next('D'),
        displayName: vendor.name,
        country: 'PL',
        taxRegistrationNumber: vendor.nip,
        currencyCode: 'PLN',
        taxLiable: true,
      }).id
    },
    subscriptions: () =>
      parts.subscriptions.list().map((subscription) => ({
        subscriptionId: subscription.subscriptionId,
        notificationUrl: subscription.notificationUrl,
        resource: subscription.resource,
        clientState: subscription.clientState,
        expirationDateTime: new Date(subscription.expiresAt).toISOString(),
        handshakes: subscription.handshakes,
      })),
    flushNotifications: () => parts.notifications.flush(),
    automaticNotifications: (on) => parts.notifications.setAutomatic(on),
    deliveries: () => parts.notifications.deliveries(),
    notificationRequest(url, subscription, changes) {
      const expirationDateTime = new Date(parts.clock.now().getTime() + 3 * 24 * 3600 * 1000).toISOString()
      const value: NotificationItem[] = changes.map((change) => {
        const stored = find(change.companyId, change.id)
        return {
          subscriptionId: subscription.subscriptionId,
          clientState: subscription.clientState,
          expirationDateTime,
          resource: `api/v2.0/companies(${change.companyId})/${change.set ?? stored?.set ?? 'salesInvoices'}(${change.id})`,
          changeType: change.changeType ?? 'updated',
          lastModifiedDateTime: String(stored?.row.lastModifiedDateTime ?? BLANK.datetime),
        }
      })
      return {
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        rawBody: new TextEncoder().encode(JSON.stringify({ value })),
      }
    },
    failNext: (kind, count = 1, match, options) => parts.faults.add(kind, count, match, options),
    outage: parts.outage,
    expireTokens: () => parts.entra.revokeAll(),
    tokensIssued: () => parts.entra.issued,
    get requests() {
      return parts.log.map((entry) => ({ ...entry }))
    },
    close: parts.close,
  }
}
