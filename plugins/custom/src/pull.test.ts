import { ConnectorError, type PullPage, type TenantInfo } from '@ksef-hub/connector-sdk'
import { randomNip } from '@ksef-hub/fa3/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_SELLER, type FakeErp, startFakeErp } from '../fake/index.ts'
import custom from './index.ts'
import { type Cursor, pullPage } from './pull.ts'
import { fakeSettings, testContext } from './test-context.ts'

const tenant: TenantInfo = { id: 'tenant-1', nip: randomNip(), name: FAKE_SELLER.name }
let erp: FakeErp

beforeEach(async () => {
  erp = await startFakeErp()
})
afterEach(() => erp.close())

function context(pull: Record<string, unknown> = {}, timeoutMs?: number) {
  const settings = fakeSettings(erp, { pull: { pageSize: 5, ...pull } })
  return testContext({ settings, secrets: { apiKey: erp.apiKey }, tenant, ...(timeoutMs ? { timeoutMs } : {}) }).context
}

/** Pulls until the source has nothing more now, as the hub does (saving the cursor after each page). */
async function traverse(from: Cursor | undefined, pull: Record<string, unknown> = {}) {
  const refs: string[] = []
  let cursor = from
  let page: PullPage<Cursor>
  do {
    page = await pullPage(context(pull), cursor)
    refs.push(...page.documents.map((document) => document.ref))
    cursor = page.cursor
  } while (page.more)
  return { refs, cursor: cursor as Cursor }
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the pull succeeded')
    },
    (error: unknown) => {
      if (!(error instanceof ConnectorError)) throw error
      return error
    },
  )

describe('pulling the fake source', () => {
  it('reads every document across pages, then starts the next traversal from the latest change, inclusive', async () => {
    erp.seed({ invoices: 21, creditNotes: 2 })
    const all = erp.documents()
    const first = await traverse(undefined)
    expect(first.refs).toEqual(all.map((document) => document.id))
    expect(first.cursor).toEqual({ since: all.at(-1)?.updatedAt })
    const quiet = await traverse(first.cursor)
    expect(quiet.refs).toEqual([all.at(-1)?.id])
  })

  it('resumes after a failure in the middle from the saved cursor, losing no document', async () => {
    const { invoices } = erp.seed({ invoices: 23 })
    const seen: string[] = []
    let cursor: Cursor | undefined
    for (let page = 0; page < 2; page++) {
      const result = await pullPage(context(), cursor)
      seen.push(...result.documents.map((document) => document.ref))
      cursor = result.cursor
    }
    // Three 503s outlast the client's two retries: the page fails, and the hub keeps the cursor it saved.
    erp.failNext({ status: 503 }, 3)
    const error = await failure(pullPage(context(), cursor))
    expect([error.kind, error.retryable]).toEqual(['transient', true])
    // A crash after reading a page but before storing it: the saved cursor reads that page again.
    const reread = await pullPage(context(), cursor)
    const again = await pullPage(context(), cursor)
    expect(again.documents.map((document) => document.ref)).toEqual(reread.documents.map((document) => document.ref))
    const rest = await traverse(cursor)
    seen.push(...rest.refs)
    expect(seen).toEqual(invoices)
  })

  it('finds a document changed during a traversal, in that traversal or the next', async () => {
    const { invoices } = erp.seed({ invoices: 12 })
    const first = await pullPage(context(), undefined)
    erp.touch(invoices[1]!)
    const [added] = erp.seed({ invoices: 1 }).invoices
    const rest = await traverse(first.cursor)
    expect(rest.refs.slice(-2)).toEqual([invoices[1], added])
    erp.touch(invoices[3]!)
    const next = await traverse(rest.cursor)
    expect(next.refs).toEqual([added, invoices[3]])
  })

  it('reads back the overlap before the latest change for sources that commit out of order', async () => {
    erp.seed({ invoices: 3 })
    const { cursor } = await traverse(undefined, { overlapSeconds: 60 })
    const latest = Date.parse(erp.documents().at(-1)!.updatedAt)
    expect(cursor).toEqual({ since: new Date(latest - 60_000).toISOString() })
  })

  it('classifies a refused key, a rate limit with its wait, and a hang', async () => {
    erp.seed({ invoices: 2 })
    erp.failNext({ status: 401 })
    expect((await failure(pullPage(context(), undefined))).kind).toBe('auth')
    erp.failNext({ status: 429, retryAfterSeconds: 30 })
    const limited = await failure(pullPage(context(), undefined))
    expect([limited.kind, limited.retryAfterMs]).toEqual(['rate_limit', 30_000])
    erp.failNext({ hang: true }, 3)
    expect((await failure(pullPage(context({}, 200), undefined))).kind).toBe('transient')
    expect((await pullPage(context(), undefined)).documents).toHaveLength(2)
  })

  it('names the settings field when a pull expression does not fit the source', async () => {
    erp.seed({ invoices: 1 })
    const noId = await failure(pullPage(context({ id: 'identifier' }), undefined))
    expect([noId.kind, noId.message]).toEqual(['validation', expect.stringMatching(/^settings\.pull\.id gave nothing/)])
    const noTime = await failure(pullPage(context({ updatedAt: 'issueDate' }), undefined))
    expect(noTime.message).toMatch(/^settings\.pull\.updatedAt gave "\d{4}-\d{2}-\d{2}" .* with its zone/)
  })

  it('stops a source that answers a page token with the same token', async () => {
    erp.seed({ invoices: 1 })
    const pull = { query: { limit: '{limit}' }, nextPage: '"always-the-same"' }
    const first = await pullPage(context(pull), undefined)
    expect(first.cursor.page).toBe('always-the-same')
    const error = await failure(pullPage(context(pull), first.cursor))
    expect(error.message).toMatch(/same token/)
  })

  it('checks the connection with one cheap authenticated call', async () => {
    await custom.healthCheck!(context())
    expect(erp.calls()).toEqual([{ method: 'GET', path: '/invoices', status: 200 }])
    const wrongKey = testContext({ settings: fakeSettings(erp), secrets: { apiKey: 'not-the-key' }, tenant }).context
    expect((await failure(custom.healthCheck!(wrongKey))).kind).toBe('auth')
  })
})
