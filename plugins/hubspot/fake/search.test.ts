import { createClock, startedPerTest } from '@ksef-hub/connector-sdk/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { contractClient } from './contract-check.ts'
import { type FakeHubSpotOptions, startFakeHubSpot } from './index.ts'
import { Schema } from './schema.ts'
import { search } from './search.ts'
import { Store } from './store.ts'

type Found = {
  total: number
  results: { id: string; properties: Record<string, string | null> }[]
  paging?: { next: { after: string } }
}

const startFake = startedPerTest(afterEach, startFakeHubSpot)

async function start(options: FakeHubSpotOptions = {}) {
  const fake = await startFake({ seed: 5, limits: { searchPerSecond: 1000 }, ...options })
  return { fake, api: contractClient(fake) }
}

const modifiedSince = (ms: number | string, extra: Record<string, unknown> = {}) => ({
  filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(ms) }] }],
  sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
  properties: ['hs_number', 'hs_lastmodifieddate'],
  ...extra,
})

describe('search', () => {
  it('pages changed invoices in hs_lastmodifieddate order with after, counting every match in total', async () => {
    const { fake, api } = await start()
    const { invoices, drafts } = fake.seed({ invoices: 7, drafts: 1 })
    const seen: string[] = []
    let after: string | undefined
    let pages = 0
    do {
      const answer = await api.call('POST', '/crm/v3/objects/invoices/search', {
        json: modifiedSince(0, { limit: 3, ...(after ? { after } : {}) }),
      })
      expect(answer.problems).toEqual([])
      const page = answer.body as Found
      expect(page.total).toBe(8)
      seen.push(...page.results.map((result) => result.id))
      after = page.paging?.next.after
      pages += 1
    } while (after)
    expect(pages).toBe(3)
    expect(seen).toEqual([...invoices, ...drafts])
  })

  it('filters with GTE and LTE on a datetime (epoch ms or ISO), EQ and GT on hs_object_id, HAS_PROPERTY, IN', async () => {
    const { fake, api } = await start()
    const { invoices, withoutNip } = fake.seed({ invoices: 4, withoutNip: 1 })
    const stamp = (id: string) => Date.parse(fake!.invoice(id)!.properties.hs_lastmodifieddate!)
    const search = async (filters: unknown[], extra: Record<string, unknown> = {}) => {
      const answer = await api.call('POST', '/crm/v3/objects/invoices/search', {
        json: { filterGroups: [{ filters }], ...extra },
      })
      expect(answer.problems).toEqual([])
      return (answer.body as Found).results.map((result) => result.id)
    }
    const [first, second, third] = invoices as [string, string, string]
    expect(
      await search([
        { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(stamp(second)) },
        { propertyName: 'hs_lastmodifieddate', operator: 'LTE', value: new Date(stamp(third)).toISOString() },
      ]),
    ).toEqual([second, third])
    expect(await search([{ propertyName: 'hs_object_id', operator: 'EQ', value: first }])).toEqual([first])
    expect(await search([{ propertyName: 'hs_object_id', operator: 'GT', value: third }])).toEqual([
      invoices[3],
      ...withoutNip,
    ])
    fake.touch(second, { hs_comments: 'sprawdzone' })
    expect(await search([{ propertyName: 'hs_comments', operator: 'HAS_PROPERTY' }])).toEqual([second])
    expect(await search([{ propertyName: 'hs_currency', operator: 'IN', values: ['eur'] }])).toEqual(
      invoices.filter((id) => fake!.invoice(id)!.properties.hs_currency === 'EUR'),
    )
  })

  it('ORs filter groups, takes sorts as strings (descending with "-"), breaks ties by id', async () => {
    const { fake, api } = await start()
    const { invoices } = fake.seed({ invoices: 6, ties: true })
    const body = {
      filterGroups: [
        { filters: [{ propertyName: 'hs_object_id', operator: 'EQ', value: invoices[0] }] },
        { filters: [{ propertyName: 'hs_object_id', operator: 'GTE', value: invoices[3] }] },
      ],
      sorts: ['-hs_lastmodifieddate'],
    }
    const answer = await api.call('POST', '/crm/v3/objects/invoices/search', { json: body })
    expect((answer.body as Found).results.map((result) => result.id)).toEqual([
      invoices[3],
      invoices[4],
      invoices[5],
      invoices[0],
    ])
    const stamps = invoices.map((id) => fake.invoice(id)!.properties.hs_lastmodifieddate)
    expect(new Set(stamps).size).toBe(2)
  })

  it('refuses a limit over 200, paging past 10,000 results, unknown properties and operators, two sorts', async () => {
    const { api } = await start()
    const refused = async (json: Record<string, unknown>) => {
      const answer = await api.call('POST', '/crm/v3/objects/invoices/search', { json })
      expect([answer.status, (answer.body as { category: string }).category, answer.problems]).toEqual([
        400,
        'VALIDATION_ERROR',
        [],
      ])
      return (answer.body as { message: string }).message
    }
    expect(await refused(modifiedSince(0, { limit: 201 }))).toMatch(/limit/)
    expect(await refused(modifiedSince(0, { after: '10000' }))).toMatch(/10000/)
    expect(
      await refused({ filterGroups: [{ filters: [{ propertyName: 'nope', operator: 'EQ', value: '1' }] }] }),
    ).toMatch(/nope/)
    expect(
      await refused({ filterGroups: [{ filters: [{ propertyName: 'hs_number', operator: 'LIKE', value: '1' }] }] }),
    ).toMatch(/LIKE/)
    expect(await refused({ sorts: ['hs_number', 'hs_object_id'] })).toMatch(/one sort/)
  })

  it('does not find what was written within the search lag yet', async () => {
    const { fake, api } = await start({ searchLagMs: 60_000 })
    const id = fake.createInvoice()
    const find = async () =>
      (
        (
          await api.call('POST', '/crm/v3/objects/invoices/search', {
            json: { filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'EQ', value: id }] }] },
          })
        ).body as Found
      ).total
    expect(await find()).toBe(0)
    fake.clock.advance(61_000)
    expect(await find()).toBe(1)
  })
})

describe('the 10,000-result cap', () => {
  it('counts every match in total, but pages no further than the 10,000th', () => {
    const store = new Store(createClock())
    for (let index = 0; index < 10_005; index++) store.create('contacts', { email: `k${index}@example.pl` }, 'API')
    const options = { now: Date.now() + 1000, lagMs: 0 }
    const last = search(store, new Schema(), 'contacts', { limit: 200, after: '9900' }, options)
    expect([last.total, last.records.length, last.next]).toEqual([10_005, 100, undefined])
    const before = search(store, new Schema(), 'contacts', { limit: 200, after: '9700' }, options)
    expect([before.records.length, before.next]).toEqual([200, 9900])
  })
})
