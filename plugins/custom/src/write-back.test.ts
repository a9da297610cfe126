import { ConnectorError, type TenantInfo, type WriteBackResult } from '@ksef-hub/connector-sdk'
import { formatKsefNumber, warsawDay } from '@ksef-hub/fa3'
import { randomNip } from '@ksef-hub/fa3/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_SELLER, type FakeErp, startFakeErp } from '../fake/index.ts'
import { schemaProblems } from '../fake/openapi-check.ts'
import custom from './index.ts'
import { fakeSettings, testContext } from './test-context.ts'

const tenant: TenantInfo = { id: 'tenant-1', nip: randomNip(), name: FAKE_SELLER.name }
let erp: FakeErp
let ref: string

beforeEach(async () => {
  erp = await startFakeErp()
  ref = erp.seed({ invoices: 1 }).invoices[0]!
})
afterEach(() => erp.close())

const result = (invoiceId = 'hub-invoice-1'): WriteBackResult => ({
  invoiceId,
  ksefNumber: formatKsefNumber(tenant.nip, warsawDay(new Date()), '0200A0D6723E'),
  acquisitionDate: new Date('2026-07-01T10:15:00.123Z'),
  upoXml: new TextEncoder().encode('<?xml version="1.0" encoding="UTF-8"?><Potwierdzenie/>'),
  verificationUrl: 'https://qr-test.ksef.mf.gov.pl/invoice/5265877635/01-07-2026/UtQp9Gpc51y',
  invoiceNumber: 'FV/2026/07/00001',
  invoiceType: 'VAT',
})

function context(
  writeBack: Record<string, unknown> = {},
  secrets: Record<string, unknown> = {},
  fetcher?: typeof fetch,
) {
  return testContext({
    settings: fakeSettings(erp, { writeBack: { kind: 'patch', ...writeBack } }),
    secrets: { apiKey: erp.apiKey, ...secrets },
    tenant,
    ...(fetcher ? { fetch: fetcher } : {}),
  }).context
}

/** A fetch that records what the connector sends. */
function recording(sent: { method: string; url: string; body: unknown }[]): typeof fetch {
  return async (input, init) => {
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined
    sent.push({ method: init?.method ?? 'GET', url: String(input), body })
    return fetch(input, init)
  }
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the write-back succeeded')
    },
    (error: unknown) => {
      if (!(error instanceof ConnectorError)) throw error
      return error
    },
  )

describe('write-back by PATCH', () => {
  it('writes once: the second call reads the number there and writes nothing', async () => {
    const sent: { method: string; url: string; body: unknown }[] = []
    const writeBack = custom.writeBack!
    expect(await writeBack(context({}, {}, recording(sent)), { ref }, result())).toEqual({ method: 'field' })
    expect(await writeBack(context({}, {}, recording(sent)), { ref }, result())).toEqual({ method: 'already' })
    expect(erp.writeBackEffects(ref, result().ksefNumber)).toBe(1)
    expect(sent.map((call) => call.method)).toEqual(['GET', 'PATCH', 'GET'])
    // What the default body sends is what openapi.json documents.
    expect(schemaProblems('KsefPatch', sent[1]?.body)).toEqual([])
    expect(erp.document(ref)?.ksef).toEqual({
      number: result().ksefNumber,
      acquisitionDate: '2026-07-01T10:15:00.123Z',
      verificationUrl: result().verificationUrl,
      upoAttached: true,
    })
  })

  it('writes once when the answer to its PATCH is lost and the hub tries again', async () => {
    const losing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (init?.method === 'PATCH') throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })
      return response
    }
    const lost = await failure(custom.writeBack!(context({}, {}, losing), { ref }, result()))
    expect([lost.kind, lost.retryable]).toEqual(['transient', true])
    expect(await custom.writeBack!(context(), { ref }, result())).toEqual({ method: 'already' })
    expect(erp.writeBackEffects(ref)).toBe(1)
  })

  it('reports a document the source no longer has, and a failing expression by its settings field', async () => {
    expect((await failure(custom.writeBack!(context(), { ref: 'inv-999999' }, result()))).kind).toBe('not_found')
    const broken = await failure(custom.writeBack!(context({ alreadyWhen: '$number(number)' }), { ref }, result()))
    expect([broken.kind, broken.message]).toEqual([
      'validation',
      expect.stringMatching(/^settings\.writeBack\.alreadyWhen failed/),
    ])
    expect(erp.writeBackEffects(ref)).toBe(0)
  })

  it('is refused by the source when the body has a field it does not know', async () => {
    const body =
      '{ "ksef": { "number": ksefNumber, "acquisitionDate": acquisitionDate, "verificationUrl": verificationUrl }, "paid": true }'
    const refused = await failure(custom.writeBack!(context({ body }), { ref }, result()))
    expect([refused.kind, refused.status]).toEqual(['validation', 400])
    expect(refused.message).toMatch(/paid/)
  })
})

describe('write-back by signed webhook', () => {
  const webhook = () => ({ kind: 'webhook', url: erp.eventsUrl })

  it('delivers an event the receiver checks and applies once, however often it is sent', async () => {
    const secrets = { signingSecret: erp.signingSecret }
    expect(await custom.writeBack!(context(webhook(), secrets), { ref }, result())).toEqual({ method: 'webhook' })
    expect(await custom.writeBack!(context(webhook(), secrets), { ref }, result())).toEqual({ method: 'webhook' })
    expect(erp.writeBackEffects(ref, result().ksefNumber)).toBe(1)
    expect(erp.document(ref)?.ksef.upoAttached).toBe(true)
  })

  it('is refused by the receiver when signed with another secret, and needs its secret', async () => {
    const forged = await failure(
      custom.writeBack!(context(webhook(), { signingSecret: 'whsec_another_secret_entirely' }), { ref }, result()),
    )
    expect([forged.kind, forged.status]).toEqual(['validation', 400])
    const unsigned = await failure(custom.writeBack!(context(webhook()), { ref }, result()))
    expect([unsigned.kind, unsigned.message]).toEqual(['auth', expect.stringMatching(/secrets\.signingSecret/)])
    expect(erp.writeBackEffects(ref)).toBe(0)
  })
})

describe('no write-back', () => {
  it('writes nothing and says so, calling nothing', async () => {
    const sent: { method: string; url: string; body: unknown }[] = []
    const outcome = await custom.writeBack!(context({ kind: 'none' }, {}, recording(sent)), { ref }, result())
    expect(outcome).toEqual({ method: 'none' })
    expect(sent).toEqual([])
    expect(erp.writeBackEffects(ref)).toBe(0)
  })
})
