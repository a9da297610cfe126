import { sha256Base64 } from '@ksef-hub/fa3'
import { type InvoiceOutcome, OPERATIONS } from '@ksef-hub/ksef-client'
import { fixtureText, sampleInvoice } from '@ksef-hub/ksef-client/testing'
import { startSimulator } from '@ksef-hub/ksef-simulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, issueToken, NIP, POLL, type Simulator, simulatorClient } from './simulator.ts'

let sim: Simulator
let token: string
beforeAll(async () => {
  sim = await startSimulator({ port: 0, rateLimits: 'relaxed', processingDelayMs: 150 })
  token = await issueToken(sim)
})
afterAll(async () => sim.close())

describe('login against the simulator', () => {
  it('KSeF token: login, refresh, re-login when the refresh token is gone', async () => {
    const client = simulatorClient(sim, token)
    const first = await client.login()
    expect(first.loggedIn).toBe(true)
    const before = await client.accessToken()
    await client.refreshAccessToken()
    const after = await client.accessToken()
    expect(after).not.toBe(before)
    expect((await client.openOnlineSession()).referenceNumber).toHaveLength(36)
    // Revoke the refresh token in KSeF behind the client's back: the next refresh must fall back to a login.
    await client.http.call(OPERATIONS.authSessionsRevokeCurrent)
    const relogged = await client.refreshAccessToken()
    expect(relogged.authReferenceNumber).not.toBe(first.authReferenceNumber)
    expect((await client.openOnlineSession()).referenceNumber).toHaveLength(36)
  })

  it('XAdES with a self-signed seal (allowed on TEST)', async () => {
    const client = simulatorClient(sim, token, {
      credentials: {
        kind: 'certificate',
        certificate: fixtureText('seal-ec.cert.pem'),
        privateKey: fixtureText('seal-ec.key.pem'),
      },
    })
    const state = await client.login()
    expect(state.loggedIn).toBe(true)
    expect((await client.openOnlineSession()).referenceNumber).toHaveLength(36)
  })

  it('a token KSeF does not know is a configuration error', async () => {
    const client = simulatorClient(sim, 'an-unknown-token-0123456789abcdef')
    await expect(client.login()).rejects.toMatchObject({ errorClass: 'configuration' })
  })
})

describe('online session against the simulator', () => {
  it('send, every status on the way to 200, invoice UPO, session UPO', async () => {
    const client = simulatorClient(sim, token)
    const bytes = sampleInvoice({ sellerNip: NIP, number: `E2E/ON/${Date.now()}` })
    const sent = await client.sendInvoice(bytes)
    expect(sent.invoiceHash).toBe(sha256Base64(bytes))
    const seen = new Set<number>()
    let outcome: InvoiceOutcome | undefined
    for (let i = 0; i < 100 && outcome?.kind !== 'accepted'; i += 1) {
      const status = await client.getInvoiceStatus(sent.sessionReferenceNumber, sent.referenceNumber)
      seen.add(status.status.code)
      const { invoiceOutcome } = await import('@ksef-hub/ksef-client')
      outcome = invoiceOutcome(status)
      if (outcome.kind === 'pending') await new Promise((resolve) => setTimeout(resolve, 30))
    }
    if (outcome?.kind !== 'accepted') throw new Error(`not accepted: ${outcome?.kind}`)
    expect([...seen].some((code) => code === 100 || code === 150)).toBe(true)
    expect(seen.has(200)).toBe(true)
    const upo = await client.downloadInvoiceUpo(sent.sessionReferenceNumber, {
      invoiceReferenceNumber: sent.referenceNumber,
    })
    expect(upo.parsed?.documents[0]).toMatchObject({
      ksefNumber: outcome.ksefNumber,
      documentHash: sent.invoiceHash,
      sellerNip: NIP,
    })
    const byKsef = await client.downloadInvoiceUpo(sent.sessionReferenceNumber, { ksefNumber: outcome.ksefNumber })
    expect(byKsef.parsed?.documents[0]?.ksefNumber).toBe(outcome.ksefNumber)
    if (outcome.status.upoDownloadUrl) {
      const viaUrl = await client.downloadUpoFromUrl(outcome.status.upoDownloadUrl)
      expect(viaUrl.parsed?.documents[0]?.ksefNumber).toBe(outcome.ksefNumber)
    }
    const [closed] = await client.closeSessions()
    const { pages, status } = await client.downloadSessionUpo('online', closed ?? '', POLL)
    expect(status.status.code).toBe(200)
    expect(pages.length).toBeGreaterThanOrEqual(1)
    expect(pages.flatMap((page) => page.parsed?.documents ?? []).map((doc) => doc.ksefNumber)).toContain(
      outcome.ksefNumber,
    )
    const listed = await client.sessionInvoiceResults(closed ?? '')
    expect(listed.map((item) => item.referenceNumber)).toContain(sent.referenceNumber)
  })

  it('a duplicate (440) carries the original KSeF number and session', async () => {
    const client = simulatorClient(sim, token)
    const number = `E2E/DUP/${Date.now()}`
    const first = await client.sendInvoice(sampleInvoice({ sellerNip: NIP, number }))
    const original = await client.waitForInvoice(first, POLL)
    const again = await client.waitForInvoice(await client.sendInvoice(sampleInvoice({ sellerNip: NIP, number })), POLL)
    if (original.kind !== 'accepted' || again.kind !== 'duplicate') throw new Error(`${original.kind} / ${again.kind}`)
    expect(again.originalKsefNumber).toBe(original.ksefNumber)
    expect(again.originalSessionReferenceNumber).toBe(first.sessionReferenceNumber)
    expect(again.error).toMatchObject({ errorClass: 'duplicate', code: '440' })
  })

  it('an invalid invoice is permanent with KSeF status 430 or 450', async () => {
    const client = simulatorClient(sim, token)
    const bad = Buffer.from(
      Buffer.from(sampleInvoice({ sellerNip: NIP, number: `E2E/BAD/${Date.now()}` }))
        .toString('utf8')
        .replace('<P_15>123.00</P_15>', ''),
    )
    const outcome = await client.waitForInvoice(await client.sendInvoice(bad), POLL)
    if (outcome.kind !== 'failed') throw new Error(outcome.kind)
    expect(outcome.error.errorClass).toBe('permanent')
    expect(['430', '450']).toContain(outcome.error.code)
  })

  it('offline send and a technical correction', async () => {
    const client = simulatorClient(sim, token)
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
    const number = `E2E/OFF/${Date.now()}`
    const rejected = Buffer.from(
      Buffer.from(sampleInvoice({ sellerNip: NIP, number, issueDate: yesterday }))
        .toString('utf8')
        .replace('<P_15>123.00</P_15>', ''),
    )
    const first = await client.waitForInvoice(await client.sendInvoice(rejected, { offlineMode: true }), POLL)
    expect(first.kind).toBe('failed')
    const fixed = sampleInvoice({ sellerNip: NIP, number, issueDate: yesterday })
    const correction = await client.waitForInvoice(
      await client.sendInvoice(fixed, { offlineMode: true, hashOfCorrectedInvoice: sha256Base64(rejected) }),
      POLL,
    )
    if (correction.kind !== 'accepted')
      throw new Error(`${correction.kind}: ${'error' in correction ? correction.error.message : ''}`)
    expect(correction.status.invoicingMode).toBe('Offline')
    const received = (await (await admin(sim, '/received')).json()) as {
      invoices: { ksefNumber: string | null; invoiceNumber: string | null }[]
    }
    expect(received.invoices.some((invoice) => invoice.ksefNumber === correction.ksefNumber)).toBe(true)
  })
})
