/**
 * Test support: the independent minimal KSeF client of the simulator's suite, written from the OpenAPI and
 * FACTS.md with node:crypto and fetch only (it shares nothing with the simulator or packages/ksef-client).
 * Every response it receives is validated against the official schema; a JSON body that does not validate,
 * or a status the operation does not document, fails the test unless the call says it expects that.
 *
 * @module
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  publicEncrypt,
  randomBytes,
  X509Certificate,
} from 'node:crypto'
import { checkResponse } from './openapi-response-validator.ts'

/** A response as the tests look at it. */
export interface Reply {
  status: number
  headers: Headers
  bytes: Buffer
  text: string
  // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON fields
  json: any
}

/** Options of one call. */
export interface CallOptions {
  json?: unknown
  body?: Uint8Array | string
  token?: string
  headers?: Record<string, string>
  /** Do not fail on a status the spec does not document (fault tests). */
  undocumentedOk?: boolean
}

/** The AES material of a session. */
export interface SessionKey {
  key: Buffer
  iv: Buffer
  encryption: { encryptedSymmetricKey: string; initializationVector: string; publicKeyId: string }
}

/** SHA-256, Base64. */
export const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('base64')

/**
 * AES-256-CBC with PKCS#7, no IV prefix.
 *
 * @example
 * ```ts
 * const part = aesEncrypt(key.key, key.iv, zip)
 * ```
 */
export function aesEncrypt(key: Buffer, iv: Buffer, data: Uint8Array): Buffer {
  const cipher = createCipheriv('aes-256-cbc', key, iv)
  return Buffer.concat([cipher.update(data), cipher.final()])
}

/**
 * AES-256-CBC decryption.
 *
 * @example
 * ```ts
 * const zip = aesDecrypt(key.key, key.iv, part)
 * ```
 */
export function aesDecrypt(key: Buffer, iv: Buffer, data: Uint8Array): Buffer {
  const decipher = createDecipheriv('aes-256-cbc', key, iv)
  return Buffer.concat([decipher.update(data), decipher.final()])
}

/** Counts what the client validated, so a test can assert every body was checked. */
export interface ValidationLog {
  valid: number
  checked: string[]
}

/**
 * The client.
 *
 * @example
 * ```ts
 * const ksef = new MiniKsef(sim.url)
 * const tokens = await ksef.loginWithKsefToken('5265877635', token)
 * ```
 */
export class MiniKsef {
  readonly base: string
  readonly log: ValidationLog = { valid: 0, checked: [] }

  constructor(base: string) {
    this.base = base
  }

