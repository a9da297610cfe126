/**
 * Test support: the state of the in-test fake KSeF and the helpers its routes share.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import type http from 'node:http'
import type { SessionKey } from '../crypto/aes.ts'
import { type FakeInvoice, type FakeMfKey, type FakeSession, loadMfKey, oaepDecrypt } from './fake-ksef-state.ts'

/** A reply of a route. */
export type Reply = {
  status: number
  json?: unknown
  bytes?: Buffer
  contentType?: string
  headers?: Record<string, string>
}

/** An authentication operation. */
export interface Auth {
  nip: string
  authToken: string
  statusCode: number
  description: string
  pendingReads: number
  redeemed: boolean
}

/**
 * A problem-details error reply.
 *
 * @example
 * ```ts
 * return problem(400, 21405, 'Błąd walidacji danych wejściowych.')
 * ```
 */
export function problem(
  status: number,
  code: number | undefined,
  description: string,
  extra: Record<string, unknown> = {},
): Reply {
  return {
    status,
    json: {
      title: status === 400 ? 'Bad Request' : 'Error',
      status,
      detail: description,
      instance: '/fake',
      errors: code === undefined ? [] : [{ code, description, details: [] }],
      timestamp: new Date().toISOString(),
      traceId: randomBytes(8).toString('hex'),
      ...extra,
    },
  }
}

/**
 * The fake's state and shared helpers.
 *
 * @example
 * ```ts
 * const ctx = createFakeContext({})
 * ```
 */
export function createFakeContext(options: { nip?: string }) {
  const nip = options.nip ?? '5265877635'
  const token = `fake-ksef-token-${randomBytes(12).toString('hex')}`
  const tokenKey = loadMfKey('mf-token')
  const symmetricKey = loadMfKey('mf-symmetric')
  // Made on first rotation only: a test certificate costs an RSA key generation, and few tests rotate.
  let rotatedKey: FakeMfKey | undefined
  const challenges = new Map<string, number>()
  const auths = new Map<string, Auth>()
  const accessTokens = new Map<string, { nip: string; expiresAt: number }>()
  const refreshTokens = new Map<string, string>()
  const registry = new Map<string, { ksefNumber: string; sessionReferenceNumber: string }>()
  const exports = new Map<string, { key: SessionKey; parts: Buffer[]; pkg: Record<string, unknown> }>()
  const faults: { match: RegExp; times: number; action: import('./fake-ksef.ts').FaultAction }[] = []
  const requests: import('./fake-ksef.ts').SeenRequest[] = []
  const sessions = new Map<string, FakeSession>()
  const incoming: { metadata: Record<string, unknown>; bytes: Uint8Array }[] = []
  const settings = {
    accessTokenLifetimeMs: 15 * 60_000,
    invoicePendingReads: 1,
    authPendingReads: 1,
    truncateAfter: 10_000,
    rotated: false,
  }

  const state = { base: '' }
  const currentSymmetric = (): FakeMfKey => {
    if (!settings.rotated) return symmetricKey
    rotatedKey ??= loadMfKey('mf-symmetric-rotated')
    return rotatedKey
  }
  const sessionKeyOf = (encryption: {
    encryptedSymmetricKey: string
    initializationVector: string
    publicKeyId?: string
  }): SessionKey | Reply => {
    if (encryption.publicKeyId && encryption.publicKeyId !== currentSymmetric().publicKeyId) {
      return problem(400, 21470, 'Nieznany lub wycofany klucz publiczny.')
    }
    try {
      return {
        key: oaepDecrypt(currentSymmetric(), Buffer.from(encryption.encryptedSymmetricKey, 'base64')),
        iv: Buffer.from(encryption.initializationVector, 'base64'),
      }
    } catch {
      return problem(400, 21405, 'Błąd odszyfrowania klucza.')
    }
  }
  const bearer = (req: http.IncomingMessage) => (req.headers.authorization ?? '').replace(/^Bearer /, '')
  const authorized = (req: http.IncomingMessage): string | Reply => {
    const access = accessTokens.get(bearer(req))
    if (!access || access.expiresAt < Date.now())
      return { status: 401, json: { title: 'Unauthorized', status: 401, detail: 'Brak lub nieprawidłowy token.' } }
    return access.nip
  }
  const invoiceJson = (invoice: FakeInvoice) => ({
    ordinalNumber: invoice.ordinalNumber,
    invoiceNumber: invoice.invoiceNumber ?? null,
    ksefNumber: invoice.statusCode === 200 ? invoice.ksefNumber : null,
    referenceNumber: invoice.referenceNumber,
    invoiceHash: invoice.invoiceHash,
    invoiceFileName: invoice.fileName ?? null,
    invoicingDate: invoice.receivedAt,
    acquisitionDate: invoice.statusCode === 200 ? invoice.receivedAt : null,
    invoicingMode: invoice.offline ? 'Offline' : 'Online',
    upoDownloadUrl:
      invoice.statusCode === 200
        ? `${state.base}/__upo/${invoice.sessionReferenceNumber}/${invoice.referenceNumber}`
        : null,
    status: {
      code: invoice.statusCode,
      description: invoice.description,
      details: invoice.details,
      ...(invoice.extensions ? { extensions: invoice.extensions } : {}),
    },
  })
  const readInvoice = (invoice: FakeInvoice) => {
    if (invoice.pendingReads > 0) {
      invoice.pendingReads -= 1
      return { ...invoiceJson(invoice), ksefNumber: null, status: { code: 150, description: 'Trwa przetwarzanie' } }
    }
    return invoiceJson(invoice)
  }
  const ctx = {
    get base(): string {
      return state.base
    },
    set base(value: string) {
      state.base = value
    },
    nip,
    token,
    tokenKey,
    symmetricKey,
    challenges,
    auths,
    accessTokens,
    refreshTokens,
    registry,
    exports,
    faults,
    requests,
    sessions,
    incoming,
    settings,
    currentSymmetric,
    sessionKeyOf,
    bearer,
    authorized,
    invoiceJson,
    readInvoice,
  }
  return ctx
}

/** The fake's context. */
export type FakeContext = ReturnType<typeof createFakeContext>
