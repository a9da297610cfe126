/**
 * The Business Central connector's conformance harness: the kit (`ksef-hub connector check
 * plugins/business-central`) starts the fake BC (`fake/`) with one company seeded with three pages of mappable
 * documents (invoices in PLN and EUR at every rate, to Polish and EU customers, with discounts; invoices to
 * consumers; credit memos of some of them), what the pull meets and skips (a draft; an invoice issued before the
 * seller's KSeF start and its credit memo, both dated before it), and what must not map: a customer without a NIP,
 * a tax code the table leaves out, a credit memo naming no invoice. Webhook calls are BC's notifications, with the
 * connection's clientState.
 *
 * @module
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { ConformanceFake, ConformanceHarness, ExpectedInvoice, FakeFailure } from '@ksef-hub/connector-sdk/testing'
import {
  connectionSettings,
  FAKE_KSEF_START_DATE,
  FAKE_TAX_CODES,
  type FakeBc,
  type FaultKind,
  startFakeBc,
} from './fake/index.ts'
import businessCentral, { parseRef, refOf, upoFileName } from './src/index.ts'

/** The fault of the fake that answers as the kit's failure asks. */
function faultOf(failure: FakeFailure): { kind: FaultKind; retryAfterSeconds?: number } {
  if ('hang' in failure) return { kind: 'hang' }
  if (failure.status === 429) {
    return failure.retryAfterSeconds === undefined
      ? { kind: '429-no-retry-after' }
      : { kind: '429', retryAfterSeconds: failure.retryAfterSeconds }
  }
  return { kind: String(failure.status) as FaultKind }
}

/** What the invoice of a posted document must say: its number, type, and amount due (a credit memo's negative). */
function expectedOf(
  bc: FakeBc,
  companyId: string,
  id: string,
  kind: 'salesInvoices' | 'salesCreditMemos',
): ExpectedInvoice | undefined {
  const document = bc.document(companyId, id)
  if (!document) return undefined
  const total = Number(document.totalAmountIncludingTax)
  return {
    number: String(document.number),
    type: kind === 'salesInvoices' ? 'VAT' : 'KOR',
    totalDue: (kind === 'salesInvoices' ? total : -total).toFixed(2),
  }
}

/** A fake BC seeded for the kit, and what the kit needs to know of it. */
async function seededFake(): Promise<{ bc: FakeBc; fake: Omit<ConformanceFake, 'close'> }> {
  const bc = await startFakeBc({ companies: 1 })
  const company = bc.companies[0]
  if (!company) throw new Error('the fake started without a company')
  const seeded = bc.seed(company.id, {
    invoices: 10,
    creditMemos: 2,
    consumers: 1,
    drafts: 1,
    outsideKsefCorrections: 1,
    withoutNip: 1,
    unmappedTaxCode: 1,
    unsupported: 1,
  })
  const invoices = [...seeded.invoices, ...seeded.consumers]
  const memos = seeded.creditMemos
  const expected: Record<string, ExpectedInvoice> = {}
  const mappable: string[] = []
  for (const [kind, ids] of [
    ['salesInvoices', invoices],
    ['salesCreditMemos', memos],
  ] as const) {
    for (const id of ids) {
      const ref = refOf(company.id, kind, id)
      mappable.push(ref)
      const invoice = expectedOf(bc, company.id, id, kind)
      if (invoice) expected[ref] = invoice
    }
  }
  const clientState = randomBytes(32).toString('hex')
  const subscriptionId = randomUUID()
  const unmappable = (kind: 'salesInvoices' | 'salesCreditMemos', ids: readonly string[], code: string) =>
    ids.map((id) => ({ ref: refOf(company.id, kind, id), code: code as 'BUYER_NIP_MISSING' }))
  const fake: Omit<ConformanceFake, 'close'> = {
    settings: connectionSettings(bc, {
      taxCodes: FAKE_TAX_CODES,
      ksefStartDate: FAKE_KSEF_START_DATE,
      pull: { pageSize: 5 },
      buyer: { personsWithoutNip: 'consumer' },
      purchase: { glAccount: '402-100' },
    }),
    secrets: { clientId: bc.credentials.clientId, clientSecret: bc.credentials.clientSecret, clientState },
    tenant: { id: 'conformance-tenant', nip: company.nip, name: company.displayName },
    mappable,
    expected,
    unmappable: [
      ...unmappable('salesInvoices', seeded.withoutNip, 'BUYER_NIP_MISSING'),
      ...unmappable('salesInvoices', seeded.unmappedTaxCode, 'TAX_CODE_UNMAPPED'),
      ...unmappable('salesCreditMemos', seeded.unsupported, 'ORIGINAL_NOT_FOUND'),
    ],
    // A supplier every fake company starts with (BC holds its NIP with PL).
    supplierNip: '5265877635',
    async writeBackEffects(ref, ksefNumber) {
      const parts = parseRef(ref)
      if (!parts) return 0
      const parentType = parts.kind === 'salesCreditMemos' ? 'Sales Credit Memo' : 'Sales Invoice'
      return bc
        .attachments(parts.companyId, parentType, parts.id)
        .filter((attachment) => attachment.fileName === upoFileName(ksefNumber) && attachment.bytes.length > 0).length
    },
    async importEffects(ksefNumber) {
      const xml = `KSeF-${ksefNumber}.xml`
      return bc
        .purchaseInvoices(company.id)
        .filter((invoice) => invoice.attachments.some((attachment) => attachment.fileName === xml)).length
    },
    async webhook(refs) {
      const changes = refs.flatMap((ref) => {
        const parts = parseRef(ref)
        return parts && parts.kind !== 'purchaseInvoices'
          ? [{ companyId: parts.companyId, set: parts.kind, id: parts.id }]
          : []
      })
      const url = 'https://hub.example/v1/connectors/business-central/conformance-tenant/webhook'
      return bc.notificationRequest(url, { subscriptionId, clientState }, changes)
    },
    failNext(failure, count) {
      const { kind, retryAfterSeconds } = faultOf(failure)
      bc.failNext(kind, count, undefined, retryAfterSeconds !== undefined ? { retryAfterSeconds } : {})
    },
    expireAccessToken: () => bc.expireTokens(),
  }
  return { bc, fake }
}

/**
 * The fake of the check running now. The fake gives its companies and documents random ids, while `pull.resume`
 * compares what two fakes of one check hold, ref by ref: the fakes a check starts share one seeded BC, which the
 * last of them to close closes, so every check still starts from a fresh one. (Deterministic ids in the fake
 * would make this unnecessary.)
 */
let current: { started: Promise<{ bc: FakeBc; fake: Omit<ConformanceFake, 'close'> }>; open: number } | undefined

const harness: ConformanceHarness = {
  connector: businessCentral,
  async start() {
    current ??= { started: seededFake(), open: 0 }
    const shared = current
    shared.open++
    const { bc, fake } = await shared.started
    let closed = false
    return {
      ...fake,
      async close() {
        if (closed) return
        closed = true
        shared.open--
        if (shared.open > 0) return
        if (current === shared) current = undefined
        await bc.close()
      },
    }
  },
}

export default harness
