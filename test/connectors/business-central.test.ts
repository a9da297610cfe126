/**
 * The Business Central connector end to end on PostgreSQL. Two hub tenants, each with a fake BC of two companies
 * holding 300 posted invoices and 20 credit memos: `bc-hook` hears of changes through BC's webhooks (the gateway
 * answers BC's handshake and takes its notifications) and pulls on its own only hourly; `bc-poll` has no
 * clientState, so it polls alone. A worker process is SIGKILLed while UPOs are being attached, and both BCs go down
 * for a while with invoices posted meanwhile. At the end each document is one invoice confirmed by KSeF (the
 * simulator received it once), its UPO attached to it exactly once; the customer without a NIP, the unmapped tax
 * code, the prepayment invoice and the credit memo naming no invoice show why in the API and reached nothing, and
 * the accountants' fixes send two of them. Then 50 purchase invoices from KSeF become 50 BC purchase invoices,
 * once each, through another SIGKILL, a second run and a replay of every import.
 */
import { randomNip } from '@ksef-hub/fa3/testing'
import { QUEUES, requestIncomingPull, requestPull } from '@ksef-hub/pipeline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnWorker, type WorkerProcess } from '../chaos/worker-process.ts'
import {
  type BcTenant,
  bcCall,
  bcSettings,
  cutPosts,
  numberOf,
  OUTAGE_MS,
  postInvoices,
  uposAttached,
} from './business-central.ts'
import { expectImportedOnce, expectSentAndAttachedOnce, issuePurchases } from './business-central-checks.ts'
import { type BcHub, confirmedAndAttached, startBcHub, webhooksHeard } from './business-central-hub.ts'
import { sleep, waitUntil } from './erp.ts'

