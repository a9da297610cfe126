import { sha256Base64 } from '@ksef-hub/fa3'
import { KsefAmbiguousError } from '@ksef-hub/ksef-client'
import { sampleInvoice } from '@ksef-hub/ksef-client/testing'
import { startSimulator } from '@ksef-hub/ksef-simulator'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { clearFaults, fault, issueToken, NIP, POLL, type Simulator, simulatorClient } from './simulator.ts'

let sim: Simulator
let token: string
beforeAll(async () => {
  sim = await startSimulator({ port: 0, rateLimits: 'relaxed', processingDelayMs: 20 })
  token = await issueToken(sim)
})
afterAll(async () => sim.close())
afterEach(async () => clearFaults(sim))

const invoice = (tag: string) => sampleInvoice({ sellerNip: NIP, number: `E2E/${tag}/${Date.now()}/${Math.random()}` })

describe('faults against the simulator produce the right error class', () => {
  it('429 with Retry-After: the caller gets transient RATE_LIMITED with retryAfterMs; the client waits it out when allowed', async () => {
    const impatient = simulatorClient(sim, token, { retry: { maxRetryAfterMs: 0 } })
    await impatient.sessions.current()
    await fault(sim, { kind: 'rate-limit-storm', count: 1 })
    await expect(impatient.sendInvoice(invoice('429'))).rejects.toMatchObject({
      errorClass: 'transient',
      code: 'RATE_LIMITED',
      httpStatus: 429,
    })
    const patient = simulatorClient(sim, token)
    await patient.sessions.current()
    await fault(sim, { kind: 'rate-limit-storm', count: 1 })
    const started = Date.now()
    const sent = await patient.sendInvoice(invoice('429b'))
    expect(sent.referenceNumber).toHaveLength(36)
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
  })

  it('an outage is transient', async () => {
    const client = simulatorClient(sim, token)
    await client.sessions.current()
    await fault(sim, { kind: 'outage', count: 5 })
    await expect(client.sendInvoice(invoice('OUT'))).rejects.toMatchObject({ errorClass: 'transient' })
  })

  it('a dropped response after the send is ambiguous, sent once, and KSeF did get it', async () => {
    const client = simulatorClient(sim, token)
    const session = await client.sessions.current()
    const before = (await client.sessionInvoiceResults(session.referenceNumber)).length
    await fault(sim, { kind: 'drop-response', count: 1, path: 'sessions/online/[^/]+/invoices$' })
    const bytes = invoice('DROP')
    const error = await client.sendInvoice(bytes).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(KsefAmbiguousError)
    // Reconciliation finds the invoice that the dropped answer would have named.
    const after = await client.sessionInvoiceResults(session.referenceNumber)
    expect(after.length).toBe(before + 1)
    const found = await client.findInSession(session.referenceNumber, sha256Base64(bytes))
    expect(found?.invoiceHash).toBe(sha256Base64(bytes))
    expect(await client.findInSession(session.referenceNumber, sha256Base64(invoice('NEVER')))).toBeUndefined()
  })

  it('an invoice cancelled by the system (550) is transient', async () => {
    const client = simulatorClient(sim, token)
    const session = await client.sessions.current()
    // The fault cancels whichever invoice KSeF finishes next: an earlier test's invoice still processing must not
    // take it.
    await expect
      .poll(
        async () =>
          (await client.sessionInvoiceResults(session.referenceNumber)).filter((result) => result.status.code < 200)
            .length,
        { timeout: 10_000, interval: 50 },
      )
      .toBe(0)
    await fault(sim, { kind: 'cancel-550', count: 1 })
    const outcome = await client.waitForInvoice(await client.sendInvoice(invoice('550')), POLL)
    if (outcome.kind !== 'failed') throw new Error(outcome.kind)
    expect(outcome.error).toMatchObject({ errorClass: 'transient', code: '550' })
  })

  it('a key rotation: the client refetches the keys and keeps working', async () => {
    const client = simulatorClient(sim, token)
    await client.login()
    await client.keys.get('SymmetricKeyEncryption')
    await fault(sim, { kind: 'rotate-keys' })
    const session = await client.openOnlineSession()
    const outcome = await client.waitForInvoice(await session.sendInvoice(invoice('ROT')), POLL)
    expect(outcome.kind).toBe('accepted')
  })

  it('a 500 on batch close is surfaced with the batch reference number', async () => {
    const client = simulatorClient(sim, token)
    await fault(sim, { kind: 'batch-close-500', count: 5 })
    const error = await client
      .sendBatch([{ fileName: 'a.xml', bytes: invoice('B500') }])
      .catch((caught: unknown) => caught)
    expect(error).toMatchObject({ errorClass: 'transient', httpStatus: 500 })
    expect((error as { referenceNumber?: string }).referenceNumber).toHaveLength(36)
  })
})
