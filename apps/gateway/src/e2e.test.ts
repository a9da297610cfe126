import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { type RunningSimulator, startSimulator } from '@ksef-hub/ksef-simulator'
import { loadTenantFiles, type RunningWorker, reconcileTenants, startWorker, verifySignature } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { call, openTestGateway, type TestGateway } from './test-support.ts'

const API_KEY = 'ksh_DemoDemoDemo_abcdefghijklmnopqrstuvwxyz012345'

/** The README's example invoice (the demo tenant's NIP as seller). */
const EXAMPLE_INVOICE = {
  seller: {
    nip: '5265877635',
    name: 'Demo Sp. z o.o.',
    address: { countryCode: 'PL', line1: 'ul. Prosta 1', line2: '00-001 Warszawa' },
  },
  buyer: {
    id: { kind: 'nip', nip: '9999999999' },
    name: 'Nabywca S.A.',
    address: { countryCode: 'PL', line1: 'ul. Długa 2', line2: '30-001 Kraków' },
  },
  details: {
    type: 'VAT',
    number: 'FV/2026/11/0001',
    issueDate: '2026-11-02',
    currency: 'PLN',
    lines: [
      {
        number: 1,
        name: 'Consulting',
        unit: 'h',
        quantity: '10',
        unitNetPrice: '150.00',
        netAmount: '1500.00',
        vatRate: '23',
      },
    ],
    totals: { standard: { net: '1500.00', vat: '345.00' }, totalDue: '1845.00' },
  },
}

describe.each(testBackends())(
  'the demo tenant end to end: API -> worker -> simulator -> UPO -> webhook (%s)',
  (backend) => {
    let t: TestGateway
    let sim: RunningSimulator
    let worker: RunningWorker
    let hook: Server
    const received: { body: string; signature: string }[] = []
    beforeAll(async () => {
      sim = await startSimulator({ port: 0, seedTokens: [{ nip: '5265877635', token: 'demo-token' }], log: () => {} })
      t = await openTestGateway(backend)
      const files = await loadTenantFiles(join(import.meta.dirname, '..', '..', '..', 'tenants'))
      const reports = await reconcileTenants(
        t.context,
        files,
        {
          KSEF_HUB_DEMO_KSEF_BASE_URL: sim.url,
          KSEF_HUB_DEMO_KSEF_TOKEN: 'demo-token',
          KSEF_HUB_DEMO_API_KEY: API_KEY,
        },
        new Map(),
      )
      expect(reports.find((report) => report.id === 'demo')).toMatchObject({ action: 'created' })
      worker = await startWorker(t.context, {
        rateLimits: 'off',
        schedules: false,
        pollingIntervalSeconds: 0.5,
        webhookPrivateNetworks: 'allow',
      })
      hook = createServer((request, response) => {
        let body = ''
        request.on('data', (chunk) => {
          body += chunk
        })
        request.on('end', () => {
          received.push({ body, signature: String(request.headers['ksef-hub-signature']) })
          response.end('ok')
        })
      })
      await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve))
    })
    afterAll(async () => {
      await worker?.stop()
      hook?.close()
      await t?.close()
      await sim?.close()
    })

    it('submits the README example with curl-like HTTP and sees it confirmed with a UPO and a signed webhook', async () => {
      const subscribed = await call(t.url, 'POST', '/v1/webhooks', {
        apiKey: API_KEY,
        json: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`, events: ['invoice.confirmed'] },
      })
      const secret = subscribed.json.secret as string
      const submitted = await call(t.url, 'POST', '/v1/invoices', {
        apiKey: API_KEY,
        json: EXAMPLE_INVOICE,
        headers: { 'idempotency-key': 'readme-example' },
      })
      expect(submitted.status).toBe(201)
      const id = submitted.json.id as string
      let view = await call(t.url, 'GET', `/v1/invoices/${id}`, { apiKey: API_KEY })
      for (let i = 0; i < 80 && view.json.state !== 'confirmed' && view.json.state !== 'rejected'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        view = await call(t.url, 'GET', `/v1/invoices/${id}`, { apiKey: API_KEY })
      }
      expect(view.json).toMatchObject({ status: 'confirmed', state: 'confirmed', upo: 'stored' })
      expect(view.json.ksefNumber).toMatch(/^5265877635-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$/)
      const upo = await call(t.url, 'GET', `/v1/invoices/${id}/upo`, { apiKey: API_KEY })
      expect(upo.status).toBe(200)
      expect(upo.text).toContain(view.json.ksefNumber as string)
      const qr = await call(t.url, 'GET', `/v1/invoices/${id}/qr`, { apiKey: API_KEY })
      expect((qr.json.invoice as { label: string }).label).toBe(view.json.ksefNumber)
      for (let i = 0; i < 40 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 250))
      expect(received).toHaveLength(1)
      const delivery = received[0] as { body: string; signature: string }
      expect(JSON.parse(delivery.body)).toMatchObject({ type: 'invoice.confirmed', invoiceId: id, tenantId: 'demo' })
      expect(verifySignature(secret, delivery.signature, delivery.body)).toBe(true)
    })
  },
)
