/**
 * What the Business Central end-to-end run needs besides its phases: a fake BC per hub tenant, both of its
 * companies made the tenant's (as an integrator sets VAT Registration No. in Company Information), seeded with the
 * issue's posted invoices and credit memos and the documents that must not reach KSeF; the connection's settings;
 * BC's API as its users call it; and what the fake holds of each document (its number, its attachments).
 *
 * @module
 */
import businessCentral, { refOf } from '@ksef-hub/connector-business-central'
import {
  connectionSettings,
  FAKE_KSEF_START_DATE,
  FAKE_TAX_CODES,
  type FakeBc,
  type FakeBcOptions,
  startFakeBc,
} from '@ksef-hub/connector-business-central/fake'

export { businessCentral }

/** How long both fakes are down in the middle of the run (default a minute; the issue sets no length). */
export const OUTAGE_MS = Number(process.env.E2E_BC_OUTAGE_SECONDS ?? 60) * 1000
/** Posted invoices and credit memos seeded into each company (each company numbers its own, as in BC). */
const INVOICES_PER_COMPANY = 150
const CREDIT_MEMOS_PER_COMPANY = 10
/** The G/L account the connection names as its prepayments' (`settings.prepayment.accounts`). */
const PREPAYMENT_ACCOUNT = '845-100'

/** A sales document of the fake, as the connector names it. */
export interface BcDocument {
  readonly companyId: string
  readonly kind: 'salesInvoices' | 'salesCreditMemos'
  readonly id: string
  readonly ref: string
}

/** The documents that cannot become invoices, each with the code the hub must show. */
export interface BrokenDocuments {
  readonly withoutNip: BcDocument
  readonly unmappedTaxCode: BcDocument
  readonly prepayment: BcDocument
  readonly rebate: BcDocument
}

/** A hub tenant, its fake BC and what the hub should make of it. */
export interface BcTenant {
  readonly id: string
  readonly nip: string
  readonly bc: FakeBc
  /** Documents that must each become one confirmed invoice with its UPO attached once. */
  readonly sendable: BcDocument[]
  readonly broken: BrokenDocuments
}

const documentOf = (companyId: string, kind: BcDocument['kind'], id: string): BcDocument => ({
  companyId,
  kind,
  id,
  ref: refOf(companyId, kind, id),
})

/**
 * A call to BC's API made as its user would (outside the connector): a token of the fake's app, then the request.
 *
 * @example
 * ```ts
 * const { value } = await bcCall(bc, 'GET', `/companies(${id})/customers`)
 * ```
 */
