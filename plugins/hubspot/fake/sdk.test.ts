// The real @hubspot/api-client 14.0.1 against the fake, one family of endpoints per test: it must parse every
// answer (dates, paging, errors) as it parses HubSpot's. `numberOfApiCallRetries: 0` keeps the SDK's process-wide
// retry decorator out of the way (notes §2.1).
import { Client } from '@hubspot/api-client'
import type { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/associations/v4/models/AssociationSpec.js'
import type { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/commerce/invoices/models/Filter.js'
import type {
  PropertyCreateFieldTypeEnum,
  PropertyCreateTypeEnum,
} from '@hubspot/api-client/lib/codegen/crm/properties/models/PropertyCreate.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeHubSpot, type HubSpotSeedResult, startFakeHubSpot } from './index.ts'

let fake: FakeHubSpot
let client: Client
let seeded: HubSpotSeedResult

beforeAll(async () => {
  fake = await startFakeHubSpot({ seed: 21, limits: { searchPerSecond: 1000 } })
  seeded = fake.seed({ invoices: 5, corrections: 1, drafts: 1 })
  client = new Client({ accessToken: fake.privateAppToken, basePath: fake.url, numberOfApiCallRetries: 0 })
})
afterAll(() => fake.close())

/** The SDK's error for a call, or a failure when the call succeeds. */
async function refused(call: () => Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await call()
  } catch (error) {
    return error as { code: number; body: Record<string, unknown> }
  }
  throw new Error('the call succeeded')
}

describe('@hubspot/api-client against the fake', () => {
  it('searches invoices by hs_lastmodifieddate, paging with after (sorts as strings, as the SDK types them)', async () => {
    const ids: string[] = []
    let after: string | undefined = '0'
    while (after !== undefined) {
      const page = await client.crm.commerce.invoices.searchApi.doSearch({
        filterGroups: [
          { filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE' as FilterOperatorEnum, value: '0' }] },
        ],
        sorts: ['hs_lastmodifieddate'],
        properties: ['hs_number', 'hs_invoice_status'],
        limit: 3,
        after,
      })
      expect(page.total).toBe(7)
      expect(page.results[0]?.updatedAt).toBeInstanceOf(Date)
      ids.push(...page.results.map((result) => result.id))
      after = page.paging?.next?.after
    }
    expect(ids).toEqual([...seeded.invoices, ...seeded.corrections, ...seeded.drafts])
  })

  it('reads an invoice with its associations, then its line items in a batch', async () => {
    const id = seeded.invoices[0]!
    const invoice = await client.crm.commerce.invoices.basicApi.getById(id, ['hs_number', 'hs_currency'], undefined, [
      'line_items',
      'companies',
    ])
    expect(invoice.properties.hs_currency).toMatch(/^(PLN|EUR)$/)
    const lineIds = invoice.associations?.['line items']?.results.map((result) => result.id) ?? []
    expect(lineIds).toEqual(fake.invoice(id)!.lineItems.map((line) => line.id))
    const lines = await client.crm.lineItems.batchApi.read({
      inputs: lineIds.map((lineId) => ({ id: lineId })),
      properties: ['name', 'quantity', 'price', 'amount', 'hs_tax_rate_group_id'],
      propertiesWithHistory: [],
    })
    expect(lines.results.map((line) => line.properties.price)).toEqual(
      fake.invoice(id)!.lineItems.map((line) => line.properties.price),
    )
    const rate = await client.apiRequest({
      method: 'GET',
      path: `/tax-rates/v1/tax-rates/${lines.results[0]?.properties.hs_tax_rate_group_id}`,
    })
    expect(((await rate.json()) as { percentageRate: number }).percentageRate).toBeGreaterThanOrEqual(0)
  })

  it('pages v4 associations and creates a default association', async () => {
    const id = seeded.invoices[1]!
    const page = await client.crm.associations.v4.basicApi.getPage('invoices', id, 'companies')
    expect(page.results.map((result) => result.toObjectId)).toEqual([fake.invoice(id)!.company!.id])
    expect(page.results[0]?.associationTypes[0]).toMatchObject({ category: 'HUBSPOT_DEFINED', typeId: 179 })
    const note = await client.crm.objects.notes.basicApi.create({
      properties: { hs_timestamp: new Date().toISOString(), hs_note_body: 'KSeF' },
      associations: [],
    })
    const made = await client.crm.associations.v4.basicApi.createDefault('notes', note.id, 'invoices', id)
    expect(made.status).toBe('COMPLETE')
    expect(fake.notesOf(id).map((found) => found.id)).toEqual([note.id])
  })

  it('creates a property once: the second time an ApiException 409', async () => {
    const input = {
      name: 'ksef_status',
      label: 'KSeF status',
      type: 'string' as PropertyCreateTypeEnum,
      fieldType: 'text' as PropertyCreateFieldTypeEnum,
      groupName: 'invoiceinformation',
    }
    const created = await client.crm.properties.coreApi.create('invoices', input)
    expect(created).toMatchObject({ name: 'ksef_status', type: 'string', hubspotDefined: false })
    const again = await refused(() => client.crm.properties.coreApi.create('invoices', input))
    expect([again.code, again.body.category]).toEqual([409, 'OBJECT_ALREADY_EXISTS'])
  })

  it('uploads a file, creates a note attaching it associated in the call, and PATCHes the invoice', async () => {
    const id = seeded.invoices[2]!
    const upo = Buffer.from('<?xml version="1.0"?><Potwierdzenie/>')
    const file = (await client.files.filesApi.upload(
      { data: upo, name: 'UPO.xml' },
      undefined,
      '/ksef/upo',
      'UPO-1.xml',
      undefined,
      JSON.stringify({ access: 'PRIVATE' }),
    )) as {
      id: string
      path: string
    }
    expect(file.path).toBe('/ksef/upo/UPO-1.xml')
    await client.crm.objects.notes.basicApi.create({
      properties: { hs_timestamp: String(Date.now()), hs_note_body: 'UPO', hs_attachment_ids: file.id },
      associations: [
        {
          to: { id },
          types: [
            {
              associationCategory: 'HUBSPOT_DEFINED' as AssociationSpecAssociationCategoryEnum,
              associationTypeId: 1700,
            },
          ],
        },
      ],
    })
    expect(fake.notesOf(id)[0]?.attachments[0]?.bytes).toEqual(upo)
    await client.crm.properties.coreApi.create('invoices', {
      name: 'ksef_number',
      label: 'KSeF number',
      type: 'string' as PropertyCreateTypeEnum,
      fieldType: 'text' as PropertyCreateFieldTypeEnum,
      groupName: 'invoiceinformation',
    })
    const updated = await client.crm.commerce.invoices.basicApi.update(id, {
      properties: { ksef_number: '5265877635-20261120-0100A1B2C3D4-7F' },
    })
    expect(updated.properties.ksef_number).toBe('5265877635-20261120-0100A1B2C3D4-7F')
    const bad = await refused(() =>
      client.crm.commerce.invoices.basicApi.update(id, { properties: { hs_amount_billed: '1' } }),
    )
    expect([bad.code, bad.body.category]).toEqual([400, 'VALIDATION_ERROR'])
  })

  it('refreshes an OAuth token and calls with it; a bad refresh token and a 429 are ApiExceptions with HubSpot`s bodies', async () => {
    const refreshToken = fake.oauth.issueRefreshToken()
    // The SDK answers the token JSON camel-cased (accessToken, refreshToken, tokenType, expiresIn).
    const tokens = await client.oauth.tokensApi.create(
      'refresh_token',
      undefined,
      undefined,
      fake.clientId,
      fake.clientSecret,
      refreshToken,
    )
    expect(tokens).toMatchObject({ refreshToken, tokenType: 'bearer', expiresIn: 1800 })
    const accessToken = tokens.accessToken ?? ''
    const oauthClient = new Client({ accessToken, basePath: fake.url, numberOfApiCallRetries: 0 })
    expect((await oauthClient.crm.commerce.invoices.basicApi.getPage(2)).results).toHaveLength(2)
    const badToken = await refused(() =>
      client.oauth.tokensApi.create(
        'refresh_token',
        undefined,
        undefined,
        fake.clientId,
        fake.clientSecret,
        'na1-nope',
      ),
    )
    expect([badToken.code, badToken.body.status]).toEqual([400, 'BAD_REFRESH_TOKEN'])
    fake.failNext('429-burst')
    const limited = await refused(() => client.crm.commerce.invoices.basicApi.getPage(1))
    expect([limited.code, limited.body.policyName]).toEqual([429, 'TEN_SECONDLY_ROLLING'])
  })
})
