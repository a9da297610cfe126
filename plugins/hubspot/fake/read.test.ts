import { isValidNip } from '@ksef-hub/fa3'
import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contractClient } from './contract-check.ts'
import { FAKE_TAX_RATES, type FakeHubSpot, type HubSpotSeedResult, startFakeHubSpot } from './index.ts'

type Json = Record<string, unknown>
type HsObject = {
  id: string
  properties: Record<string, string | null>
  associations?: Record<string, { results: { id: string; type: string }[] }>
}

let fake: FakeHubSpot
let api: ReturnType<typeof contractClient>
let seeded: HubSpotSeedResult

beforeAll(async () => {
  fake = await startFakeHubSpot({ seed: 11 })
  api = contractClient(fake)
  seeded = fake.seed({ invoices: 9, corrections: 2, withoutNip: 1, unmappedTaxRate: 1, drafts: 1, voided: 1 })
})
afterAll(() => fake.close())

/** Calls and checks the answer against the index. */
async function ok(method: string, path: string, json?: unknown) {
  const answer = await api.call(method, path, json === undefined ? {} : { json })
  expect(answer.problems).toEqual([])
  expect(answer.status).toBeLessThan(300)
  return answer.body as Json
}

describe('seeding', () => {
  it('gives the same ids, numbers and amounts for the same seed, and other documents for another', async () => {
    const [twin, other] = await Promise.all([startFakeHubSpot({ seed: 11 }), startFakeHubSpot({ seed: 12 })])
    try {
      const options = { invoices: 9, corrections: 2, withoutNip: 1, unmappedTaxRate: 1, drafts: 1, voided: 1 }
      expect(twin.seed(options)).toEqual(seeded)
      const view = (hub: FakeHubSpot, id: string) => {
        const { properties, lineItems } = hub.invoice(id)!
        return {
          number: properties.hs_number,
          billed: properties.hs_amount_billed,
          lines: lineItems.map((line) => line.properties.price),
        }
      }
      expect(seeded.invoices.map((id) => view(twin, id))).toEqual(seeded.invoices.map((id) => view(fake, id)))
      other.seed(options)
      expect(seeded.invoices.map((id) => view(other, id))).not.toEqual(seeded.invoices.map((id) => view(fake, id)))
    } finally {
      await Promise.all([twin.close(), other.close()])
    }
  })

  it('makes invoices whose totals add up, in PLN and EUR, at several tax-rate groups including 0 % and ZW', () => {
    const groups = new Set<string>()
    const currencies = new Set<string>()
    for (const id of seeded.invoices) {
      const invoice = fake.invoice(id)!
      currencies.add(invoice.properties.hs_currency ?? '')
      let subtotal = new Decimal(0)
      let tax = new Decimal(0)
      for (const line of invoice.lineItems) {
        groups.add(FAKE_TAX_RATES.find((rate) => rate.id === line.properties.hs_tax_rate_group_id)?.name ?? '?')
        expect(new Decimal(line.properties.quantity!).times(line.properties.price!).toFixed(2)).toBe(
          line.properties.amount,
        )
        subtotal = subtotal.plus(line.properties.amount!)
        tax = tax.plus(line.properties.hs_tax_amount!)
      }
      expect(invoice.properties.hs_subtotal).toBe(subtotal.toFixed(2))
      expect(invoice.properties.hs_amount_billed).toBe(subtotal.plus(tax).toFixed(2))
      expect(invoice.properties.hs_invoice_status).toBe('open')
    }
    expect([...currencies].sort()).toEqual(['EUR', 'PLN'])
    expect(groups.size).toBeGreaterThanOrEqual(4)
    expect([...groups].some((name) => name.startsWith('0%') || name === 'ZW')).toBe(true)
    expect(fake.invoice(seeded.invoices[2]!)?.properties.hs_exchange_rate).toBe('4.2651')
  })

  it('gives buyers NIPs in the NIP property, written plain, with PL and with dashes; and the broken cases', () => {
    const nips = seeded.invoices.map((id) => fake.invoice(id)?.company?.properties[fake.nipProperty] ?? '')
    expect(nips.some((nip) => /^\d{10}$/.test(nip))).toBe(true)
    expect(nips.some((nip) => /^PL\d{10}$/.test(nip))).toBe(true)
    expect(nips.some((nip) => /^PL \d{3}-\d{3}-\d{2}-\d{2}$/.test(nip))).toBe(true)
    expect(nips.every((nip) => isValidNip(nip.replace(/^PL/, '').replace(/\D/g, '')))).toBe(true)
    expect(fake.invoice(seeded.withoutNip[0]!)?.company?.properties[fake.nipProperty]).toBeUndefined()
    const unmapped = fake
      .invoice(seeded.unmappedTaxRate[0]!)!
      .lineItems.map((line) => line.properties.hs_tax_rate_group_id)
    expect(unmapped).toContain('88310009')
    expect(fake.invoice(seeded.drafts[0]!)?.properties.hs_invoice_status).toBe('draft')
    expect(fake.invoice(seeded.voided[0]!)?.properties.hs_invoice_status).toBe('voided')
  })

  it('makes corrections with negative lines, naming the invoice they correct, issued after it', () => {
    for (const [index, id] of seeded.corrections.entries()) {
      const correction = fake.invoice(id)!
      expect(correction.properties[fake.correctionProperty]).toBe(seeded.invoices[index])
      expect(correction.properties.correction_reason).toBeTruthy()
      expect(Number(correction.lineItems[0]?.properties.quantity)).toBeLessThan(0)
      expect(Number(correction.properties.hs_amount_billed)).toBeLessThan(0)
      const original = fake.invoice(seeded.invoices[index]!)!
      expect(correction.properties.hs_invoice_date! >= original.properties.hs_invoice_date!).toBe(true)
      expect(correction.properties.hs_currency).toBe(original.properties.hs_currency)
    }
  })

  it('stores invoice dates as the portal`s midnight (Europe/Warsaw), in the past', () => {
    const date = fake.invoice(seeded.invoices[0]!)!.properties.hs_invoice_date!
    expect(date).toMatch(/T2[23]:00:00\.000Z$/)
    expect(Date.parse(date)).toBeLessThan(fake.clock.now().getTime())
  })
})

