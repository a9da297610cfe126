import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { testCertificate } from '@ksef-hub/ksef-client/testing'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addTenant, call, openTestGateway, type TestGateway } from '../test-support.ts'

describe.each(testBackends())('a tenant ends itself, and uploads a certificate that is checked (%s)', (backend) => {
  let t: TestGateway
  beforeAll(async () => {
    t = await openTestGateway(backend, { options: { authCacheMs: 0 } })
  })
  afterAll(() => t.close())

  it('disables itself only with its id confirmed; its key stops working', async () => {
    const { apiKey } = await addTenant(t.context, 'acme', '5265877635')
    const unconfirmed = await call(t.url, 'POST', '/v1/tenant/disable?confirm=other', { apiKey })
    expect(unconfirmed.json).toMatchObject({ status: 400, field: 'query.confirm' })
    expect((await call(t.url, 'POST', '/v1/tenant/disable?confirm=acme', { apiKey })).status).toBe(204)
    expect((await call(t.url, 'GET', '/v1/invoices', { apiKey })).status).toBe(401)
  })

  it('deletes itself once nothing is on its way to KSeF: says what it erased and what it kept', async () => {
    const { apiKey } = await addTenant(t.context, 'beta', '9999999999')
    const json = typicalInvoice({ sellerNip: '9999999999', number: 'FV/BETA/1', lines: 1 })
    const invoice = await call(t.url, 'POST', '/v1/invoices', { apiKey, json })
    expect((await call(t.url, 'PUT', '/v1/tenant/credentials', { apiKey, json: { token: 'tok' } })).status).toBe(204)
    const busy = await call(t.url, 'DELETE', '/v1/tenant?confirm=beta', { apiKey })
    expect(busy.json).toMatchObject({ status: 409, code: 'ILLEGAL_TRANSITION', invoicesInFlight: 1 })
    await t.context.db
      .updateTable('invoices')
      .set({ state: 'rejected' })
      .where('id', '=', invoice.json.id as string)
      .execute()
    const deleted = await call(t.url, 'DELETE', '/v1/tenant?confirm=beta', { apiKey })
    expect(deleted.status).toBe(200)
    expect(deleted.json).toMatchObject({ tenantId: 'beta', erased: { secrets: 1, apiKeys: 1 }, kept: { invoices: 1 } })
    expect((await call(t.url, 'GET', '/v1/invoices', { apiKey })).status).toBe(401)
  })

  it('parses a certificate upload: PEM markers around junk, a foreign key, are refused naming the field', async () => {
    const { apiKey } = await addTenant(t.context, 'gamma', '1234563218')
    const rsa = testCertificate('seal-rsa')
    const ec = testCertificate('seal-ec')
    const junk = await call(t.url, 'PUT', '/v1/tenant/credentials', {
      apiKey,
      json: {
        certificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        privateKey: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
      },
    })
    expect(junk.json).toMatchObject({ status: 422, code: 'CONFIGURATION', field: 'certificate' })
    const foreign = await call(t.url, 'PUT', '/v1/tenant/credentials', {
      apiKey,
      json: { certificate: rsa.certificatePem, privateKey: ec.privateKeyPem },
    })
    expect(foreign.json).toMatchObject({ status: 422, field: 'privateKey' })
    const good = await call(t.url, 'PUT', '/v1/tenant/credentials', {
      apiKey,
      json: { certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem },
    })
    expect(good.status).toBe(204)
  })
})
