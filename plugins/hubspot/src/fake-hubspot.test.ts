import { isConnectorError, type SourceDocument } from '@ksef-hub/connector-sdk'
import { writeBackResultFor } from '@ksef-hub/connector-sdk/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { fakeSettings } from '../conformance.ts'
import { type FakeHubSpot, startFakeHubSpot } from '../fake/index.ts'
import type { Cursor } from './cursor.ts'
import hubspotConnector from './index.ts'
import { mapDocument } from './map.ts'
import { pullPage, readDocument } from './pull.ts'
import { TENANT, testContext } from './test-context.ts'
import { writeBack } from './write-back.ts'

let fake: FakeHubSpot | undefined

afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function started(seed = 5): Promise<FakeHubSpot> {
  fake = await startFakeHubSpot({ seed })
  return fake
}

function contextOf(hubspot: FakeHubSpot, extra: Record<string, unknown> = {}, sent = {}) {
  return testContext({
    settings: fakeSettings(hubspot, extra),
    secrets: { privateAppToken: hubspot.privateAppToken, clientSecret: hubspot.clientSecret },
    sent,
  })
}

async function pullAll(context: ReturnType<typeof contextOf>['context'], from?: Cursor) {
  const documents: SourceDocument[] = []
  let cursor = from
  for (let pages = 0; pages < 50; pages++) {
    const page = await pullPage(context, cursor)
    documents.push(...page.documents)
    cursor = page.cursor
    if (!page.more) return { documents, cursor }
  }
  throw new Error('the pull never ended')
}

const resultFor = (ref: string, number = 'FV/1') =>
  writeBackResultFor(TENANT, ref, { number, type: 'VAT', issueDate: '2026-11-20' })