describe('reading invoices', () => {
  it('answers the properties asked for, with the id and stamps always, null for empty ones, unknown ones left out', async () => {
    const id = seeded.invoices[0]!
    const invoice = (await ok(
      'GET',
      `/crm/v3/objects/invoices/${id}?properties=hs_number,hs_currency,hs_comments,nope`,
    )) as HsObject
    expect(Object.keys(invoice.properties)).toEqual([
      'hs_comments',
      'hs_createdate',
      'hs_currency',
      'hs_lastmodifieddate',
      'hs_number',
      'hs_object_id',
    ])
    expect(invoice.properties).toMatchObject({
      hs_comments: null,
      hs_object_id: id,
      hs_number: 'FV/0001/2026'.replace('2026', String(fake.clock.now().getUTCFullYear())),
    })
    const plain = (await ok('GET', `/crm/v3/objects/invoices/${id}`)) as HsObject
    expect(Object.keys(plain.properties)).toEqual(['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'])
  })

  it('answers v3 associations, line items under "line items"', async () => {
    const id = seeded.invoices[1]!
    const invoice = (await ok(
      'GET',
      `/crm/v3/objects/invoices/${id}?associations=line_items&associations=companies,contacts`,
    )) as HsObject
    const view = fake.invoice(id)!
    expect(invoice.associations?.['line items']?.results).toEqual(
      view.lineItems.map((line) => ({ id: line.id, type: 'invoice_to_line_item' })),
    )
    expect(invoice.associations?.companies?.results).toEqual([{ id: view.company!.id, type: 'invoice_to_company' }])
    expect(invoice.associations?.contacts?.results).toHaveLength(1)
  })

  it('answers 404 with HubSpot`s error body for an unknown id, and 400 for an unknown object type', async () => {
    const missing = await api.call('GET', '/crm/v3/objects/invoices/1')
    expect([missing.status, (missing.body as Json).category, missing.problems]).toEqual([404, 'OBJECT_NOT_FOUND', []])
    const unknown = await api.call('GET', '/crm/v3/objects/invoicez/1')
    expect([unknown.status, (unknown.body as Json).message]).toEqual([
      400,
      'Unable to infer object type from: invoicez',
    ])
  })

  it('lists a type page by page with paging.next.after', async () => {
    const ids: string[] = []
    let after: string | undefined
    do {
      const page = (await ok('GET', `/crm/v3/objects/invoices?limit=4${after ? `&after=${after}` : ''}`)) as {
        results: HsObject[]
        paging?: { next: { after: string } }
      }
      ids.push(...page.results.map((result) => result.id))
      after = page.paging?.next.after
    } while (after)
    expect(ids).toHaveLength(15)
    expect(new Set(ids).size).toBe(15)
  })

  it('batch-reads line items, and answers 207 naming the ids it could not find', async () => {
    const lines = fake.invoice(seeded.invoices[0]!)!.lineItems.map((line) => line.id)
    const body = {
      inputs: lines.map((id) => ({ id })),
      properties: ['name', 'quantity', 'price', 'amount', 'hs_tax_rate_group_id'],
      propertiesWithHistory: [],
    }
    const found = (await ok('POST', '/crm/v3/objects/line_items/batch/read', body)) as {
      status: string
      results: HsObject[]
    }
    expect(found.status).toBe('COMPLETE')
    expect(found.results.map((line) => line.id).sort()).toEqual([...lines].sort())
    expect(found.results[0]?.properties.hs_tax_rate_group_id).toMatch(/^8831000\d$/)
    const partial = await api.call('POST', '/crm/v3/objects/line_items/batch/read', {
      json: { ...body, inputs: [{ id: lines[0] }, { id: '1' }] },
    })
    expect(partial.status).toBe(207)
    expect(partial.problems).toEqual([])
    expect(partial.body).toMatchObject({
      numErrors: 1,
      errors: [{ category: 'OBJECT_NOT_FOUND', context: { ids: ['1'] } }],
    })
  })
})

