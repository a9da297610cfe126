/**
 * A fake Ledgerly: its API as its (made-up) documentation describes it, with state. OAuth 2 token endpoint that
 * rotates the refresh token at every use, invoices pulled by `updated_after` + `after_id`, notes, attachments,
 * suppliers and bills, and webhook calls signed `t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">`. Written from the
 * API's description, not from the connector, so the two cannot agree on a misreading.
 *
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto'
import { warsawDay } from '@ksef-hub/fa3'
import { type FakeRequest, type FakeResponse, startFakeServer } from '../fake-server.ts'
import type { ConformanceFake } from '../harness.ts'

interface Line {
  description: string
  quantity: string
  unit_price: string
  tax_code: string
}

interface Invoice {
  id: string
  number: string
  kind: 'invoice' | 'credit_note'
  status: 'draft' | 'issued'
  issue_date: string
  currency: string
  exchange_rate?: string
  prices: 'net' | 'gross'
  issuer: { name: string; address: Address }
  customer: { id: string; name: string; tax_id: string | null; address: Address }
  lines: Line[]
  corrects?: { invoice_id: string; number: string; issue_date: string }
  reason?: string
  due_date?: string
  updated_at: string
  notes: { id: string; body: string }[]
}

interface Address {
  street: string
  city: string
  postal_code: string
  country: string
}

const TENANT = { id: 'ledgerly-tenant', nip: '5265877635', name: 'Sprzedawca Ledgerly sp. z o.o.' }
const SUPPLIER_NIP = '9512345675'
const token = (prefix: string) => `${prefix}_${randomBytes(18).toString('base64url')}`

function seed(now: Date): Invoice[] {
  const day = (daysAgo: number) => warsawDay(new Date(now.getTime() - daysAgo * 86_400_000))
  const issuer = {
    name: TENANT.name,
    address: { street: 'ul. Prosta 1', city: 'Warszawa', postal_code: '00-001', country: 'PL' },
  }
  const customer = (id: string, taxId: string | null) => ({
    id,
    name: `Nabywca ${id}`,
    tax_id: taxId,
    address: { street: 'ul. Długa 2', city: 'Kraków', postal_code: '30-001', country: 'PL' },
  })
  const line = (description: string, quantity: string, price: string, code: string): Line => ({
    description,
    quantity,
    unit_price: price,
    tax_code: code,
  })
  const base = { kind: 'invoice' as const, status: 'issued' as const, currency: 'PLN', prices: 'net' as const, issuer }
  const invoices: Omit<Invoice, 'updated_at' | 'notes'>[] = [
    {
      ...base,
      id: 'inv-1',
      number: 'LG/1',
      issue_date: day(9),
      customer: customer('C1', 'PL 701-000-21-39'),
      lines: [line('Consulting', '10', '150.00', 'S23'), line('Book', '2', '45.50', 'R8')],
      due_date: day(-5),
    },
    {
      ...base,
      id: 'inv-2',
      number: 'LG/2',
      issue_date: day(8),
      prices: 'gross',
      customer: customer('C2', '7750000120'),
      lines: [line('Licence', '1', '1230.00', 'S23')],
    },
    {
      ...base,
      id: 'inv-3',
      number: 'LG/3',
      issue_date: day(7),
      customer: customer('C3', '8460001005'),
      lines: [line('Hosting', '3', '99.99', 'S23'), line('Food', '4', '12.00', 'R5')],
    },
    {
      ...base,
      id: 'inv-4',
      number: 'LG/4',
      kind: 'credit_note',
      issue_date: day(6),
      reason: 'discount',
      customer: customer('C1', '7010002139'),
      lines: [line('Consulting', '-2', '150.00', 'S23')],
      corrects: { invoice_id: 'inv-1', number: 'LG/1', issue_date: day(9) },
    },
    {
      ...base,
      id: 'inv-5',
      number: 'LG/5',
      issue_date: day(5),
      customer: customer('C4', null),
      lines: [line('Support', '1', '500.00', 'S23')],
    },
    {
      ...base,
      id: 'inv-6',
      number: 'LG/6',
      issue_date: day(4),
      customer: customer('C2', '7750000120'),
      lines: [line('Import', '1', '80.00', 'GST')],
    },
    {
      ...base,
      id: 'inv-7',
      number: 'LG/7',
      status: 'draft',
      issue_date: day(3),
      customer: customer('C3', '8460001005'),
      lines: [line('Draft', '1', '1.00', 'S23')],
    },
  ]
  return invoices.map((invoice, index) => ({
    ...invoice,
    updated_at: new Date(now.getTime() - (invoices.length - index) * 60_000).toISOString(),
    notes: [],
  }))
}

/**
 * Starts a fake Ledgerly on 127.0.0.1.
 *
 * @example
 * ```ts
 * const fake = await startLedgerlyFake()
 * await fake.writeBackEffects('inv-1', ksefNumber) // 0
 * await fake.close()
 * ```
 */