export async function bcCall(
  bc: FakeBc,
  method: 'GET' | 'PATCH',
  path: string,
  body?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const token = await fetch(bc.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: bc.credentials.clientId,
      client_secret: bc.credentials.clientSecret,
      scope: bc.scope,
    }),
  })
  const { access_token: accessToken } = (await token.json()) as { access_token: string }
  const response = await fetch(`${bc.apiBase}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      ...(method === 'PATCH' ? { 'if-match': '*' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
  return (await response.json()) as Record<string, unknown>
}

/**
 * Sets a company's VAT Registration No. as its administrator would in Company Information: the fake's companies
 * are two sellers, and a connection sends the documents of companies that are its tenant.
 */
async function setCompanyNip(bc: FakeBc, companyId: string, nip: string): Promise<void> {
  const path = `/companies(${companyId})/companyInformation`
  const [information] = (await bcCall(bc, 'GET', path)).value as { id: string }[]
  await bcCall(bc, 'PATCH', `${path}(${information?.id})`, { taxRegistrationNumber: `PL${nip}` })
}

/**
 * Starts a fake BC for a hub tenant: both companies the tenant's, 150 posted invoices and 10 credit memos in
 * each, and in the first a customer without a NIP, a line on a tax code the table leaves out, a credit
 * memo naming no invoice and a prepayment invoice.
 *
 * @example
 * ```ts
 * const tenant = await seededTenant('bc-hook', randomNip(), { notifications: { delayMs: 2_000 } })
 * ```
 */
export async function seededTenant(id: string, nip: string, options: FakeBcOptions = {}): Promise<BcTenant> {
  const bc = await startFakeBc({ companies: 2, ...options })
  const [first, second] = bc.companies.map((company) => company.id) as [string, string]
  for (const company of [first, second]) await setCompanyNip(bc, company, nip)
  const one = bc.seed(first, {
    invoices: INVOICES_PER_COMPANY,
    creditMemos: CREDIT_MEMOS_PER_COMPANY,
    withoutNip: 1,
    unmappedTaxCode: 1,
    unsupported: 1,
  })
  const two = bc.seed(second, { invoices: INVOICES_PER_COMPANY, creditMemos: CREDIT_MEMOS_PER_COMPANY })
  const prepayment = bc.postInvoice(first, {
    lines: [
      {
        lineType: 'Account',
        lineObjectNumber: PREPAYMENT_ACCOUNT,
        description: 'Zaliczka na zamówienie ZS/2026/0077',
        quantity: '1',
        unitPrice: '2000.00',
        taxCode: 'VAT23',
      },
    ],
  })
  const invoices = (companyId: string, ids: readonly string[]) =>
    ids.map((each) => documentOf(companyId, 'salesInvoices', each))
  return {
    id,
    nip,
    bc,
    sendable: [
      ...invoices(first, one.invoices),
      ...one.creditMemos.map((each) => documentOf(first, 'salesCreditMemos', each)),
      ...invoices(second, two.invoices),
      ...two.creditMemos.map((each) => documentOf(second, 'salesCreditMemos', each)),
    ],
    broken: {
      withoutNip: documentOf(first, 'salesInvoices', one.withoutNip[0] as string),
      unmappedTaxCode: documentOf(first, 'salesInvoices', one.unmappedTaxCode[0] as string),
      prepayment: documentOf(first, 'salesInvoices', prepayment),
      rebate: documentOf(first, 'salesCreditMemos', one.unsupported[0] as string),
    },
  }
}

/**
 * Posts `count` invoices now, in turn into each company; they are sendable.
 *
 * @example
 * ```ts
 * const later = postInvoices(tenant, 4)
 * ```
 */
export function postInvoices(tenant: BcTenant, count: number): BcDocument[] {
  const posted = Array.from({ length: count }, (_, index) => {
    const company = tenant.bc.companies[index % tenant.bc.companies.length]?.id as string
    return documentOf(company, 'salesInvoices', tenant.bc.postInvoice(company))
  })
  tenant.sendable.push(...posted)
  return posted
}

/**
 * The connection's settings: both companies, the fake's tax table, small pages (a pull spans many requests),
 * prepayments recognised by their account, and purchase invoices onto a G/L account of the fake.
 */
export function bcSettings(tenant: BcTenant, everyMinutes: number): Record<string, unknown> {
  return connectionSettings(tenant.bc, {
    companies: tenant.bc.companies.map((company) => company.id),
    taxCodes: FAKE_TAX_CODES,
    ksefStartDate: FAKE_KSEF_START_DATE,
    pull: { pageSize: 40, everyMinutes },
    prepayment: { accounts: [PREPAYMENT_ACCOUNT] },
    purchase: { glAccount: '402-100', taxCodes: { '23': 'VAT23', '8': 'VAT8' } },
  })
}

/** The document's number in BC (its `P_2`). */
export const numberOf = (tenant: BcTenant, document: BcDocument): string =>
  String(tenant.bc.document(document.companyId, document.id)?.number)

/** The simulator's key of a document (seller, type, number), as it groups what it received. */
export const keyOf = (tenant: BcTenant, document: BcDocument): string =>
  `${tenant.nip}|${document.kind === 'salesInvoices' ? 'VAT' : 'KOR'}|${numberOf(tenant, document)}`

/** The attachments of a document (BC's `parentType` of its kind). */
export function attachmentsOf(tenant: BcTenant, document: BcDocument) {
  const parentType = document.kind === 'salesInvoices' ? 'Sales Invoice' : 'Sales Credit Memo'
  return tenant.bc.attachments(document.companyId, parentType, document.id)
}

/** The attachments of a document whose names say they are UPOs (whatever their KSeF number). */
export const uposAttached = (tenant: BcTenant, document: BcDocument) =>
  attachmentsOf(tenant, document).filter((attachment) => attachment.fileName.endsWith('-UPO.xml'))

/** BC's POSTs to paths matching `path` whose answer never reached the connector (the connection cut). */
export const cutPosts = (bc: FakeBc, path: RegExp): number =>
  bc.requests.filter((request) => request.method === 'POST' && path.test(request.path) && request.status === null)
    .length
