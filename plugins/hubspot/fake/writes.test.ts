import { startedPerTest } from '@ksef-hub/connector-sdk/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { contractClient, contractProblems } from './contract-check.ts'
import { type FakeHubSpot, type FakeHubSpotOptions, startFakeHubSpot } from './index.ts'

type Json = Record<string, unknown>

const startFake = startedPerTest(afterEach, startFakeHubSpot)

async function start(options: FakeHubSpotOptions = {}) {
  const fake = await startFake({ seed: 9, ...options })
  const api = contractClient(fake)
  const { invoices, drafts } = fake.seed({ invoices: 2, drafts: 1 })
  return { fake, api, invoice: invoices[0]!, draft: drafts[0]! }
}

const ksefProperty = {
  name: 'ksef_number',
  label: 'KSeF number',
  type: 'string',
  fieldType: 'text',
  groupName: 'invoiceinformation',
}

/** Uploads a file as multipart, the way HubSpot's Files API takes it. */
async function upload(hub: FakeHubSpot, bytes: string, fields: Record<string, string>) {
  const form = new FormData()
  form.append('file', new Blob([bytes], { type: 'application/xml' }), 'UPO.xml')
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  const response = await fetch(`${hub.url}/files/v3/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${hub.privateAppToken}` },
    body: form,
  })
  const body = (await response.json()) as Json
  expect(
    contractProblems('POST', '/files/v3/files', response.status, response.headers.get('content-type') ?? '', body),
  ).toEqual([])
  return { status: response.status, body }
}

