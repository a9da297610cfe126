/**
 * Ledgerly, a made-up invoicing system, as a complete connector: OAuth 2 with rotating refresh tokens, a keyset
 * pull, mapping through `composeInvoice`, write-back as a note plus the UPO as an attachment, import of purchase
 * invoices as bills, and signed webhooks. The kit's own tests run it (and broken copies of it) against its fake.
 *
 * @module
 */
import { z } from 'zod'
import { withFreshCredentials } from '../../auth/credentials.ts'
import { refreshTokenGrant } from '../../auth/oauth2.ts'
import type { ConnectorContext } from '../../contract/context.ts'
import { type ConnectorSpec, defineConnector, SDK_VERSION } from '../../contract/definition.ts'
import type { HttpRequest, HttpResponse } from '../../contract/http.ts'
import { ConnectorError, MappingError } from '../../errors.ts'
import { composeInvoice } from '../../mapping/sales-document.ts'
import type { SalesAddress, SalesDocument } from '../../mapping/sales-document-schema.ts'
import { taxCodeTable } from '../../mapping/tax-codes.ts'
import { hmacSha256, isFresh, safeEqual } from '../../webhooks/signatures.ts'

const settings = z.object({
  baseUrl: z.url(),
  pageSize: z.int().min(1).max(100).default(50),
  taxCodes: taxCodeTable,
})

const secrets = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  refreshToken: z.string().min(1),
  accessToken: z.string().min(1).optional(),
  /** ISO 8601: when `accessToken` expires. */
  expiresAt: z.string().optional(),
  webhookSecret: z.string().min(16),
})

type Settings = z.output<typeof settings>
type Secrets = z.output<typeof secrets>
type Context = ConnectorContext<Settings, Secrets>

const cursor = z.object({ updatedAt: z.string(), id: z.string() })

const address = z.object({ street: z.string(), city: z.string(), postal_code: z.string(), country: z.string() })
const invoiceRecord = z.object({
  id: z.string(),
  number: z.string(),
  kind: z.string(),
  status: z.enum(['draft', 'issued']),
  issue_date: z.string(),
  currency: z.string(),
  exchange_rate: z.string().optional(),
  prices: z.enum(['net', 'gross']),
  issuer: z.object({ name: z.string(), address }),
  customer: z.object({ id: z.string(), name: z.string(), tax_id: z.string().nullable(), address }),
  lines: z.array(
    z.object({ description: z.string(), quantity: z.string(), unit_price: z.string(), tax_code: z.string() }),
  ),
  corrects: z.object({ invoice_id: z.string(), number: z.string(), issue_date: z.string() }).optional(),
  reason: z.string().optional(),
  due_date: z.string().optional(),
  updated_at: z.string(),
  notes: z.array(z.object({ id: z.string(), body: z.string() })),
})
type InvoiceRecord = z.output<typeof invoiceRecord>

const postal = (value: z.output<typeof address>): SalesAddress => ({
  countryCode: value.country,
  line1: value.street,
  line2: `${value.postal_code} ${value.city}`,
})

/** Every call carries the access token, renewed once on a 401. */
function call(context: Context, request: HttpRequest): Promise<HttpResponse> {
  return withFreshCredentials(context.credentials, (current) =>
    context.http.request({
      ...request,
      url: `${context.settings.baseUrl}${request.url}`,
      headers: { ...request.headers, authorization: `Bearer ${current.accessToken}` },
    }),
  )
}

function salesDocument(record: InvoiceRecord): SalesDocument {
  if (record.kind !== 'invoice' && record.kind !== 'credit_note') {
    throw new MappingError('DOCUMENT_TYPE_UNSUPPORTED', 'kind', `Ledgerly ${record.kind} ${record.number}`, {
      fix: 'issue it as an invoice or a credit note',
    })
  }
  return {
    kind: record.kind === 'credit_note' ? 'correction' : 'invoice',
    number: record.number,
    issueDate: record.issue_date,
    currency: record.currency,
    ...(record.exchange_rate ? { exchangeRate: record.exchange_rate } : {}),
    prices: record.prices,
    seller: { name: record.issuer.name, address: postal(record.issuer.address) },
    buyer: {
      name: record.customer.name,
      nipCandidates: [['customer.tax_id', record.customer.tax_id]],
      address: postal(record.customer.address),
      customerNumber: record.customer.id,
    },
    lines: record.lines.map((line) => ({
      name: line.description,
      quantity: line.quantity,
      unitPrice: line.unit_price,
      taxCode: line.tax_code,
    })),
    ...(record.due_date ? { payment: { dueDate: record.due_date, method: 'transfer' as const } } : {}),
    ...(record.corrects
      ? {
          correction: {
            ...(record.reason ? { reason: record.reason } : {}),
            original: {
              ref: record.corrects.invoice_id,
              number: record.corrects.number,
              issueDate: record.corrects.issue_date,
            },
          },
        }
      : {}),
  }
}

const webhookBody = z.object({ id: z.string().min(1), data: z.object({ invoice_ids: z.array(z.string()) }) })

