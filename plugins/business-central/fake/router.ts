/**
 * The API's paths under `…/api/v2.0`: `companies`, everything of a company, and `subscriptions`, parsed into
 * OData segments (`salesInvoices(<id>)`, `subscriptions('<id>')`) and sent to the entity sets' routes.
 *
 * @module
 */
import { attachmentsRoute } from './attachments.ts'
import { type ApiContext, type ApiRequest, entityAnswer, listAnswer, type Segment } from './context.ts'
import { DIRECTORY_SETS, directoryRoute } from './directory.ts'
import { BC_ERRORS, CLIENT_STATE_MAX_LENGTH } from './facts.ts'
import { type Answer, BcError } from './http.ts'
import { find } from './lines.ts'
import { ENTITIES, type EntitySet, render } from './model.ts'
import { purchasesRoute } from './purchases.ts'
import { listQuery } from './query.ts'
import { salesRoute } from './sales.ts'
import type { Stored } from './store.ts'
import { type Subscription, type SubscriptionInput, subscriptionRow } from './webhooks.ts'
import { checkIfMatch, jsonObject } from './writes.ts'

const SEGMENT = /^([A-Za-z$][A-Za-z0-9.]*)(?:\((.*)\))?$/

/**
 * The OData segments of a path below the API base.
 *
 * @throws {BcError} BC's 404 for a segment that is not OData
 * @example
 * ```ts
 * parseSegments("/subscriptions('abc')") // [{ name: 'subscriptions', key: 'abc' }]
 * ```
 */
export function parseSegments(path: string): Segment[] {
  return path
    .split('/')
    .filter(Boolean)
    .map((part) => {
      const text = decodeURIComponent(part)
      const match = SEGMENT.exec(text)
      if (!match?.[1]) throw new BcError(BC_ERRORS.unknownSegment(text))
      const key = match[2]
      if (key === undefined) return { name: match[1] }
      return { name: match[1], key: /^'.*'$/.test(key) ? key.slice(1, -1).replaceAll("''", "'") : key }
    })
}

function subscriptionAnswer(context: ApiContext, subscription: Subscription, status = 200): Answer {
  const etag = context.subscriptions.etag(subscription)
  return {
    status,
    json: {
      '@odata.context': `${context.base}/$metadata#subscriptions/$entity`,
      ...render(ENTITIES.subscriptions, subscriptionRow(subscription), { etag }),
    },
    headers: { etag },
  }
}

function subscriptionInput(raw: Buffer): SubscriptionInput {
  const body = jsonObject(raw)
  const input: Record<string, string> = {}
  for (const name of ['notificationUrl', 'resource', 'clientState'] as const) {
    const value = body[name]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') throw new BcError(BC_ERRORS.badValue(String(value), 'Edm.String'))
    if (name === 'clientState' && value.length > CLIENT_STATE_MAX_LENGTH) {
      throw new BcError(BC_ERRORS.tooLong(value, CLIENT_STATE_MAX_LENGTH))
    }
    input[name] = value
  }
  return input
}

async function subscriptionsRoute(context: ApiContext, request: ApiRequest, segment: Segment): Promise<Answer> {
  const subscriptions = context.subscriptions
  if (segment.key === undefined) {
    if (request.method === 'GET') {
      const value = subscriptions
        .list()
        .map((subscription) =>
          render(ENTITIES.subscriptions, subscriptionRow(subscription), { etag: subscriptions.etag(subscription) }),
        )
      return { status: 200, json: { '@odata.context': `${context.base}/$metadata#subscriptions`, value } }
    }
    if (request.method !== 'POST') throw new BcError(BC_ERRORS.methodNotAllowed(request.method, 'subscriptions'))
    const created = await subscriptions.create(subscriptionInput(request.body), context.principal.clientId)
    return subscriptionAnswer(context, created, 201)
  }
  const subscription = subscriptions.get(segment.key)
  if (!subscription) throw new BcError(BC_ERRORS.notFound('API Webhook Subscription', segment.key))
  switch (request.method) {
    case 'GET':
      return subscriptionAnswer(context, subscription)
    case 'PATCH': {
      const input = subscriptionInput(request.body)
      checkIfMatch(request.headers['if-match'], subscriptions.etag(subscription), true)
      return subscriptionAnswer(context, await subscriptions.renew(subscription, input))
    }
    case 'DELETE':
      checkIfMatch(request.headers['if-match'], subscriptions.etag(subscription), false)
      subscriptions.delete(subscription.subscriptionId)
      return { status: 204 }
    default:
      throw new BcError(BC_ERRORS.methodNotAllowed(request.method, 'subscriptions'))
  }
}

function companyOf(context: ApiContext, companyId: string): Stored {
  return context.store.all(companyId, 'companies')[0] as Stored
}

function companiesRoute(
  context: ApiContext,
  request: ApiRequest,
  segments: readonly Segment[],
): Answer | Promise<Answer> {
  const [head, next] = segments as [Segment, Segment | undefined]
  const spec = ENTITIES.companies
  if (head.key === undefined) {
    if (next !== undefined) throw new BcError(BC_ERRORS.unknownSegment(next.name))
    if (request.method !== 'GET') throw new BcError(BC_ERRORS.methodNotAllowed(request.method, 'companies'))
    const companies = context.store.companyIds().map((id) => companyOf(context, id))
    return listAnswer(context, request, spec, companies, listQuery(spec, request.url.searchParams, []), {
      context: 'companies',
    })
  }
  if (!/^[0-9a-fA-F-]{36}$/.test(head.key)) throw new BcError(BC_ERRORS.badKey())
  const companyId = head.key.toLowerCase()
  if (!context.store.hasCompany(companyId)) throw new BcError(BC_ERRORS.notFound(spec.table, head.key))
  if (next === undefined) {
    if (request.method !== 'GET') throw new BcError(BC_ERRORS.methodNotAllowed(request.method, 'companies'))
    return entityAnswer(context, spec, find(context, companyId, 'companies', companyId), { context: 'companies' })
  }
  const rest = segments.slice(1)
  switch (next.name as EntitySet) {
    case 'salesInvoices':
    case 'salesCreditMemos':
      return salesRoute(context, request, companyId, rest)
    case 'purchaseInvoices':
      return purchasesRoute(context, request, companyId, rest)
    case 'documentAttachments':
      return attachmentsRoute(context, request, companyId, rest)
    default:
      if (DIRECTORY_SETS.includes(next.name as EntitySet)) return directoryRoute(context, request, companyId, rest)
      throw new BcError(BC_ERRORS.unknownSegment(next.name))
  }
}

/**
 * Answers an API request (its path already below the API base).
 *
 * @throws {BcError} what BC refuses the request with
 * @example
 * ```ts
 * const answer = await routeApi(context, request)
 * ```
 */
export async function routeApi(context: ApiContext, request: ApiRequest): Promise<Answer> {
  const [head] = request.segments
  if (!head) throw new BcError(BC_ERRORS.unknownSegment(''))
  if (head.name === 'subscriptions' && request.segments.length === 1) return subscriptionsRoute(context, request, head)
  if (head.name === 'companies') return companiesRoute(context, request, request.segments)
  throw new BcError(BC_ERRORS.unknownSegment(head.name))
}