export async function startLedgerlyFake(): Promise<ConformanceFake> {
  const invoices = seed(new Date())
  const attachments = new Map<string, Uint8Array>()
  const suppliers = [{ id: 'sup-1', name: 'Dostawca', tax_id: SUPPLIER_NIP }]
  const bills: { id: string; ksef_number: string }[] = []
  const client = { id: 'ledgerly-client-id', secret: token('cs') }
  const webhookSecret = token('whsec')
  let refreshToken = token('rt')
  let accessTokens = new Set([token('at')])
  let deliveries = 0

  const notFound: FakeResponse = { status: 404, json: { error: 'not_found' } }

  function tokenEndpoint(request: FakeRequest): FakeResponse {
    const basic = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`
    const form = new URLSearchParams(request.body.toString('utf8'))
    if (request.headers.authorization !== basic) return { status: 401, json: { error: 'invalid_client' } }
    if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== refreshToken) {
      return { status: 400, json: { error: 'invalid_grant' } }
    }
    refreshToken = token('rt')
    const access = token('at')
    accessTokens = new Set([access])
    return { json: { access_token: access, refresh_token: refreshToken, expires_in: 3600, token_type: 'Bearer' } }
  }

  function api(request: FakeRequest): FakeResponse {
    const { pathname, searchParams } = request.url
    const method = request.method
    if (method === 'GET' && pathname === '/v1/me') return { json: { company: TENANT.name } }
    if (method === 'GET' && pathname === '/v1/invoices') {
      const after = searchParams.get('updated_after') ?? ''
      const afterId = searchParams.get('after_id') ?? ''
      const limit = Number(searchParams.get('limit') ?? 50)
      const newer = invoices
        .filter((invoice) => invoice.updated_at > after || (invoice.updated_at === after && invoice.id > afterId))
        .sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id))
      return { json: { data: newer.slice(0, limit), has_more: newer.length > limit } }
    }
    const one = /^\/v1\/invoices\/([^/]+)(\/.*)?$/.exec(pathname)
    const invoice = one ? invoices.find((item) => item.id === decodeURIComponent(one[1] as string)) : undefined
    if (one && !invoice) return notFound
    if (invoice && method === 'GET' && !one?.[2]) return { json: invoice }
    if (invoice && method === 'POST' && one?.[2] === '/notes') {
      const note = { id: `note-${invoice.notes.length + 1}`, body: String(request.json<{ body: unknown }>().body) }
      invoice.notes.push(note)
      invoice.updated_at = new Date().toISOString()
      return { status: 201, json: note }
    }
    const attachment = /^\/attachments\/([^/]+)$/.exec(one?.[2] ?? '')
    if (invoice && method === 'PUT' && attachment) {
      attachments.set(`${invoice.id}/${attachment[1]}`, request.body)
      return { json: { name: attachment[1], size: request.body.length } }
    }
    if (method === 'GET' && pathname === '/v1/suppliers') {
      return { json: { data: suppliers.filter((item) => item.tax_id === searchParams.get('tax_id')) } }
    }
    if (method === 'GET' && pathname === '/v1/bills') {
      return { json: { data: bills.filter((bill) => bill.ksef_number === searchParams.get('ksef_number')) } }
    }
    if (method === 'POST' && pathname === '/v1/bills') {
      const body = request.json<{ supplier_id: string; ksef_number: string }>()
      if (!suppliers.some((item) => item.id === body.supplier_id)) return { status: 422, json: { error: 'supplier' } }
      const bill = { id: `bill-${bills.length + 1}`, ksef_number: body.ksef_number }
      bills.push(bill)
      return { status: 201, json: bill }
    }
    return notFound
  }

  const server = await startFakeServer(
    (request) => {
      if (request.url.pathname === '/oauth/token' && request.method === 'POST') return tokenEndpoint(request)
      const bearer = request.headers.authorization?.replace(/^Bearer /, '') ?? ''
      if (!accessTokens.has(bearer)) return { status: 401, json: { error: 'invalid_token' } }
      return api(request)
    },
    { exempt: (request) => request.url.pathname === '/oauth/token' },
  )

  return {
    settings: { baseUrl: server.url, pageSize: 2, taxCodes: { S23: '23', R8: '8', R5: '5' } },
    secrets: {
      clientId: client.id,
      clientSecret: client.secret,
      refreshToken,
      accessToken: [...accessTokens][0],
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      webhookSecret,
    },
    tenant: TENANT,
    mappable: ['inv-1', 'inv-2', 'inv-3', 'inv-4'],
    // Worked out by hand from the lines: 1500.00 + 23% and 91.00 + 8%; 1230.00 gross; 299.97 + 23% and 48.00 + 5%.
    expected: {
      'inv-1': { number: 'LG/1', type: 'VAT', buyerNip: '7010002139', totalDue: '1943.28' },
      'inv-2': { number: 'LG/2', type: 'VAT', buyerNip: '7750000120', totalDue: '1230.00' },
      'inv-3': { number: 'LG/3', type: 'VAT', buyerNip: '8460001005', totalDue: '419.36' },
      'inv-4': { number: 'LG/4', type: 'KOR', buyerNip: '7010002139', totalDue: '-369.00' },
    },
    unmappable: [
      { ref: 'inv-5', code: 'BUYER_NIP_MISSING' },
      { ref: 'inv-6', code: 'TAX_CODE_UNMAPPED' },
    ],
    supplierNip: SUPPLIER_NIP,
    async writeBackEffects(ref, ksefNumber) {
      const invoice = invoices.find((item) => item.id === ref)
      return invoice?.notes.filter((note) => note.body.includes(ksefNumber)).length ?? 0
    },
    async importEffects(ksefNumber) {
      return bills.filter((bill) => bill.ksef_number === ksefNumber).length
    },
    async webhook(refs) {
      const body = JSON.stringify({ id: `evt_${++deliveries}`, type: 'invoices.changed', data: { invoice_ids: refs } })
      const timestamp = Math.floor(Date.now() / 1000)
      const signature = createHmac('sha256', webhookSecret).update(`${timestamp}.${body}`).digest('hex')
      return {
        method: 'POST',
        url: 'https://hub.example/v1/webhooks/ledgerly',
        headers: { 'content-type': 'application/json', 'ledgerly-signature': `t=${timestamp},v1=${signature}` },
        rawBody: new TextEncoder().encode(body),
      }
    },
    failNext: (failure, count) => server.failNext(failure, count),
    expireAccessToken() {
      accessTokens = new Set()
    },
    currentRefreshToken: () => refreshToken,
    close: () => server.close(),
  }
}
