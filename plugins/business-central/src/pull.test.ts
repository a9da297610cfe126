import { isConnectorError } from '@ksef-hub/connector-sdk'
import { afterEach, describe, expect, it } from 'vitest'
import type { Cursor } from './cursor.ts'
import { pullPage } from './pull.ts'
import { refOf } from './refs.ts'
import { COMPANY, type StubBc, settingsFor, startStubBc, testContext } from './test-context.ts'
import { bcCompanyInformation, bcInvoice, nextId } from './test-fixtures.ts'

type Json = Record<string, unknown>

/**
 * A listing of sales invoices as BC serves it: `$filter=lastModifiedDateTime ge …` (or none), oldest change
 * first, `Prefer: odata.maxpagesize` pages with an `@odata.nextLink` holding a skip token.
 */
function listing(invoices: Json[], base: () => string) {
  return (path: string, request: { url: URL; headers: Readonly<Record<string, string>> }) => {
    if (path === `/companies(${COMPANY})/companyInformation`) return { json: { value: [bcCompanyInformation()] } }
    if (path === `/companies(${COMPANY})/salesCreditMemos`) return { json: { value: [] } }
    if (path !== `/companies(${COMPANY})/salesInvoices`) return undefined
    const filter = request.url.searchParams.get('$filter')
    const since = filter ? Date.parse(filter.replace('lastModifiedDateTime ge ', '')) : Number.NEGATIVE_INFINITY
    const sorted = invoices
      .filter((invoice) => Date.parse(String(invoice.lastModifiedDateTime)) >= since)
      .sort((a, b) => Date.parse(String(a.lastModifiedDateTime)) - Date.parse(String(b.lastModifiedDateTime)))
    const size = Number(/maxpagesize=(\d+)/.exec(request.headers.prefer ?? '')?.[1] ?? 20_000)
    const skip = Number(request.url.searchParams.get('$skiptoken') ?? 0)
    const value = sorted.slice(skip, skip + size)
    const more = skip + size < sorted.length
    const next = new URL(`${base()}${path}${request.url.search}`)
    next.searchParams.set('$skiptoken', String(skip + size))
    return { json: { value, ...(more ? { '@odata.nextLink': next.toString() } : {}) } }
  }
}

let bc: StubBc | undefined
afterEach(async () => {
  await bc?.server.close()
  bc = undefined
})

async function pullAll(settings: Json, cursor?: Cursor) {
  const refs: string[] = []
  let next = cursor
  for (let pages = 0; pages < 50; pages++) {
    const { context } = testContext({ settings })
    const page = await pullPage(context, next)
    refs.push(...page.documents.map((document) => document.ref))
    next = JSON.parse(JSON.stringify(page.cursor)) as Cursor
    if (!page.more) return { refs, cursor: next, pages: pages + 1 }
  }
  throw new Error('the pull did not end')
}

describe('the pull', () => {
  it('walks BC pages by next link, then reads only what changed since, none lost at an instant shared by a page edge', async () => {
    const at = (second: number) => `2026-11-20T10:00:${String(second).padStart(2, '0')}.000Z`
    // Three documents changed at one instant, across a page edge.
    const invoices = [1, 2, 2, 2, 3].map((second) => bcInvoice({ id: nextId(), lastModifiedDateTime: at(second) }))
    bc = await startStubBc(listing(invoices, () => (bc as StubBc).base))
    const settings = settingsFor(bc.server.url, { pull: { pageSize: 2 }, documents: { kinds: ['salesInvoices'] } })
    const first = await pullAll(settings)
    expect(first.refs).toEqual(invoices.map((invoice) => refOf(COMPANY, 'salesInvoices', String(invoice.id))))
    expect(first.pages).toBe(3)
    expect(first.cursor.streams[`${COMPANY}/salesInvoices`]).toEqual({ since: at(3), seen: [String(invoices[4]?.id)] })
    // Nothing new: nothing read again. A document changed at the latest instant seen, and a later one: both read.
    expect((await pullAll(settings, first.cursor)).refs).toEqual([])
    const same = bcInvoice({ id: nextId(), lastModifiedDateTime: at(3) })
    const later = bcInvoice({ id: nextId(), lastModifiedDateTime: at(4) })
    invoices.push(same, later)
    const second = await pullAll(settings, first.cursor)
    expect(second.refs).toEqual([same, later].map((invoice) => refOf(COMPANY, 'salesInvoices', String(invoice.id))))
  })

  it('fails a page while BC fails (never an empty page), and resumes from the stored next link', async () => {
    const invoices = [1, 2, 3].map((second) =>
      bcInvoice({ id: nextId(), lastModifiedDateTime: `2026-11-20T10:00:0${second}Z` }),
    )
    bc = await startStubBc(listing(invoices, () => (bc as StubBc).base))
    const settings = settingsFor(bc.server.url, { pull: { pageSize: 1 } })
    const { context } = testContext({ settings })
    const first = await pullPage(context, undefined)
    expect(first.more).toBe(true)
    bc.server.failNext({ status: 503 }, 3)
    const failed = await pullPage(context, first.cursor).catch((error: unknown) => error)
    expect(isConnectorError(failed) && failed.retryable).toBe(true)
    const rest = await pullAll(settings, JSON.parse(JSON.stringify(first.cursor)) as Cursor)
    expect([...first.documents.map((document) => document.ref), ...rest.refs]).toHaveLength(3)
  })

  it('starts at the KSeF start date (midnight in Warsaw) and expands lines and customer', async () => {
    bc = await startStubBc(listing([], () => (bc as StubBc).base))
    const settings = settingsFor(bc.server.url, { ksefStartDate: '2026-02-01' })
    await pullPage(testContext({ settings }).context, undefined)
    const url = bc.requests.find((request) => request.url.pathname.endsWith('/salesInvoices'))?.url
    expect(url?.searchParams.get('$filter')).toBe('lastModifiedDateTime ge 2026-01-31T23:00:00.000Z')
    expect(url?.searchParams.get('$orderby')).toBe('lastModifiedDateTime')
    expect(url?.searchParams.get('$expand')).toBe('salesInvoiceLines,customer')
    expect(url?.search).not.toContain('+')
  })

  it('renews a token BC refuses, once, and carries it only in the Authorization header', async () => {
    bc = await startStubBc(listing([bcInvoice()], () => (bc as StubBc).base))
    const settings = settingsFor(bc.server.url)
    const { context, store, logs } = testContext({ settings })
    await pullPage(context, undefined)
    expect(bc.tokens()).toBe(1)
    bc.server.failNext({ status: 401 })
    await pullPage(context, undefined)
    expect(bc.tokens()).toBe(2)
    expect(store.stored()).toMatchObject({ accessToken: 'token-2' })
    expect(bc.requests.every((request) => !request.url.search.includes('token-'))).toBe(true)
    expect(logs.join('\n')).not.toContain('token-2')
  })
})
