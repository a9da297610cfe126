import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isKsefError } from './errors/ksef-error.ts'
import { type FakeKsef, startFakeKsef } from './testing/fake-ksef.ts'
import { sampleInvoice } from './testing/sample-invoice.ts'
import { fixtureText } from './testing/test-certificates.ts'
import { fakeClient, recordingLogger } from './testing/test-client.ts'

let fake: FakeKsef
beforeAll(async () => {
  fake = await startFakeKsef()
})
afterAll(async () => fake.close())

describe('no secret in a log line or an error message', () => {
  it('holds across login, refresh, sends, batch, failures that echo secrets, and XAdES', async () => {
    const logger = recordingLogger()
    const messages: string[] = []
    const capture = async (work: () => Promise<unknown>) => {
      try {
        await work()
      } catch (error) {
        if (!isKsefError(error)) throw error
        messages.push(error.message, JSON.stringify(error.toJSON()), String(error.stack))
      }
    }
    fake.settings.accessTokenLifetimeMs = 300
    const client = fakeClient(fake, { logger, auth: { pollIntervalMs: 10, refreshMarginMs: 60_000 } })
    await client.login()
    const sent = await client.sendInvoice(sampleInvoice({ number: `FV/SECRET/${Date.now()}` }))
    await new Promise((resolve) => setTimeout(resolve, 200))
    await client.waitForInvoice(sent, { intervalMs: 10 })
    // KSeF (or a proxy) echoes the token and the bearer in an error: the client must mask both.
    const bearer = String(fake.requests.findLast((request) => request.headers.authorization)?.headers.authorization)
    fake.faults.push({
      match: /invoices$/,
      times: 1,
      action: {
        kind: 'status',
        status: 400,
        body: JSON.stringify({
          title: 'Bad Request',
          status: 400,
          detail: 'x',
          errors: [{ code: 21405, description: `token ${fake.token} header ${bearer}` }],
        }),
      },
    })
    await capture(() => client.sendInvoice(sampleInvoice({ number: `FV/SECRET2/${Date.now()}` })))
    fake.faults.push({ match: /invoices$/, times: 1, action: { kind: 'drop-response' } })
    await capture(() => client.sendInvoice(sampleInvoice({ number: `FV/SECRET3/${Date.now()}` })))
    fake.faults.push({ match: /^GET \/sessions\/[^/]+$/, times: 1, action: { kind: 'status', status: 401 } })
    await capture(() => client.getSessionStatus(sent.sessionReferenceNumber))
    await client.sendBatch([{ fileName: 'a.xml', bytes: sampleInvoice({ number: `FV/SECRET4/${Date.now()}` }) }])
    fake.faults.push({
      match: /^PUT \/__upload/,
      times: 3,
      action: { kind: 'status', status: 403, body: 'upload window expired' },
    })
    await capture(() =>
      client.sendBatch([{ fileName: 'b.xml', bytes: sampleInvoice({ number: `FV/SECRET5/${Date.now()}` }) }]),
    )
    await capture(() =>
      fakeClient(fake, { logger, credentials: { kind: 'token', token: 'wrong-token-value-0123456789' } }).login(),
    )
    const xades = fakeClient(fake, {
      logger,
      credentials: {
        kind: 'certificate',
        certificate: fixtureText('seal-rsa.cert.pem'),
        privateKey: fixtureText('seal-rsa.key.pem'),
      },
    })
    await xades.login()
    fake.settings.accessTokenLifetimeMs = 15 * 60_000

    const secrets = new Set<string>([fake.token, 'wrong-token-value-0123456789', 'secret-signature'])
    for (const request of fake.requests) {
      const auth = request.headers.authorization?.replace(/^Bearer /, '')
      if (auth) secrets.add(auth)
      const text = request.body.toString('utf8')
      for (const match of text.matchAll(/"(?:encryptedToken|encryptedSymmetricKey)":"([^"]+)"/g))
        secrets.add(match[1] ?? '')
    }
    for (const session of fake.sessions.values()) {
      secrets.add(session.key.key.toString('base64'))
      secrets.add(session.key.key.toString('hex'))
    }
    expect(secrets.size).toBeGreaterThan(8)
    expect(logger.lines.length).toBeGreaterThan(10)
    expect(messages.length).toBeGreaterThanOrEqual(12)
    const everything = [...logger.lines, ...messages]
    for (const secret of secrets) {
      for (const line of everything) expect(line.includes(secret), `secret leaked: ${line.slice(0, 200)}`).toBe(false)
    }
    expect(messages.some((message) => message.includes('[REDACTED]'))).toBe(true)
  })
})
