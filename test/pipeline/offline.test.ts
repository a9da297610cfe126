import { createPublicKey, verify, X509Certificate } from 'node:crypto'
import { sha256Base64Url } from '@ksef-hub/fa3'
import { typicalInvoice } from '@ksef-hub/fa3/testing'
import { testCertificate } from '@ksef-hub/ksef-client/testing'
import { invoiceQrCodes, setOfflineCertificate, submitInvoice } from '@ksef-hub/pipeline'
import { testBackends } from '@ksef-hub/pipeline/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clearFaults } from '../ksef-client/simulator.ts'
import { expectConfirmedOnce, statesOf } from './expectations.ts'
import { type Hub, type HubTenant, startHub } from './hub.ts'

// Issued today: KSeF itself marks an invoice issued on an earlier day as sent in offline mode.
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(new Date())

async function submitToday(
  hub: Hub,
  tenant: { tenantId: string; nip: string },
  number: string,
  validation: 'full' | 'structural' = 'full',
): Promise<string> {
  const invoice = typicalInvoice({ sellerNip: tenant.nip, number, lines: 2, issueDate: today })
  return (await submitInvoice(hub.context, { tenantId: tenant.tenantId, invoice, validation })).id
}

async function upoXml(hub: Hub, id: string): Promise<string> {
  const row = await hub.context.db
    .selectFrom('upos')
    .select('xml')
    .where('invoice_id', '=', id)
    .executeTakeFirstOrThrow()
  return new TextDecoder().decode(row.xml)
}

describe.each(testBackends())('offline policy during a KSeF outage (%s)', (backend) => {
  let hub: Hub
  let queueing: HubTenant
  const offlineCertificate = testCertificate('offline-ec')

  beforeAll(async () => {
    hub = await startHub(backend, {
      settings: { offlinePolicy: 'offline' },
      // KSeF counts as down after the first transient failure (the production default waits for five), and is
      // probed again after 5 s (production: 30 s, doubling up to 10 min).
      worker: { breaker: { threshold: 1, cooldownMs: 5_000, maxCooldownMs: 5_000 } },
    })
    await setOfflineCertificate(hub.context, hub.tenantId, {
      certificate: offlineCertificate.certificatePem,
      privateKey: offlineCertificate.privateKeyPem,
    })
    queueing = await hub.addTenant({ settings: { offlinePolicy: 'queue' } })
  })
  afterAll(() => hub?.close())

  it('issues the invoice offline with QR codes I and II, sends it when KSeF is back, confirmed once', async () => {
    await hub.fault({ kind: 'outage' })
    const run = `${backend}-${Date.now().toString(36)}`
    const offline = await submitToday(hub, hub, `FV/OFF/${run}`)
    await hub.waitFor([offline], ['offline'])
    // Taken in without the full checks (the API's fast path) while KSeF is known to be down: checked by the
    // worker and issued offline at once, not only when the breaker next lets a probe through.
    const { scope } = await hub.worker.env.pool.forTenant(hub.tenantId)
    const breaker = await hub.worker.env.breaker.state(scope)
    expect(breaker.state).toBe('open')
    const unchecked = await submitToday(hub, hub, `FV/RAW/${run}`, 'structural')
    await hub.waitFor([unchecked], ['offline'])
    expect(await hub.worker.env.breaker.state(scope)).toEqual(breaker)
    // Submitted only now: its send failing beside the first one would count a second failure on the same breaker.
    const queued = await submitToday(hub, queueing, `FV/QUE/${run}`)

    const codes = await invoiceQrCodes(hub.context, hub.tenantId, offline)
    const row = await hub.context.db
      .selectFrom('invoices')
      .select(['xml', 'offline'])
      .where('id', '=', offline)
      .executeTakeFirstOrThrow()
    expect(row.offline).toBe(true)
    const hash = sha256Base64Url(new Uint8Array(row.xml as Buffer))
    expect(codes.invoice).toEqual({
      url: `https://qr-test.ksef.mf.gov.pl/invoice/${hub.nip}/${today.split('-').reverse().join('-')}/${hash}`,
      label: 'OFFLINE',
    })
    const serial = new X509Certificate(offlineCertificate.certificatePem).serialNumber.toUpperCase()
    const signed = `qr-test.ksef.mf.gov.pl/certificate/Nip/${hub.nip}/${hub.nip}/${serial}/${hash}`
    // KOD II: the link signed with the offline certificate's key (ECDSA P-256, r||s).
    const signedBy = (url: string | undefined) => {
      if (!url?.startsWith(`https://${signed}/`)) return false
      const signature = Buffer.from(url.slice(`https://${signed}/`.length), 'base64url')
      const key = createPublicKey(offlineCertificate.certificatePem)
      return verify('sha256', Buffer.from(signed), { key, dsaEncoding: 'ieee-p1363' }, signature)
    }
    expect(codes.certificate?.label).toBe('CERTYFIKAT')
    expect(signedBy(codes.certificate?.url)).toBe(true)

    // The tenant that queues keeps its invoice queued, without KOD II.
    expect((await invoiceQrCodes(hub.context, queueing.tenantId, queued)).certificate).toBeNull()

    await clearFaults(hub.sim)
    await hub.waitFor([offline, queued, unchecked], ['confirmed'])
    await expectConfirmedOnce(hub, [offline, queued, unchecked])
    expect(await upoXml(hub, unchecked)).toContain('<TrybWysylki>Offline</TrybWysylki>')
    expect(await statesOf(hub, unchecked)).toEqual([
      'received',
      'queued',
      'offline',
      'sending',
      'sent',
      'accepted',
      'confirmed',
    ])
    expect(await upoXml(hub, offline)).toContain('<TrybWysylki>Offline</TrybWysylki>')
    expect(await upoXml(hub, queued)).toContain('<TrybWysylki>Online</TrybWysylki>')
    expect(await statesOf(hub, offline)).toEqual(['queued', 'offline', 'sending', 'sent', 'accepted', 'confirmed'])
    expect(await statesOf(hub, queued)).not.toContain('offline')

    // Confirmed, the offline invoice keeps KOD II; KOD I is labelled with its KSeF number now.
    const after = await invoiceQrCodes(hub.context, hub.tenantId, offline)
    const { ksef_number: ksefNumber } = await hub.context.db
      .selectFrom('invoices')
      .select('ksef_number')
      .where('id', '=', offline)
      .executeTakeFirstOrThrow()
    expect(after.invoice?.label).toBe(ksefNumber)
    expect(after.certificate?.label).toBe('CERTYFIKAT')
    expect(signedBy(after.certificate?.url)).toBe(true)
  })
  it('refuses an offline certificate that cannot sign KOD II', async () => {
    const other = testCertificate('offline-rsa')
    await expect(
      setOfflineCertificate(hub.context, hub.tenantId, {
        certificate: offlineCertificate.certificatePem,
        privateKey: other.privateKeyPem,
      }),
    ).rejects.toMatchObject({ code: 'CONFIGURATION', message: expect.stringMatching(/not the key of the certificate/) })
    await expect(
      setOfflineCertificate(hub.context, hub.tenantId, { certificate: 'not a certificate', privateKey: 'nor a key' }),
    ).rejects.toMatchObject({ code: 'CONFIGURATION' })
  })
})