  /** Any HTTP call under `/v2` (or an absolute URL), with the response validated against the spec. */
  async call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const url = path.startsWith('http') ? path : `${this.base}${path}`
    const headers: Record<string, string> = { ...options.headers }
    let body: Uint8Array | string | undefined = options.body
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.json)
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    const response = await fetch(url, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(20_000),
    })
    const bytes = Buffer.from(await response.arrayBuffer())
    const text = bytes.toString('utf8')
    const contentType = response.headers.get('content-type') ?? ''
    const isJson = /json/.test(contentType)
    const json = isJson && text ? JSON.parse(text) : undefined
    const reply: Reply = { status: response.status, headers: response.headers, bytes, text, json }
    if (url.startsWith(this.base)) this.#validate(method, new URL(url).pathname.replace(/^\/v2/, ''), reply, options)
    return reply
  }

  #validate(method: string, path: string, reply: Reply, options: CallOptions): void {
    const contentType = reply.headers.get('content-type') ?? ''
    const body = reply.json !== undefined ? reply.json : reply.bytes.length ? reply.text : undefined
    const check = checkResponse(method, path, reply.status, contentType, body)
    if (check.kind === 'invalid') {
      throw new Error(
        `${check.operation} ${reply.status}: body does not match the OpenAPI schema:\n${check.errors.join('\n')}\n${reply.text.slice(0, 500)}`,
      )
    }
    if (check.kind === 'undocumented' && !options.undocumentedOk) {
      throw new Error(`${check.operation} ${reply.status}: ${check.reason}: ${reply.text.slice(0, 300)}`)
    }
    if (check.kind === 'valid') {
      this.log.valid++
      this.log.checked.push(`${check.operation} ${reply.status}`)
    }
  }

  /** The simulator's public key certificate for a usage. */
  async publicKey(
    usage: 'KsefTokenEncryption' | 'SymmetricKeyEncryption',
  ): Promise<{ cert: X509Certificate; publicKeyId: string }> {
    const reply = await this.call('GET', '/security/public-key-certificates')
    const entry = (reply.json as { usage: string[]; certificate: string; publicKeyId: string; validFrom: string }[])
      .filter((item) => item.usage.includes(usage))
      .sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0]
    if (!entry) throw new Error(`no key for ${usage}`)
    return { cert: new X509Certificate(Buffer.from(entry.certificate, 'base64')), publicKeyId: entry.publicKeyId }
  }

  /** RSA-OAEP (SHA-256, MGF1-SHA-256) with a certificate's key. */
  static rsaOaep(cert: X509Certificate, data: Uint8Array): Buffer {
    return publicEncrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, data)
  }

  /** Polls `GET /auth/{ref}` until it leaves 100, then redeems. */
  async finishLogin(init: { referenceNumber: string; authenticationToken: { token: string } }): Promise<{
    accessToken: string
    refreshToken: string
    status: { code: number; description: string; details?: string[] }
  }> {
    const authToken = init.authenticationToken.token
    let status = (await this.call('GET', `/auth/${init.referenceNumber}`, { token: authToken })).json.status
    for (let i = 0; status.code === 100 && i < 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      status = (await this.call('GET', `/auth/${init.referenceNumber}`, { token: authToken })).json.status
    }
    if (status.code !== 200) return { accessToken: '', refreshToken: '', status }
    const redeemed = await this.call('POST', '/auth/token/redeem', { token: authToken })
    if (redeemed.status !== 200) throw new Error(`redeem failed: ${redeemed.text}`)
    return { accessToken: redeemed.json.accessToken.token, refreshToken: redeemed.json.refreshToken.token, status }
  }

  /** Full KSeF-token login: challenge, encrypted `token|timestampMs`, status, redeem. */
  async loginWithKsefToken(nip: string, ksefToken: string) {
    const challenge = (await this.call('POST', '/auth/challenge')).json
    const { cert, publicKeyId } = await this.publicKey('KsefTokenEncryption')
    const encryptedToken = MiniKsef.rsaOaep(
      cert,
      Buffer.from(`${ksefToken}|${challenge.timestampMs}`, 'utf8'),
    ).toString('base64')
    const init = await this.call('POST', '/auth/ksef-token', {
      json: {
        challenge: challenge.challenge,
        contextIdentifier: { type: 'Nip', value: nip },
        encryptedToken,
        publicKeyId,
      },
    })
    if (init.status !== 202) throw new Error(`ksef-token login failed: ${init.status} ${init.text}`)
    return this.finishLogin(init.json)
  }

  /** A fresh AES key and IV, the key encrypted for the simulator. */
  async sessionKey(): Promise<SessionKey> {
    const { cert, publicKeyId } = await this.publicKey('SymmetricKeyEncryption')
    const key = randomBytes(32)
    const iv = randomBytes(16)
    return {
      key,
      iv,
      encryption: {
        encryptedSymmetricKey: MiniKsef.rsaOaep(cert, key).toString('base64'),
        initializationVector: iv.toString('base64'),
        publicKeyId,
      },
    }
  }

  /** Opens an online FA(3) session. */
  async openOnline(accessToken: string): Promise<{ referenceNumber: string; key: SessionKey }> {
    const key = await this.sessionKey()
    const reply = await this.call('POST', '/sessions/online', {
      token: accessToken,
      json: { formCode: { systemCode: 'FA (3)', schemaVersion: '1-0E', value: 'FA' }, encryption: key.encryption },
    })
    if (reply.status !== 201) throw new Error(`open failed: ${reply.text}`)
    return { referenceNumber: reply.json.referenceNumber, key }
  }

  /** The body of `POST /sessions/online/{ref}/invoices` for an invoice. */
  static sendBody(key: SessionKey, xml: Uint8Array | string, extra: Record<string, unknown> = {}) {
    const plain = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : Buffer.from(xml)
    const encrypted = aesEncrypt(key.key, key.iv, plain)
    return {
      invoiceHash: sha256(plain),
      invoiceSize: plain.length,
      encryptedInvoiceHash: sha256(encrypted),
      encryptedInvoiceSize: encrypted.length,
      encryptedInvoiceContent: encrypted.toString('base64'),
      ...extra,
    }
  }

  /** Sends an invoice in an online session. */
  async sendOnline(
    accessToken: string,
    session: { referenceNumber: string; key: SessionKey },
    xml: string,
  ): Promise<Reply> {
    return this.call('POST', `/sessions/online/${session.referenceNumber}/invoices`, {
      token: accessToken,
      json: MiniKsef.sendBody(session.key, xml),
    })
  }

  /** Polls until `done` holds for the JSON of a GET. */
  // biome-ignore lint/suspicious/noExplicitAny: test code reads arbitrary JSON fields
  async waitFor(path: string, accessToken: string, done: (json: any) => boolean, timeoutMs = 15_000): Promise<any> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const reply = await this.call('GET', path, { token: accessToken })
      if (reply.status === 200 && done(reply.json)) return reply.json
      if (Date.now() > until) throw new Error(`timed out waiting on ${path}: ${reply.text.slice(0, 500)}`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }
}

/**
 * Calls the admin API (not part of the KSeF contract; not schema-validated).
 *
 * @example
 * ```ts
 * const { token } = (await admin(sim.adminUrl, 'POST', '/tokens', { nip })).json
 * ```
 */
export async function admin(adminUrl: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${adminUrl}${path}`, {
    method,
    ...(body !== undefined
      ? typeof body === 'string'
        ? { body, headers: { 'content-type': 'application/xml' } }
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
      : {}),
    signal: AbortSignal.timeout(20_000),
  })
  const bytes = Buffer.from(await response.arrayBuffer())
  const text = bytes.toString('utf8')
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    text,
    json: /json/.test(response.headers.get('content-type') ?? '') && text ? JSON.parse(text) : undefined,
  }
}