/** The spec, for tests that build broken copies of it. */
export const ledgerlySpec = {
  id: 'ledgerly',
  displayName: 'Ledgerly',
  version: '1.0.0',
  sdkVersion: SDK_VERSION,
  settings,
  secrets,
  hosts: (current) => [current.baseUrl],
  limits: () => ({ requestsPerMinute: 600, concurrent: 4 }),
  auth: {
    kind: 'oauth2',
    expiresAt: (current) => (current.accessToken && current.expiresAt ? new Date(current.expiresAt) : undefined),
    async refresh({ settings: current, secrets: stored, http, now }) {
      const client = {
        tokenUrl: `${current.baseUrl}/oauth/token`,
        clientId: stored.clientId,
        clientSecret: stored.clientSecret,
      }
      const tokens = await refreshTokenGrant(http, client, stored.refreshToken, now())
      return {
        ...stored,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken ?? stored.refreshToken,
        expiresAt: tokens.expiresAt.toISOString(),
      }
    },
  },
  async healthCheck(context) {
    await call(context, { url: '/v1/me' })
  },
  pull: {
    cursor,
    async page(context, from) {
      const response = await call(context, {
        url: '/v1/invoices',
        query: { updated_after: from?.updatedAt, after_id: from?.id, limit: context.settings.pageSize },
      })
      const page = z.object({ data: z.array(z.unknown()), has_more: z.boolean() }).parse(response.json())
      const records = page.data.map((item) => invoiceRecord.parse(item))
      const last = records.at(-1)
      return {
        documents: records.map((record) => ({ ref: record.id, updatedAt: record.updated_at, data: record })),
        cursor: last ? { updatedAt: last.updated_at, id: last.id } : (from ?? { updatedAt: '', id: '' }),
        more: page.has_more,
      }
    },
  },
  async map(context, document) {
    const record = invoiceRecord.parse(document.data)
    if (record.status === 'draft') return { skip: 'a draft' }
    const invoice = await composeInvoice(salesDocument(record), {
      tenant: context.tenant,
      taxCodes: context.settings.taxCodes,
      hub: context.hub,
      label: `Ledgerly ${record.number} (${record.id})`,
    })
    return { invoice }
  },
  async writeBack(context, document, result) {
    const path = `/v1/invoices/${encodeURIComponent(document.ref)}`
    const current = invoiceRecord.parse((await call(context, { url: path })).json())
    // Read first: a retried job finds the note it wrote before its answer was lost.
    if (current.notes.some((note) => note.body.includes(result.ksefNumber))) return { method: 'already' }
    await call(context, {
      method: 'PUT',
      url: `${path}/attachments/UPO-${result.ksefNumber}.xml`,
      headers: { 'content-type': 'application/xml' },
      body: result.upoXml,
    })
    await call(context, {
      method: 'POST',
      url: `${path}/notes`,
      json: { body: `KSeF: ${result.ksefNumber} (${result.acquisitionDate.toISOString()}) ${result.verificationUrl}` },
    })
    return { method: 'note' }
  },
  async importIncoming(context, incoming) {
    const bills = z.object({ data: z.array(z.object({ id: z.string() })) })
    const found = bills.parse(
      (await call(context, { url: '/v1/bills', query: { ksef_number: incoming.ksefNumber } })).json(),
    )
    if (found.data[0]) return { ref: found.data[0].id, created: false }
    const suppliers = bills.parse(
      (await call(context, { url: '/v1/suppliers', query: { tax_id: incoming.sellerNip } })).json(),
    )
    const supplier = suppliers.data[0]
    if (!supplier) {
      throw new ConnectorError('validation', `Ledgerly has no supplier with NIP ${incoming.sellerNip}: add it first`)
    }
    const created = await call(context, {
      method: 'POST',
      url: '/v1/bills',
      headers: { 'idempotency-key': incoming.ksefNumber },
      json: {
        supplier_id: supplier.id,
        number: incoming.invoiceNumber,
        ksef_number: incoming.ksefNumber,
        issue_date: incoming.issueDate,
        currency: incoming.currency,
        total: incoming.grossAmount,
      },
    })
    return { ref: z.object({ id: z.string() }).parse(created.json()).id, created: true }
  },
  webhooks: {
    verify(request, context) {
      const fields = new Map(
        (request.headers['ledgerly-signature'] ?? '').split(',').map((part) => {
          const at = part.indexOf('=')
          return [part.slice(0, at), part.slice(at + 1)] as const
        }),
      )
      const timestamp = fields.get('t') ?? ''
      if (!isFresh(Number(timestamp) * 1000, context.now(), 300_000)) return { ok: false, reason: 'stale timestamp' }
      const expected = hmacSha256(context.secrets.webhookSecret, `${timestamp}.`, request.rawBody).toString('hex')
      return safeEqual(fields.get('v1') ?? '', expected) ? { ok: true } : { ok: false, reason: 'bad signature' }
    },
    parse(request) {
      const body = webhookBody.parse(JSON.parse(new TextDecoder().decode(request.rawBody)))
      return { deliveryId: body.id, events: [{ refs: body.data.invoice_ids }] }
    },
  },
} satisfies ConnectorSpec<typeof settings, typeof secrets, z.output<typeof cursor>>

/** The Ledgerly connector. */
export const ledgerly = defineConnector(ledgerlySpec)
