import { createHmac } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_KSEF_START_DATE, type FakeErp, startFakeErp } from './index.ts'
import { responseProblems, schemaProblems } from './openapi-check.ts'

let erp: FakeErp

beforeEach(async () => {
  erp = await startFakeErp({ apiKey: 'erp_test_key' })
})
afterEach(() => erp.close())

interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
}

/** Calls the fake and checks the answer against openapi.json. */
async function call(method: string, path: string, template: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${erp.url}${path}`, {
    method,
    ...init,
    headers: {
      authorization: 'Bearer erp_test_key',
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
  })
  const body = (await response.json()) as unknown
  expect(responseProblems(method, template, response.status, response.headers, body)).toEqual([])
  return { status: response.status, headers: response.headers, body }
}

const patchBody = (number = '5265877635-20260701-0200A0D6723E-C2') =>
  JSON.stringify({
    ksef: {
      number,
      acquisitionDate: '2026-07-01T10:15:00.000Z',
      verificationUrl: 'https://qr-test.ksef.mf.gov.pl/invoice/5265877635/01-07-2026/abc',
    },
  })

describe('the fake source answers as openapi.json says', () => {
  it('lists every document once across pages, in (updatedAt, id) order', async () => {
    erp.seed({ invoices: 12, creditNotes: 2 })
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = `?limit=5${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await call('GET', `/invoices${query}`, '/invoices')).body as {
        items: { id: string }[]
        nextCursor: string | null
      }
      seen.push(...page.items.map((item) => item.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(erp.documents().map((document) => document.id))
    expect(seen).toHaveLength(14)
  })

  it('lists from a time, inclusive, and lists a touched document again at the end', async () => {
    const { invoices } = erp.seed({ invoices: 6 })
    const third = erp.document(invoices[2]!)!
    const page = (await call('GET', `/invoices?updatedSince=${third.updatedAt}`, '/invoices')).body as {
      items: { id: string }[]
    }
    expect(page.items.map((item) => item.id)).toEqual(invoices.slice(2))
    erp.touch(invoices[0]!)
    const after = (await call('GET', `/invoices?updatedSince=${third.updatedAt}`, '/invoices')).body as {
      items: { id: string }[]
    }
    expect(after.items.map((item) => item.id)).toEqual([...invoices.slice(2), invoices[0]])
  })

  it('refuses bad query values with 400', async () => {
    expect((await call('GET', '/invoices?updatedSince=yesterday', '/invoices')).status).toBe(400)
    expect((await call('GET', '/invoices?limit=0', '/invoices')).status).toBe(400)
    expect((await call('GET', '/invoices?cursor=not-a-token', '/invoices')).status).toBe(400)
  })

  it('gives one document, and 404 for one it does not have', async () => {
    const { invoices } = erp.seed({ invoices: 1 })
    expect((await call('GET', `/invoices/${invoices[0]}`, '/invoices/{id}')).body).toEqual(erp.document(invoices[0]!))
    expect((await call('GET', '/invoices/inv-999999', '/invoices/{id}')).status).toBe(404)
  })

  it('stores KSeF fields by PATCH, as a change, counting each write', async () => {
    const { invoices } = erp.seed({ invoices: 2 })
    const before = erp.document(invoices[0]!)!
    const answer = await call('PATCH', `/invoices/${invoices[0]}`, '/invoices/{id}', { body: patchBody() })
    expect(answer.status).toBe(200)
    const after = erp.document(invoices[0]!)!
    expect(after.ksef.number).toBe('5265877635-20260701-0200A0D6723E-C2')
    expect(after.updatedAt > before.updatedAt).toBe(true)
    expect(erp.documents().at(-1)?.id).toBe(invoices[0])
    expect(erp.writeBackEffects(invoices[0]!, '5265877635-20260701-0200A0D6723E-C2')).toBe(1)
    expect(erp.writeBackEffects(invoices[1]!)).toBe(0)
  })

  it('refuses a PATCH with a field it does not know, naming it, and writes nothing', async () => {
    const { invoices } = erp.seed({ invoices: 1 })
    const body = JSON.stringify({ ksef: JSON.parse(patchBody()).ksef, status: 'paid' })
    const answer = await call('PATCH', `/invoices/${invoices[0]}`, '/invoices/{id}', { body })
    expect(answer.status).toBe(400)
    expect((answer.body as { message: string }).message).toMatch(/status/)
    const nested = JSON.stringify({ ksef: { ...JSON.parse(patchBody()).ksef, sentBy: 'hub' } })
    expect((await call('PATCH', `/invoices/${invoices[0]}`, '/invoices/{id}', { body: nested })).status).toBe(400)
    expect(erp.writeBackEffects(invoices[0]!)).toBe(0)
  })

  it('refuses a body over its limit with 413', async () => {
    const { invoices } = erp.seed({ invoices: 1 })
    const upo = Buffer.alloc(1024 * 1024).toString('base64')
    const body = JSON.stringify({ ksef: { ...JSON.parse(patchBody()).ksef, upo } })
    expect((await call('PATCH', `/invoices/${invoices[0]}`, '/invoices/{id}', { body })).status).toBe(413)
  })

  it('refuses calls without the API key with 401', async () => {
    expect((await call('GET', '/invoices', '/invoices', { headers: { authorization: 'Bearer wrong' } })).status).toBe(
      401,
    )
    const response = await fetch(`${erp.url}/invoices`)
    expect(response.status).toBe(401)
    expect(responseProblems('GET', '/invoices', 401, response.headers, await response.json())).toEqual([])
  })

  it('answers injected failures, then recovers', async () => {
    erp.failNext({ status: 429, retryAfterSeconds: 7 })
    erp.failNext({ status: 503 }, 2)
    erp.failNext({ status: 401 })
    const limited = await call('GET', '/invoices', '/invoices')
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7'])
    expect((await call('GET', '/invoices', '/invoices')).status).toBe(503)
    expect((await call('GET', '/invoices', '/invoices')).status).toBe(503)
    expect((await call('GET', '/invoices', '/invoices')).status).toBe(401)
    expect((await call('GET', '/invoices', '/invoices')).status).toBe(200)
  })

  it('holds a call it was told to hang until the client gives up', async () => {
    erp.failNext({ hang: true })
    const started = Date.now()
    await expect(
      fetch(`${erp.url}/invoices`, {
        headers: { authorization: 'Bearer erp_test_key' },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow()
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(erp.calls().at(-1)).toEqual({ method: 'GET', path: '/invoices', status: null })
  })

  it('refuses connections, or answers 503, during an outage, and serves again after it', async () => {
    await erp.outage('refused')
    await expect(fetch(`${erp.url}/invoices`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } })
    await erp.outage('unavailable')
    expect((await call('GET', '/invoices', '/invoices')).status).toBe(503)
    await erp.outage(false)
    expect((await call('GET', '/invoices', '/invoices')).status).toBe(200)
  })

  it('holds seeded documents that its own schema describes', () => {
    const seeded = erp.seed({
      invoices: 30,
      creditNotes: 3,
      withoutNip: 1,
      unmappedTax: 1,
      drafts: 1,
      outsideKsefCorrections: 2,
    })
    for (const document of erp.documents()) expect(schemaProblems('Invoice', document)).toEqual([])
    // Credit notes issued now of invoices the fake holds from before the seller's KSeF start.
    const corrected = seeded.outsideKsefCorrections.map((ref) => erp.document(ref)?.correction?.invoiceId)
    expect(corrected).toEqual(seeded.beforeKsef)
    for (const ref of seeded.beforeKsef) expect(erp.document(ref)!.issueDate < FAKE_KSEF_START_DATE).toBe(true)
    for (const ref of seeded.outsideKsefCorrections)
      expect(erp.document(ref)!.issueDate > FAKE_KSEF_START_DATE).toBe(true)
    // The check bites: an amount as a JSON number, or a field the document does not describe, is refused.
    const [document] = erp.documents()
    const line = { ...document!.lines[0]!, unitPrice: 150.5 }
    expect(schemaProblems('Invoice', { ...document, lines: [line] })).toEqual(['/lines/0/unitPrice must be string'])
    expect(schemaProblems('Invoice', { ...document, paid: true })).toEqual([
      '(body) must NOT have additional properties',
    ])
  })
})

describe("the fake source's webhooks", () => {
  const hubSigned = (body: string, secret: string, at = Math.floor(Date.now() / 1000)) =>
    `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${body}`).digest('hex')}`

  it('applies a signed write-back event once, however often it is delivered', async () => {
    const { invoices } = erp.seed({ invoices: 1 })
    const body = JSON.stringify({
      id: 'hub-invoice-1',
      type: 'invoice.confirmed',
      data: {
        ref: invoices[0],
        ksefNumber: '5265877635-20260701-0200A0D6723E-C2',
        acquisitionDate: '2026-07-01T10:15:00.000Z',
        verificationUrl: 'https://qr-test.ksef.mf.gov.pl/invoice/x',
      },
    })
    expect(schemaProblems('KsefEvent', JSON.parse(body))).toEqual([])
    const send = (signature: string) =>
      call('POST', '/ksef-events', '/ksef-events', {
        body,
        headers: { 'ksef-hub-signature': signature, authorization: '' },
      })
    expect((await send(hubSigned(body, erp.signingSecret))).body).toEqual({ received: true, duplicate: false })
    expect((await send(hubSigned(body, erp.signingSecret))).body).toEqual({ received: true, duplicate: true })
    expect((await send(hubSigned(body, 'whsec_not_the_secret'))).status).toBe(400)
    expect((await send(hubSigned(body, erp.signingSecret, Math.floor(Date.now() / 1000) - 600))).status).toBe(400)
    expect(erp.writeBackEffects(invoices[0]!)).toBe(1)
  })

  it('signs its change webhooks as openapi.json says', () => {
    const request = erp.webhookRequest('https://hub.example/webhooks/c1', ['inv-000001'])
    const body = new TextDecoder().decode(request.rawBody)
    expect(schemaProblems('ChangeEvent', JSON.parse(body))).toEqual([])
    const timestamp = request.headers['x-timestamp']
    const mac = createHmac('sha256', erp.webhookSecret).update(`${timestamp}.${body}`).digest('hex')
    expect(request.headers['x-signature']).toBe(`sha256=${mac}`)
  })
})