describe('the Business Central connector end to end: webhooks and polling alone, a worker SIGKILL, a BC outage', () => {
  let hub: BcHub
  const tenants = () => [hub.hook, hub.poll]
  const progress = () => hub.progress()

  beforeAll(async () => {
    hub = await startBcHub()
  })
  afterAll(() => hub?.close())

  const restart = async () => {
    const victim = hub.worker as WorkerProcess
    victim.child.kill('SIGKILL')
    expect(await victim.exited).toBe('SIGKILL')
    hub.worker = spawnWorker(hub.env)
  }
  const allDone = async () =>
    (await confirmedAndAttached(hub, hub.hook, hub.hook.sendable)) &&
    confirmedAndAttached(hub, hub.poll, hub.poll.sendable)
  const uposSoFar = (tenant: BcTenant) =>
    tenant.sendable.filter((document) => uposAttached(tenant, document).length > 0).length

  it(
    'sends each posted document once and attaches its UPO once, names why four were not sent, and sends two fixed',
    async () => {
      const { hook, poll } = hub
      hub.worker = spawnWorker(hub.env)
      // The first two attachments of each BC lose their answer after BC stored the record: the retry finds it.
      for (const tenant of tenants()) {
        tenant.bc.failNext('drop-after-write', 2, { method: 'POST', path: /\/documentAttachments$/ })
        await requestPull(hub.context, { tenantId: tenant.id, connectionId: hub.connectionId(tenant), reason: 'api' })
      }

      // 1. A SIGKILL while UPOs are being attached (and pulls run): the next calls to each BC hang, the worker dies
      // in the middle of them.
      await waitUntil(async () => uposSoFar(hook) + uposSoFar(poll) >= 60, 300_000, progress)
      for (const tenant of tenants()) tenant.bc.failNext('hang', 2)
      await sleep(300)
      expect(uposSoFar(hook) + uposSoFar(poll)).toBeLessThan(hook.sendable.length + poll.sendable.length)
      await restart()

      // 2. Both BCs go down; invoices posted meanwhile (notified to the webhook tenant, whose pull fails until BC
      // is back; found by the other's polls) reach KSeF once they are back.
      for (const tenant of tenants()) await tenant.bc.outage('unavailable')
      for (const tenant of tenants()) postInvoices(tenant, 4)
      await sleep(OUTAGE_MS)
      for (const tenant of tenants()) await tenant.bc.outage(false)
      await waitUntil(allDone, 600_000, progress)
      // Attachments whose answer BC never gave (after storing them) are among those attached once (checked below).
      for (const tenant of tenants()) expect(cutPosts(tenant.bc, /\/documentAttachments$/)).toBeGreaterThanOrEqual(2)

      // 3. The webhook tenant subscribed each company's invoices and credit memos at the gateway's route for it,
      // through BC's validation handshake; the polling tenant subscribed nothing and heard nothing.
      const route = `${hub.gateway.url}/v1/connectors/business-central/${hook.id}/webhook`
      const resources = hook.bc.companies.flatMap((company) =>
        ['salesCreditMemos', 'salesInvoices'].map((set) => `/api/v2.0/companies(${company.id})/${set}`),
      )
      const subscriptions = hook.bc.subscriptions()
      expect(subscriptions.map((each) => each.resource).sort()).toEqual(resources.sort())
      for (const subscription of subscriptions) {
        expect(subscription).toMatchObject({ notificationUrl: route, clientState: hub.clientState })
        expect(subscription.handshakes).toBeGreaterThanOrEqual(1)
      }
      expect(poll.bc.subscriptions()).toEqual([])
      expect(poll.bc.deliveries()).toEqual([])

      // 4. Invoices posted now reach KSeF within seconds, although the webhook tenant pulls on its own hourly: BC
      // notifies the gateway, which asks for the pull.
      const posted = postInvoices(hook, 4)
      await waitUntil(async () => confirmedAndAttached(hub, hook, posted), 90_000, progress)
      const heard = await webhooksHeard(hub, hook)
      expect(posted.filter((document) => !heard.refs.has(document.ref))).toEqual([])
      expect((await webhooksHeard(hub, poll)).calls).toBe(0)

      // 5. What was not sent is in the API with what is wrong, where, and the fix; none of it reached KSeF. Each
      // reason names the document (its BC number) or the tax code.
      const expected = [
        ['withoutNip', 'BUYER_NIP_MISSING', /^customer\.taxRegistrationNumber$/, 'number'],
        ['unmappedTaxCode', 'TAX_CODE_UNMAPPED', /^salesInvoiceLines\[\d+\]\.taxCode$/, 'VAT22'],
        ['prepayment', 'DOCUMENT_TYPE_UNSUPPORTED', /^number$/, 'number'],
        ['rebate', 'ORIGINAL_NOT_FOUND', /^correction\.original$/, 'number'],
      ] as const
      for (const tenant of tenants()) {
        for (const [which, code, field, names] of expected) {
          const document = tenant.broken[which]
          const answer = await hub.api(tenant, `/v1/connections/bc/documents?ref=${encodeURIComponent(document.ref)}`)
          expect(answer.status).toBe(200)
          const { documents } = (await answer.json()) as { documents: Record<string, string | null>[] }
          expect(documents).toHaveLength(1)
          expect(documents[0]).toMatchObject({ ref: document.ref, state: 'unmappable', code, invoiceId: null })
          expect(documents[0]?.field).toMatch(field)
          expect(documents[0]?.reason).toContain(names === 'number' ? numberOf(tenant, document) : names)
          expect(documents[0]?.fix?.length).toBeGreaterThan(30)
        }
        await expectSentAndAttachedOnce(hub, tenant, Object.values(tenant.broken))
      }

      // 6. The accountants fix one each and retry it through the API: the webhook tenant's customer gets its NIP in
      // BC (no posted document changes: the retry reads it again), the polling tenant's table gets VAT22. Each goes
      // to KSeF once, its UPO attached once; the others stay where they were.
      const { companyId, id } = hook.broken.withoutNip
      const customer = hook.bc.document(companyId, id)?.customerId
      await bcCall(hook.bc, 'PATCH', `/companies(${companyId})/customers(${customer})`, {
        taxRegistrationNumber: randomNip(),
      })
      const settings = bcSettings(poll, 1)
      const saved = await hub.api(poll, '/v1/connections', {
        method: 'POST',
        body: JSON.stringify({
          name: 'bc',
          connector: 'business-central',
          settings: { ...settings, taxCodes: { ...(settings.taxCodes as object), VAT22: '22' } },
        }),
      })
      expect(saved.status).toBe(200)
      for (const [tenant, fixed] of [
        [hook, hook.broken.withoutNip],
        [poll, poll.broken.unmappedTaxCode],
      ] as const) {
        const retry = { method: 'POST', body: JSON.stringify({ refs: [fixed.ref] }) }
        const answer = await hub.api(tenant, '/v1/connections/bc/documents/retry', retry)
        expect(await answer.json()).toEqual({ retried: 1 })
        tenant.sendable.push(fixed)
      }
      await waitUntil(allDone, 180_000, progress)
      for (const tenant of tenants()) {
        const left = Object.values(tenant.broken).filter((document) => !tenant.sendable.includes(document))
        expect(left).toHaveLength(3)
        await expectSentAndAttachedOnce(hub, tenant, left)
      }
      expect(hook.bc.subscriptions()).toHaveLength(4)
      for (const tenant of tenants()) {
        const answer = await hub.api(tenant, '/v1/connections/bc')
        expect(await answer.json()).toMatchObject({ status: 'active', enabled: true })
      }
    },
    OUTAGE_MS + 1_200_000,
  )

  it('imports 50 purchase invoices from KSeF as 50 BC purchase invoices, once each, through a SIGKILL and a replay', async () => {
    const { hook, context } = hub
    // The worker of the first test, unless that one failed before starting it or with it dead.
    const child = hub.worker?.child
    if (!child || child.exitCode !== null || child.signalCode !== null) hub.worker = spawnWorker(hub.env)
    const company = hook.bc.companies[0]?.id as string
    const vendors = await issuePurchases(hub, 50)
    // A purchase invoice and a line each lose their answer after BC stored them: the retry finds them there. BC
    // answers the 300 calls after them in 100 ms each, so the imports take seconds and a SIGKILL lands among them.
    hook.bc.failNext('drop-after-write', 1, { method: 'POST', path: /\/purchaseInvoices$/ })
    hook.bc.failNext('drop-after-write', 1, { method: 'POST', path: /\/purchaseInvoiceLines$/ })
    hook.bc.failNext('slow', 300, undefined, { delayMs: 100 })
    await requestIncomingPull(context, hook.id, { force: true })

    // A SIGKILL in the middle of the imports.
    await waitUntil(async () => hook.bc.purchaseInvoices(company).length >= 12, 180_000, progress)
    expect(hook.bc.purchaseInvoices(company).length).toBeLessThan(50)
    await restart()
    const imports = () =>
      context.db
        .selectFrom('incoming_imports')
        .select(['incoming_id', 'state', 'target_ref'])
        .where('connection_id', '=', hub.connectionId(hook))
        .orderBy('incoming_id')
        .execute()
    const allImported = async () => {
      const rows = await imports()
      return rows.length === 50 && rows.every((row) => row.state === 'done')
    }
    await waitUntil(allImported, 300_000, progress)
    expect(cutPosts(hook.bc, /\/purchaseInvoices$/)).toBeGreaterThanOrEqual(1)
    expect(cutPosts(hook.bc, /\/purchaseInvoiceLines$/)).toBeGreaterThanOrEqual(1)
    await expectImportedOnce(hub, vendors, 50)
    const first = await imports()

    // A second run finds nothing new; every import run again (as after the hub lost its record of them) finds
    // its purchase invoice in BC and makes nothing twice.
    const lastRun = async () =>
      (
        await context.db
          .selectFrom('incoming_sync')
          .select('last_run_at')
          .where('tenant_id', '=', hook.id)
          .executeTakeFirstOrThrow()
      ).last_run_at?.getTime()
    const before = await lastRun()
    await requestIncomingPull(context, hook.id, { force: true })
    await waitUntil(async () => (await lastRun()) !== before, 60_000, progress)
    await context.db
      .updateTable('incoming_imports')
      .set({ state: 'pending', target_ref: null })
      .where('connection_id', '=', hub.connectionId(hook))
      .execute()
    await context.boss.insert(
      QUEUES.connectionImport,
      first.map((row) => ({
        data: { tenantId: hook.id, connectionId: hub.connectionId(hook), incomingId: row.incoming_id },
        group: { id: hook.id },
      })),
    )
    await waitUntil(allImported, 180_000, progress)
    await expectImportedOnce(hub, vendors, 50)
    expect(await imports()).toEqual(first)
    expect(hub.poll.bc.purchaseInvoices(hub.poll.bc.companies[0]?.id as string)).toEqual([])

    hub.worker?.child.kill('SIGTERM')
    expect(await hub.worker?.exited).toBe(0)
  }, 600_000)
})