describe('the connector against the fake HubSpot', () => {
  it('pulls every invoice once across pages and shared instants, and a later change again', async () => {
    const hubspot = await started()
    const seeded = hubspot.seed({ invoices: 13, corrections: 2, drafts: 1, ties: true })
    const { context } = contextOf(hubspot, { pull: { pageSize: 4, settleSeconds: 0 } })
    const first = await pullAll(context)
    const refs = first.documents.map((document) => document.ref)
    expect(new Set(refs).size).toBe(refs.length)
    expect(refs.sort()).toEqual([...seeded.invoices, ...seeded.corrections, ...seeded.drafts].sort())
    const touched = seeded.invoices[3] as string
    hubspot.clock.advance(1_000)
    hubspot.touch(touched, { hs_comments: 'zmienione' })
    const again = await pullAll(context, first.cursor)
    expect(again.documents.map((document) => document.ref)).toEqual([touched])
  })

  it('waits for a young page to settle, and reads no further than its newest change', async () => {
    const hubspot = await started()
    const first = hubspot.createInvoice()
    const { context } = contextOf(hubspot, { pull: { pageSize: 10, settleSeconds: 0.3 } })
    let second = ''
    // A change made while the page waits is left for the next page (its neighbours may not be found yet).
    setTimeout(() => {
      second = hubspot.createInvoice()
    }, 50)
    const started_ = performance.now()
    const page = await pullPage(context, undefined)
    expect(performance.now() - started_).toBeGreaterThanOrEqual(290)
    expect([page.documents.map((document) => document.ref), page.more]).toEqual([[first], true])
    const next = await pullPage(context, page.cursor)
    expect(next.documents.map((document) => document.ref)).toEqual([second])
  })

  it('maps an invoice with its company, lines and EUR rate; a correction once its invoice has a KSeF number', async () => {
    const hubspot = await started()
    const seeded = hubspot.seed({ invoices: 3, corrections: 1 })
    const { context } = contextOf(hubspot)
    const { documents } = await pullAll(context)
    const euro = documents.find((document) => document.ref === seeded.invoices[2]) as SourceDocument
    const result = await mapDocument(context, euro)
    expect('invoice' in result && result.invoice.details).toMatchObject({ currency: 'EUR', type: 'VAT' })
    const correction = documents.find((document) => document.ref === seeded.corrections[0]) as SourceDocument
    const original = hubspot.invoice(seeded.invoices[0] as string)
    const ksefNumber = '5265877635-20261120-0123456789AB-CD'
    const { context: sent } = contextOf(
      hubspot,
      {},
      {
        [seeded.invoices[0] as string]: {
          invoiceId: 'i1',
          number: original?.properties.hs_number,
          issueDate: '2026-11-20',
          state: 'confirmed',
          ksefNumber,
        },
      },
    )
    const corrected = await mapDocument(sent, correction)
    expect('invoice' in corrected && corrected.invoice.details).toMatchObject({
      type: 'KOR',
      correction: { correctedInvoices: [{ ksefNumber }] },
    })
  })

  it('reads an invoice again after its company got its NIP, and nothing for an id HubSpot does not have', async () => {
    const hubspot = await started()
    const seeded = hubspot.seed({ withoutNip: 1 })
    const ref = seeded.withoutNip[0] as string
    const { context } = contextOf(hubspot)
    const before = (await readDocument(context, ref)) as SourceDocument
    await expect(mapDocument(context, before)).rejects.toMatchObject({ code: 'BUYER_NIP_MISSING' })
    const company = hubspot.invoice(ref)?.company?.id as string
    expect(company).toBeDefined()
    await fetch(`${hubspot.url}/crm/v3/objects/companies/${company}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${hubspot.privateAppToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { nip: 'PL5265877635' } }),
    })
    const after = (await readDocument(context, ref)) as SourceDocument
    expect('invoice' in (await mapDocument(context, after))).toBe(true)
    expect(await readDocument(context, '999999999')).toBeUndefined()
  })

  it('writes back once: properties made at the first write-back, one UPO note even after a lost answer', async () => {
    const hubspot = await started()
    const [ref] = hubspot.seed({ invoices: 1 }).invoices as [string]
    const { context } = contextOf(hubspot)
    const result = resultFor(ref)
    hubspot.failNext('drop-after-write', 1, { method: 'POST', path: '/crm/v3/objects/notes' })
    const lost = await writeBack(context, { ref }, result).catch((error: unknown) => error)
    expect(isConnectorError(lost) && lost.kind).toBe('transient')
    expect(await writeBack(context, { ref }, result)).toEqual({ method: 'already' })
    const notes = hubspot.notesOf(ref)
    expect(notes).toHaveLength(1)
    expect(notes[0]?.attachments.map((file) => [file.name, file.access, file.bytes.equals(result.upoXml)])).toEqual([
      [`KSeF-${result.ksefNumber}-UPO.xml`, 'PRIVATE', true],
    ])
    const made = hubspot.properties('invoices').filter((property) => property.groupName === 'ksef')
    expect(made.map((property) => property.name).sort()).toEqual(
      ['ksef_accepted_at', 'ksef_number', 'ksef_status', 'ksef_verification_url'].sort(),
    )
    expect(hubspot.invoice(ref)?.properties).toMatchObject({
      ksef_number: result.ksefNumber,
      ksef_status: 'accepted',
      ksef_verification_url: result.verificationUrl,
    })
  })

  it('writes the note alone when the portal refuses edits of finalized invoices and properties are off', async () => {
    fake = await startFakeHubSpot({ seed: 5, finalizedInvoiceEdits: 'none' })
    const [ref] = fake.seed({ invoices: 1 }).invoices as [string]
    const { context } = contextOf(fake, { writeBack: { properties: false, noteAssociationTypeId: 1700 } })
    expect(await writeBack(context, { ref }, resultFor(ref))).toEqual({ method: 'note' })
    expect(fake.invoice(ref)?.properties.ksef_number).toBeUndefined()
  })

  it('classifies HubSpot’s limits: the burst by its window, the day until the portal’s midnight', async () => {
    const hubspot = await started()
    const { context } = contextOf(hubspot)
    hubspot.storm(30)
    const burst = await hubspotConnector.healthCheck?.(context).catch((error: unknown) => error)
    expect(isConnectorError(burst) && [burst.kind, (burst.retryAfterMs ?? 0) > 0]).toEqual(['rate_limit', true])
    hubspot.clock.advance(31_000)
    hubspot.exhaustDailyLimit()
    const daily = await hubspotConnector.healthCheck?.(context).catch((error: unknown) => error)
    expect(isConnectorError(daily) && daily.kind).toBe('rate_limit')
    // Until the portal's midnight: more than nothing, at most a day.
    const wait = isConnectorError(daily) ? (daily.retryAfterMs ?? 0) : 0
    expect(wait > 0 && wait <= 24 * 3600_000).toBe(true)
  })
})