describe('properties and PATCH', () => {
  it('creates a custom property once (409 the second time), then PATCHes it on an open invoice', async () => {
    const { fake, api, invoice } = await start()
    const created = await api.call('POST', '/crm/v3/properties/invoices', { json: ksefProperty })
    expect([created.status, created.problems]).toEqual([201, []])
    expect(created.body).toMatchObject({
      name: 'ksef_number',
      hubspotDefined: false,
      modificationMetadata: { readOnlyValue: false },
    })
    const again = await api.call('POST', '/crm/v3/properties/invoices', { json: ksefProperty })
    expect([again.status, (again.body as Json).category, again.problems]).toEqual([409, 'OBJECT_ALREADY_EXISTS', []])
    expect(fake.properties('invoices').filter((property) => property.name === 'ksef_number')).toHaveLength(1)
    const before = fake.invoice(invoice)!.properties.hs_lastmodifieddate!
    fake.clock.advance(1000)
    const patched = await api.call('PATCH', `/crm/v3/objects/invoices/${invoice}`, {
      json: { properties: { ksef_number: '5265877635-20261120-0100A1B2C3D4-7F' } },
    })
    expect([patched.status, patched.problems]).toEqual([200, []])
    expect((patched.body as { properties: Json }).properties.ksef_number).toBe('5265877635-20261120-0100A1B2C3D4-7F')
    expect(fake.invoice(invoice)!.properties.ksef_number).toBe('5265877635-20261120-0100A1B2C3D4-7F')
    expect(fake.invoice(invoice)!.properties.hs_lastmodifieddate! > before).toBe(true)
  })

  it('refuses unknown and read-only properties, bad values, and HubSpot`s own fields of a finalized invoice, all at once', async () => {
    const { api, invoice, draft } = await start()
    const answer = await api.call('PATCH', `/crm/v3/objects/invoices/${invoice}`, {
      json: { properties: { nope: '1', hs_amount_billed: '1', hs_invoice_status: 'sent', hs_currency: 'USD' } },
    })
    expect([answer.status, (answer.body as Json).category, answer.problems]).toEqual([400, 'VALIDATION_ERROR', []])
    const codes = (
      (answer.body as { errors: { code: string; context: { propertyName: string[] } }[] }).errors ?? []
    ).map((error) => `${error.context.propertyName[0]}:${error.code}`)
    expect(codes).toEqual([
      'nope:PROPERTY_DOESNT_EXIST',
      'hs_amount_billed:READ_ONLY_VALUE',
      'hs_invoice_status:INVALID_OPTION',
      'hs_currency:READ_ONLY_VALUE',
    ])
    expect(String((answer.body as Json).message)).toMatch(/^Property values were not valid: \[\{"isValid":false/)
    const onDraft = await api.call('PATCH', `/crm/v3/objects/invoices/${draft}`, {
      json: { properties: { hs_currency: 'EUR' } },
    })
    expect(onDraft.status).toBe(200)
  })

  it('locks every field of a finalized invoice when the portal says so', async () => {
    const { api, invoice } = await start({ finalizedInvoiceEdits: 'none' })
    await api.call('POST', '/crm/v3/properties/invoices', { json: ksefProperty })
    const answer = await api.call('PATCH', `/crm/v3/objects/invoices/${invoice}`, {
      json: { properties: { ksef_number: 'x' } },
    })
    expect(answer.status).toBe(400)
  })

  it('creates a property group, and refuses a property in a group that does not exist', async () => {
    const { api } = await start()
    const group = await api.call('POST', '/crm/v3/properties/invoices/groups', {
      json: { name: 'ksef', label: 'KSeF' },
    })
    expect([group.status, group.problems]).toEqual([201, []])
    const missing = await api.call('POST', '/crm/v3/properties/invoices', {
      json: { ...ksefProperty, groupName: 'nope' },
    })
    expect([missing.status, missing.problems]).toEqual([400, []])
    const inGroup = await api.call('POST', '/crm/v3/properties/invoices', {
      json: { ...ksefProperty, groupName: 'ksef' },
    })
    expect(inGroup.status).toBe(201)
  })
})

describe('files, notes and associations', () => {
  it('keeps an uploaded file`s exact bytes, needs options.access, and numbers a name taken in the folder', async () => {
    const { fake } = await start()
    const upo = '<?xml version="1.0" encoding="UTF-8"?>\n<Potwierdzenie>ąę</Potwierdzenie>'
    const first = await upload(fake, upo, { folderPath: '/ksef/upo', options: JSON.stringify({ access: 'PRIVATE' }) })
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ name: 'UPO', extension: 'xml', path: '/ksef/upo/UPO.xml', access: 'PRIVATE' })
    expect(fake.file(String(first.body.id))?.bytes.toString('utf8')).toBe(upo)
    const second = await upload(fake, 'other', {
      folderPath: '/ksef/upo',
      options: JSON.stringify({ access: 'PRIVATE' }),
    })
    expect(second.body.path).toBe('/ksef/upo/UPO-1.xml')
    const noAccess = await upload(fake, upo, { folderPath: '/ksef' })
    expect(noAccess.status).toBe(400)
    const signed = await contractClient(fake).call('GET', `/files/v3/files/${first.body.id}/signed-url`)
    expect(signed.problems).toEqual([])
    const download = await fetch(String((signed.body as Json).url))
    expect(await download.text()).toBe(upo)
  })

  it('creates a note with the file attached, associates it with the invoice once, however often it is PUT', async () => {
    const { fake, api, invoice } = await start()
    const file = await upload(fake, '<UPO/>', { folderPath: '/ksef', options: JSON.stringify({ access: 'PRIVATE' }) })
    const note = await api.call('POST', '/crm/v3/objects/notes', {
      json: {
        properties: {
          hs_timestamp: fake.clock.now().toISOString(),
          hs_note_body: 'KSeF: 5265877635-20261120-0100A1B2C3D4-7F',
          hs_attachment_ids: String(file.body.id),
        },
        associations: [],
      },
    })
    expect([note.status, note.problems]).toEqual([201, []])
    const noteId = (note.body as { id: string }).id
    for (let round = 0; round < 2; round++) {
      const put = await api.call('PUT', `/crm/v4/objects/notes/${noteId}/associations/default/invoices/${invoice}`)
      expect([put.status, put.problems]).toEqual([200, []])
    }
    const notes = fake.notesOf(invoice)
    expect(
      notes.map((found) => [found.body, found.attachments.map((attachment) => attachment.bytes.toString())]),
    ).toEqual([['KSeF: 5265877635-20261120-0100A1B2C3D4-7F', ['<UPO/>']]])
    const listed = await api.call('GET', `/crm/v4/objects/invoices/${invoice}/associations/notes`)
    expect((listed.body as { results: unknown[] }).results).toHaveLength(1)
  })

  it('creates a note associated in the create call, and writing a note twice leaves two notes', async () => {
    const { fake, api, invoice } = await start()
    const create = () =>
      api.call('POST', '/crm/v3/objects/notes', {
        json: {
          properties: { hs_timestamp: String(fake.clock.now().getTime()), hs_note_body: 'KSeF' },
          associations: [
            { to: { id: invoice }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1700 }] },
          ],
        },
      })
    expect((await create()).problems).toEqual([])
    await create()
    expect(fake.notesOf(invoice)).toHaveLength(2)
  })
})
