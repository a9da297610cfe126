import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningSimulator, startSimulator } from '../index.ts'
import { invoiceXml } from '../testing/invoices.ts'
import { admin, aesDecrypt, aesEncrypt, MiniKsef, type Reply, type SessionKey, sha256 } from '../testing/mini-client.ts'

const NIP = '5265877635'
const UNKNOWN_SESSION = '20250101-SO-0000000000-0000000000-00'

function decryptsUnder(key: SessionKey, encrypted: Buffer): boolean {
  try {
    aesDecrypt(key.key, key.iv, encrypted)
    return true
  } catch {
    return false
  }
}

function exceptionCode(reply: Reply): number | undefined {
  return reply.json?.exception?.exceptionDetailList?.[0]?.exceptionCode
}

describe('bad requests get the error KSeF gives, never a crash or a hang', () => {
  let sim: RunningSimulator
  let ksef: MiniKsef
  let access: string
  let session: Awaited<ReturnType<MiniKsef['openOnline']>>

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 })
    ksef = new MiniKsef(sim.url)
    const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP, permissions: ['InvoiceWrite'] })).json
    access = (await ksef.loginWithKsefToken(NIP, token)).accessToken
    session = await ksef.openOnline(access)
  })
  afterAll(() => sim.close())

  const send = (json: unknown, raw?: string) =>
    ksef.call('POST', `/sessions/online/${session.referenceNumber}/invoices`, {
      token: access,
      ...(raw !== undefined ? { body: raw, headers: { 'content-type': 'application/json' } } : { json }),
    })
  const waitStatus = async (referenceNumber: string) =>
    (
      await ksef.waitFor(
        `/sessions/${session.referenceNumber}/invoices/${referenceNumber}`,
        access,
        (json) => json.status.code >= 200,
      )
    ).status

  it('malformed JSON and schema violations: 21405 (legacy and problem+json)', async () => {
    const malformed = await send(undefined, '{"invoiceHash": ')
    expect(malformed.status).toBe(400)
    expect(exceptionCode(malformed)).toBe(21405)
    const problem = await ksef.call('POST', `/sessions/online/${session.referenceNumber}/invoices`, {
      token: access,
      json: { invoiceHash: 'short' },
      headers: { 'x-error-format': 'problem-details' },
    })
    expect(problem.headers.get('content-type')).toContain('application/problem+json')
    expect(problem.json.errors[0].code).toBe(21405)
    expect(problem.json.errors[0].details.join(' ')).toMatch(/invoiceHash/)
  })

  it('wrong hash (21403) and wrong size (21402) of the ciphertext and of the invoice', async () => {
    const body = MiniKsef.sendBody(session.key, invoiceXml({ sellerNip: NIP, number: 'FV/BAD/1' }))
    expect(exceptionCode(await send({ ...body, encryptedInvoiceHash: sha256('other') }))).toBe(21403)
    expect(exceptionCode(await send({ ...body, encryptedInvoiceSize: body.encryptedInvoiceSize + 16 }))).toBe(21402)
    expect(exceptionCode(await send({ ...body, invoiceHash: sha256('other') }))).toBe(21403)
    expect(exceptionCode(await send({ ...body, invoiceSize: body.invoiceSize + 1 }))).toBe(21402)
  })

  it('an unknown publicKeyId gets 21470; a key encrypted for another key fails the session with 415', async () => {
    const key = await ksef.sessionKey()
    const formCode = { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' }
    const unknownKey = await ksef.call('POST', '/sessions/online', {
      token: access,
      json: { formCode, encryption: { ...key.encryption, publicKeyId: sha256('not a key') } },
    })
    expect(exceptionCode(unknownKey)).toBe(21470)
    const garbage = await ksef.call('POST', '/sessions/online', {
      token: access,
      json: {
        formCode,
        encryption: {
          ...key.encryption,
          encryptedSymmetricKey: randomBytes(256).toString('base64'),
          publicKeyId: null,
        },
      },
    })
    expect(garbage.status).toBe(201)
    const status = await ksef.call('GET', `/sessions/${garbage.json.referenceNumber}`, { token: access })
    expect(status.json.status.code).toBe(415)
    const fa2 = await ksef.call('POST', '/sessions/online', {
      token: access,
      json: { formCode: { ...formCode, systemCode: 'FA (2)' }, encryption: key.encryption },
    })
    expect(exceptionCode(fa2)).toBe(21405)
  })

  it('an invoice encrypted with another key is accepted for processing, then fails with 435', async () => {
    const plain = Buffer.from(invoiceXml({ sellerNip: NIP, number: 'FV/BAD/KEY' }))
    // A ciphertext of another key that the session's key cannot decrypt (bad padding). About one in 256 random
    // keys decrypts to garbage with valid padding instead, which the simulator refuses at once by its size (21402).
    let encrypted: Buffer
    do encrypted = aesEncrypt(randomBytes(32), randomBytes(16), plain)
    while (decryptsUnder(session.key, encrypted))
    const sent = await send({
      invoiceHash: sha256(plain),
      invoiceSize: plain.length,
      encryptedInvoiceHash: sha256(encrypted),
      encryptedInvoiceSize: encrypted.length,
      encryptedInvoiceContent: encrypted.toString('base64'),
    })
    expect(sent.status).toBe(202)
    expect((await waitStatus(sent.json.referenceNumber)).code).toBe(435)
  })

  it('an oversize invoice (over 1 MB without attachment) fails with 430; a body over the limit is refused', async () => {
    const padding = `<DodatkowyOpis><Klucz>k</Klucz><Wartosc>${'x'.repeat(200)}</Wartosc></DodatkowyOpis>`.repeat(5200)
    const big = invoiceXml({ sellerNip: NIP, number: 'FV/BIG/1' }).replace('<FaWiersz>', `${padding}<FaWiersz>`)
    expect(Buffer.byteLength(big)).toBeGreaterThan(1_000_000)
    const sent = await send(MiniKsef.sendBody(session.key, big))
    expect(sent.status).toBe(202)
    const status = await waitStatus(sent.json.referenceNumber)
    expect(status.code).toBe(430)
    expect(status.details.join(' ')).toMatch(/1000000/)
    const huge = await send(undefined, JSON.stringify({ encryptedInvoiceContent: 'A'.repeat(6 * 1024 * 1024) }))
    expect(exceptionCode(huge)).toBe(21405)
  })

  it('an XML bomb (entity expansion) fails with 430 without expanding anything', async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><Faktura>&lol9;</Faktura>`
    const sent = await send(MiniKsef.sendBody(session.key, bomb))
    expect(sent.status).toBe(202)
    const status = await waitStatus(sent.json.referenceNumber)
    expect(status.code).toBe(430)
    expect(status.details.join(' ')).toMatch(/DOCTYPE|DTD/)
  })

  it('unknown sessions get 21173; no token 401; a token without the permission 403', async () => {
    const body = MiniKsef.sendBody(session.key, invoiceXml({ sellerNip: NIP, number: 'FV/X' }))
    const unknown = await ksef.call('POST', `/sessions/online/${UNKNOWN_SESSION}/invoices`, {
      token: access,
      json: body,
    })
    expect(exceptionCode(unknown)).toBe(21173)
    expect(exceptionCode(await ksef.call('GET', `/sessions/${UNKNOWN_SESSION}`, { token: access }))).toBe(21173)
    const anonymous = await ksef.call('POST', '/sessions/online', { json: {} })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json')
    const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP, permissions: ['InvoiceRead'] })).json
    const reader = (await ksef.loginWithKsefToken(NIP, token)).accessToken
    const forbidden = await ksef.call('POST', '/sessions/online', { token: reader, json: {} })
    expect(forbidden.status).toBe(403)
    expect(forbidden.json.reasonCode).toBe('missing-permissions')
  })

  it('a seller other than the context is refused with 410; a wrong challenge timestamp with 450', async () => {
    const sent = await send(
      MiniKsef.sendBody(session.key, invoiceXml({ sellerNip: '1111111111', number: 'FV/OTHER/1' })),
    )
    expect((await waitStatus(sent.json.referenceNumber)).code).toBe(410)
    const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip: NIP })).json
    const challenge = (await ksef.call('POST', '/auth/challenge')).json
    const { cert } = await ksef.publicKey('KsefTokenEncryption')
    const encryptedToken = MiniKsef.rsaOaep(cert, Buffer.from(`${token}|${challenge.timestampMs - 1}`)).toString(
      'base64',
    )
    const init = await ksef.call('POST', '/auth/ksef-token', {
      json: { challenge: challenge.challenge, contextIdentifier: { type: 'Nip', value: NIP }, encryptedToken },
    })
    expect((await ksef.finishLogin(init.json)).status).toMatchObject({
      code: 450,
      details: ['Nieprawidłowy czas tokena'],
    })
    const redeemAgain = await ksef.call('POST', '/auth/token/redeem', { token: init.json.authenticationToken.token })
    expect(exceptionCode(redeemAgain)).toBe(21301)
  })
})