describe('associations v4, tax rates and properties', () => {
  it('lists an invoice`s line items with HubSpot`s type ids', async () => {
    const id = seeded.invoices[0]!
    const page = (await ok('GET', `/crm/v4/objects/invoices/${id}/associations/line_items`)) as {
      results: { toObjectId: string; associationTypes: { category: string; typeId: number }[] }[]
    }
    expect(page.results.map((result) => result.toObjectId)).toEqual(fake.invoice(id)!.lineItems.map((line) => line.id))
    expect(page.results[0]?.associationTypes).toEqual([{ category: 'HUBSPOT_DEFINED', typeId: 409 }])
    const reverse = (await ok(
      'GET',
      `/crm/v4/objects/line_items/${page.results[0]?.toObjectId}/associations/invoices`,
    )) as {
      results: { toObjectId: string; associationTypes: { typeId: number }[] }[]
    }
    expect(reverse.results).toEqual([
      { toObjectId: id, associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 410 }] },
    ])
    const batch = (await ok('POST', '/crm/v4/associations/invoices/companies/batch/read', { inputs: [{ id }] })) as {
      results: { from: { id: string }; to: { toObjectId: string }[] }[]
    }
    expect(batch.results[0]?.to.map((to) => to.toObjectId)).toEqual([fake.invoice(id)!.company!.id])
  })

  it('reads tax-rate groups one by one and as a list', async () => {
    expect(await ok('GET', '/tax-rates/v1/tax-rates/88310007')).toMatchObject({
      name: 'ZW',
      percentageRate: 0,
      active: true,
    })
    const list = (await ok('GET', '/tax-rates/v1/tax-rates?limit=5')) as {
      results: Json[]
      paging: { next: { after: string } }
    }
    expect(list.results).toHaveLength(5)
    const rest = (await ok('GET', `/tax-rates/v1/tax-rates?after=${list.paging.next.after}`)) as { results: Json[] }
    expect(rest.results).toHaveLength(FAKE_TAX_RATES.length - 5)
  })

  it('lists properties with their types and read-only flags, the portal`s NIP and correction properties included', async () => {
    const invoices = (await ok('GET', '/crm/v3/properties/invoices')) as { results: Json[] }
    const byName = new Map(invoices.results.map((property) => [property.name, property]))
    expect(byName.get('hs_invoice_status')).toMatchObject({
      type: 'enumeration',
      options: expect.arrayContaining([expect.objectContaining({ value: 'voided' })]),
    })
    expect(byName.get('hs_amount_billed')).toMatchObject({ modificationMetadata: { readOnlyValue: true } })
    expect(byName.get(fake.correctionProperty)).toMatchObject({
      hubspotDefined: false,
      groupName: 'invoiceinformation',
    })
    expect(await ok('GET', `/crm/v3/properties/companies/${fake.nipProperty}`)).toMatchObject({
      type: 'string',
      hubspotDefined: false,
    })
    const groups = (await ok('GET', '/crm/v3/properties/invoices/groups')) as { results: Json[] }
    expect(groups.results.map((group) => group.name)).toContain('invoiceinformation')
  })
})
