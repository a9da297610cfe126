/**
 * The connector against the fake BC (`fake/`, written from BC's contract, not from this code): two companies,
 * documents that share change instants, webhook subscriptions through their handshake to a receiver that runs the
 * SDK's `receiveWebhook`, write-back after a dropped answer, an outage, and imports.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { receiveWebhook, type SourceDocument, type WebhookRequest } from '@ksef-hub/connector-sdk'
import {
  createCapturingLogger,
  createMemoryReplayGuard,
  incomingInvoiceFor,
  writeBackResultFor,
} from '@ksef-hub/connector-sdk/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { connectionSettings, FAKE_KSEF_START_DATE, FAKE_TAX_CODES, type FakeBc, startFakeBc } from '../fake/index.ts'
import { bcJson } from './bc-client.ts'
import type { Cursor } from './cursor.ts'
import { importIncoming } from './import.ts'
import businessCentral from './index.ts'
import { pullPage, readDocument } from './pull.ts'
import { customerRecord } from './records.ts'
import { refOf } from './refs.ts'
import { secretsSchema, settingsSchema } from './settings.ts'
import { testContext } from './test-context.ts'
import { upoFileName, writeBack } from './write-back.ts'

const CLIENT_STATE = 'cs-9f8e7d6c5b4a39281706f5e4d3c2b1a0'
let bc: FakeBc
let receiver: { server: Server; url: string; accepted: string[][]; refused: string[] } | undefined

beforeEach(async () => {
  bc = await startFakeBc({ notifications: { automatic: false }, pageSize: 20_000 })
})
afterEach(async () => {
  await bc.close()
  if (receiver) await new Promise<void>((resolve) => receiver?.server.close(() => resolve()))
  receiver = undefined
})

function connection(extra: Record<string, unknown> = {}) {
  const settings = connectionSettings(bc, {
    companies: bc.companies.map((company) => company.id),
    taxCodes: FAKE_TAX_CODES,
    ksefStartDate: FAKE_KSEF_START_DATE,
    pull: { pageSize: 7 },
    buyer: { personsWithoutNip: 'consumer' },
    purchase: { glAccount: '402-100' },
    ...extra,
  })
  const secrets = {
    clientId: bc.credentials.clientId,
    clientSecret: bc.credentials.clientSecret,
    clientState: CLIENT_STATE,
  }
  const company = bc.companies[0]!
  return { settings, secrets, tenant: { id: 'kowalski', nip: company.nip, name: company.displayName } }
}

async function pullAll(options: ReturnType<typeof connection>, cursor?: Cursor, webhookUrl?: string) {
  const documents: SourceDocument[] = []
  let next = cursor
  for (let pages = 0; pages < 200; pages++) {
    const { context } = testContext({ ...options, ...(webhookUrl ? { webhookUrl } : {}) })
    const page = await pullPage(context, next)
    documents.push(...page.documents)
    next = JSON.parse(JSON.stringify(page.cursor)) as Cursor
    if (!page.more) return { documents, cursor: next }
  }
  throw new Error('the pull did not end')
}

/** A hub's webhook endpoint for the connection: the SDK's receiveWebhook with the connection's secrets. */
async function startReceiver(options: ReturnType<typeof connection>) {
  const accepted: string[][] = []
  const refused: string[] = []
  const guard = createMemoryReplayGuard()
  const context = {
    tenant: options.tenant,
    connection: { id: 'c1', name: 'bc' },
    settings: settingsSchema.parse(options.settings),
    secrets: secretsSchema.parse(options.secrets),
    logger: createCapturingLogger([]),
    now: () => new Date(),
  }
  const server = createServer((message, response) => {
    const chunks: Buffer[] = []
    message.on('data', (chunk: Buffer) => chunks.push(chunk))
    message.on('end', async () => {
      const request: WebhookRequest = {
        method: message.method ?? 'POST',
        url: `http://127.0.0.1${message.url ?? '/'}`,
        headers: {},
        rawBody: Buffer.concat(chunks),
      }
      const reception = await receiveWebhook(businessCentral, request, context, guard)
      if (reception.kind === 'handshake') {
        response.writeHead(200, { 'content-type': 'text/plain' }).end(String(reception.answer.body))
      } else if (reception.kind === 'refused') {
        refused.push(reception.reason)
        response.writeHead(401).end()
      } else {
        if (reception.kind === 'accepted') accepted.push(reception.parsed.events.flatMap((event) => event.refs ?? []))
        response.writeHead(200).end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/connectors/business-central/kowalski/webhook`
  receiver = { server, url, accepted, refused }
  return receiver
}

describe('against the fake BC', () => {
  it('pulls both companies in pages, documents sharing an instant neither lost nor repeated; maps them', async () => {
    const [first, second] = bc.companies
    const one = bc.seed(first!.id, { invoices: 9, creditMemos: 2, drafts: 1, ties: true })
    const two = bc.seed(second!.id, { invoices: 6, creditMemos: 1, ties: true })
    const options = connection()
    const { documents, cursor } = await pullAll(options)
    const refs = documents.map((document) => document.ref)
    expect(new Set(refs).size).toBe(refs.length)
    const expected = [
      ...[...one.invoices, ...one.drafts].map((id) => refOf(first!.id, 'salesInvoices', id)),
      ...one.creditMemos.map((id) => refOf(first!.id, 'salesCreditMemos', id)),
      ...two.invoices.map((id) => refOf(second!.id, 'salesInvoices', id)),
      ...two.creditMemos.map((id) => refOf(second!.id, 'salesCreditMemos', id)),
    ]
    expect(refs.sort()).toEqual(expected.sort())
    // A document changed later comes back alone.
    bc.touch(first!.id, one.invoices[0]!)
    expect((await pullAll(options, cursor)).documents.map((document) => document.ref)).toEqual([
      refOf(first!.id, 'salesInvoices', one.invoices[0]!),
    ])
    // The first company's invoices map (its seller is the tenant); the draft waits; the second company is refused.
    const { context } = testContext(options)
    const outcomes = await Promise.all(
      documents
        .filter((document) => document.ref.includes('/salesInvoices('))
        .map((document) =>
          businessCentral.map!(context, document).then(
            (result) => ('invoice' in result ? result.invoice.details.type : 'skip'),
            (error: { code?: string }) => error.code ?? 'error',
          ),
        ),
    )
    expect(outcomes.filter((outcome) => outcome === 'VAT')).toHaveLength(9)
    expect(outcomes.filter((outcome) => outcome === 'skip')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome === 'FIELD_INVALID')).toHaveLength(6)
  })

  it('subscribes through the handshake, and BC notifications reach the receiver as refs of changed documents', async () => {
    const [company] = bc.companies
    const options = connection({ companies: [company!.id] })
    const hook = await startReceiver(options)
    await pullAll(options, undefined, hook.url)
    expect(bc.subscriptions().map((subscription) => [subscription.resource, subscription.handshakes])).toEqual([
      [`/api/v2.0/companies(${company!.id})/salesInvoices`, 1],
      [`/api/v2.0/companies(${company!.id})/salesCreditMemos`, 1],
    ])
    const id = bc.postInvoice(company!.id)
    await bc.flushNotifications()
    expect(hook.accepted).toEqual([[refOf(company!.id, 'salesInvoices', id)]])
    expect(hook.refused).toEqual([])
    // Three days later the pull renews them (the handshake again) before they expire.
    bc.clock.advance(2.5 * 24 * 3600_000)
    const now = bc.clock.now()
    const { context } = testContext({ ...options, webhookUrl: hook.url, now: () => now })
    await pullPage(context, undefined)
    expect(bc.subscriptions().map((subscription) => subscription.handshakes)).toEqual([2, 2])
  })

  it('writes back once although the answer to the attachment was dropped', async () => {
    const [company] = bc.companies
    const { invoices } = bc.seed(company!.id, { invoices: 1 })
    const ref = refOf(company!.id, 'salesInvoices', invoices[0]!)
    const options = connection()
    const result = writeBackResultFor(options.tenant, ref, { number: 'FV/1', type: 'VAT', issueDate: '2026-11-16' })
    bc.failNext('drop-after-write', 1, { method: 'POST', path: '/documentAttachments' })
    await expect(writeBack(testContext(options).context, { ref }, result)).rejects.toMatchObject({ kind: 'transient' })
    expect(await writeBack(testContext(options).context, { ref }, result)).toEqual({ method: 'attachment' })
    expect(await writeBack(testContext(options).context, { ref }, result)).toEqual({ method: 'already' })
    const files = bc.attachments(company!.id, 'Sales Invoice', invoices[0]!)
    expect(files.map((file) => [file.fileName, file.bytes.length > 0])).toEqual([
      [upoFileName(result.ksefNumber), true],
      [`KSeF-${result.ksefNumber}.txt`, true],
    ])
  })

  it('reads a document again for a retry: a customer given its NIP after the pull maps, a deleted one is gone', async () => {
    const [company] = bc.companies
    const { withoutNip } = bc.seed(company!.id, { invoices: 1, withoutNip: 1 })
    const ref = refOf(company!.id, 'salesInvoices', withoutNip[0]!)
    const options = connection({ buyer: { personsWithoutNip: 'error' } })
    const { context } = testContext(options)
    const [pulled] = (await pullAll(options)).documents.filter((document) => document.ref === ref)
    await expect(businessCentral.map!(context, pulled!)).rejects.toMatchObject({ code: 'BUYER_NIP_MISSING' })
    // The accountant fixes the customer card in BC; the posted invoice itself does not change.
    const customerId = (pulled!.data as { document: { customerId: string } }).document.customerId
    const customerUrl = `/companies(${company!.id})/customers(${customerId})`
    const customer = await bcJson(context, { url: customerUrl }, customerRecord)
    await bcJson(
      context,
      {
        method: 'PATCH',
        url: customerUrl,
        headers: { 'if-match': String((customer as Record<string, unknown>)['@odata.etag']) },
        json: { taxRegistrationNumber: 'PL5265877635' },
      },
      customerRecord,
    )
    const again = await readDocument(context, ref)
    expect(again?.ref).toBe(ref)
    const mapped = await businessCentral.map!(context, again!)
    expect('invoice' in mapped && mapped.invoice.buyer).toMatchObject({ id: { kind: 'nip', nip: '5265877635' } })
    const unknown = refOf(company!.id, 'salesInvoices', '5d115c9c-44e3-ea11-bb43-000d3a2feca1')
    expect(await readDocument(context, unknown)).toBeUndefined()
  })

  it('fails the pull while BC is down, and resumes after', async () => {
    const [company] = bc.companies
    bc.seed(company!.id, { invoices: 3 })
    const options = connection({ companies: [company!.id] })
    await bc.outage(true)
    await expect(pullPage(testContext(options).context, undefined)).rejects.toMatchObject({ kind: 'transient' })
    await bc.outage(false)
    expect((await pullAll(options)).documents).toHaveLength(3)
  })

  it('imports a purchase invoice once, posted when the connection says so', async () => {
    const [company] = bc.companies
    const options = connection({ purchase: { glAccount: '402-100', post: true } })
    const incoming = incomingInvoiceFor(options.tenant, '5265877635', 'FZ/2026/11/7')
    const first = await importIncoming(testContext(options).context, incoming)
    const second = await importIncoming(testContext(options).context, incoming)
    expect(second).toEqual({ ref: first.ref, created: false })
    const [invoice] = bc.purchaseInvoices(company!.id)
    expect(bc.purchaseInvoices(company!.id)).toHaveLength(1)
    expect(invoice?.entity).toMatchObject({ vendorInvoiceNumber: 'FZ/2026/11/7', status: 'Open' })
    expect(invoice?.lines).toHaveLength(3)
    expect(invoice?.attachments.map((file) => file.fileName)).toEqual([`KSeF-${incoming.ksefNumber}.xml`])
  })
})
