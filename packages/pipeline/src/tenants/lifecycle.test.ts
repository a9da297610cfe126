import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { issueApiKey, verifyApiKey } from '../api-keys/api-keys.ts'
import { claimIdempotencyKey } from '../idempotency/idempotency.ts'
import { submitInvoice } from '../invoices/intake.ts'
import { getSecret, putSecret } from '../secrets/store.ts'
import { testBackends } from '../testing/backends.ts'
import { openTestContext, type TestContext } from '../testing/database.ts'
import { createSubscription } from '../webhooks/subscriptions.ts'
import { deleteTenant, disableTenant, enableTenant } from './lifecycle.ts'
import { createTenant, getTenant } from './tenants.ts'

const NIP = '5265877635'

describe.each(testBackends())('ending a tenant (%s)', (backend) => {
  let context: TestContext
  beforeAll(async () => {
    context = await openTestContext(backend)
    await createTenant(context.db, { id: 'acme', name: 'Acme', nip: NIP, environment: 'test' })
  })
  afterAll(() => context.close())

  const auditKinds = async () =>
    (
      await context.db
        .selectFrom('audit_log')
        .select('kind')
        .where('tenant_id', '=', 'acme')
        .where('kind', 'like', 'tenant.%')
        .orderBy('id')
        .execute()
    ).map((row) => row.kind)

  it('disables a tenant (its keys stop working) and enables it again, each in the audit log', async () => {
    const { apiKey } = await issueApiKey(context.db, 'acme')
    expect(await disableTenant(context.db, 'acme', { actor: 'cli' })).toEqual({ changed: true })
    expect(await disableTenant(context.db, 'acme', { actor: 'cli' })).toEqual({ changed: false })
    expect(await verifyApiKey(context.db, apiKey)).toBeNull()
    expect(await getTenant(context.db, 'acme')).toMatchObject({ disabled: true, deleted: false })
    expect(await enableTenant(context.db, 'acme', { actor: 'cli' })).toEqual({ changed: true })
    expect(await verifyApiKey(context.db, apiKey)).toMatchObject({ tenantId: 'acme' })
    expect(await auditKinds()).toEqual(['tenant.created', 'tenant.disabled', 'tenant.enabled'])
    await expect(disableTenant(context.db, 'nobody', { actor: 'cli' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('refuses to delete while an invoice is on its way to KSeF, then erases secrets and access and keeps the records', async () => {
    const { apiKey } = await issueApiKey(context.db, 'acme')
    const invoice = await submitInvoice(context, {
      tenantId: 'acme',
      invoice: typicalInvoice({ sellerNip: NIP, number: 'FV/END/1', lines: 1 }),
      validation: 'structural',
    })
    await putSecret(context.db, context.keys, 'acme', 'ksef-token', 'the-token')
    await createSubscription(context.db, context.keys, 'acme', {
      url: 'https://erp.example/hook',
      events: ['invoice.confirmed'],
    })
    await claimIdempotencyKey(context.db, { tenantId: 'acme', key: 'k1', fingerprint: 'f' })

    await expect(deleteTenant(context.db, 'acme', { actor: 'cli' })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { invoicesInFlight: 1 },
    })
    expect(await getSecret(context.db, context.keys, 'acme', 'ksef-token')).toBe('the-token')
    await context.db.updateTable('invoices').set({ state: 'rejected' }).where('id', '=', invoice.id).execute()

    const deletion = await deleteTenant(context.db, 'acme', { actor: 'cli' })
    expect(deletion.erased).toEqual({ secrets: 2, apiKeys: 2, webhookSubscriptions: 1, idempotencyKeys: 1 })
    expect(deletion.kept).toMatchObject({ invoices: 1, incomingInvoices: 0 })
    expect(await getSecret(context.db, context.keys, 'acme', 'ksef-token')).toBeUndefined()
    expect(await verifyApiKey(context.db, apiKey)).toBeNull()
    expect(await getTenant(context.db, 'acme')).toMatchObject({ disabled: true, deleted: true })
    // The record of its invoicing stays, the audit log with it (and the deletion is in it).
    const kept = await context.db.selectFrom('invoices').select('id').where('tenant_id', '=', 'acme').execute()
    expect(kept.map((row) => row.id)).toEqual([invoice.id])
    expect((await auditKinds()).at(-1)).toBe('tenant.deleted')
    // Final: no enabling, no second deletion, no secret coming back (from a tenant file or anything else).
    await expect(enableTenant(context.db, 'acme', { actor: 'cli' })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    })
    await expect(deleteTenant(context.db, 'acme', { actor: 'cli' })).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    })
    await expect(putSecret(context.db, context.keys, 'acme', 'ksef-token', 'again')).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    })
  })
})
