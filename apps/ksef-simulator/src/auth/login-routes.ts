/**
 * Starting an authentication: `POST /auth/challenge`, `POST /auth/ksef-token` (the token and the challenge's
 * timestamp, RSA-OAEP encrypted, checked for real) and `POST /auth/xades-signature` (the signature verified for
 * real; self-signed certificates accepted as on TEST).
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { newReferenceNumber } from '../core/reference-number.ts'
import { ApiError } from '../errors/index.ts'
import type { SimulatorEnv } from '../http/env.ts'
import { clientIp, jsonBody } from '../http/request.ts'
import { AuthStore } from '../store/auth-store.ts'
import { TestDataStore } from '../store/testdata-store.ts'
import { TokenStore } from '../store/token-store.ts'
import { contextValueValid } from './context-identifier.ts'
import type { ContextIdentifier, SubjectIdentifier } from './jwt.ts'
import { AUTH_STATUS, startAuthOperation } from './operations.ts'
import { contextBlocked, contextNip, permissionsInContext, type TestPerson } from './permissions.ts'
import { readAuthTokenRequest } from './xades/auth-token-request.ts'
import { certificateSubject } from './xades/certificate-subject.ts'
import { verifyAuthSignature } from './xades/verify-signature.ts'

/** A challenge lives 10 minutes. */
const CHALLENGE_TTL_MS = 10 * 60_000
/** Largest signed AuthTokenRequest accepted (a real one is a few kilobytes). */
const MAX_XADES_BYTES = 256 * 1024

interface InitTokenAuthenticationRequest {
  challenge: string
  contextIdentifier: ContextIdentifier
  encryptedToken: string
  publicKeyId?: string | null
  authorizationPolicy?: {
    allowedIps?: { ip4Addresses?: string[]; ip4Ranges?: string[]; ip4Masks?: string[] } | null
  } | null
}

function outcome(
  sim: Parameters<typeof permissionsInContext>[0],
  context: ContextIdentifier,
  subject: SubjectIdentifier,
  permissions: string[],
) {
  if (contextBlocked(sim, context)) return AUTH_STATUS.blocked
  const nip = contextNip(context)
  const person = nip ? new TestDataStore(sim.db).get<TestPerson>('person', nip) : undefined
  if (subject.type === 'Pesel' && person?.pesel === subject.value && person.isDeceased) return AUTH_STATUS.deceased
  if (permissions.length === 0) return AUTH_STATUS.noPermissions
  return AUTH_STATUS.success
}

/**
 * The routes that start an authentication.
 *
 * @example
 * ```ts
 * v2.route('/', loginRoutes())
 * ```
 */
export function loginRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()

  app.post('/auth/challenge', (c) => {
    const sim = c.var.sim
    const now = sim.clock.now()
    const challenge = newReferenceNumber('CR', now)
    const ip = clientIp(c)
    new AuthStore(sim.db).saveChallenge({ challenge, timestamp_ms: now.getTime(), client_ip: ip, used: 0 })
    return c.json({ challenge, timestamp: now.toISOString(), timestampMs: now.getTime(), clientIp: ip }, 200)
  })

  app.post('/auth/ksef-token', async (c) => {
    const sim = c.var.sim
    const body = await jsonBody<InitTokenAuthenticationRequest>(c, 'POST', '/auth/ksef-token')
    if (!contextValueValid(body.contextIdentifier)) {
      throw ApiError.badRequest(
        21405,
        `contextIdentifier.value nie jest prawidłowym identyfikatorem typu ${body.contextIdentifier.type}.`,
      )
    }
    sim.keys.candidates('KsefTokenEncryption', body.publicKeyId)
    const challenge = new AuthStore(sim.db).useChallenge(body.challenge, sim.clock.nowMs(), CHALLENGE_TTL_MS)
    if (!challenge) throw ApiError.badRequest(21111)
    const context = body.contextIdentifier
    const allowedIps = body.authorizationPolicy?.allowedIps ?? undefined
    const start = (
      status: Parameters<typeof startAuthOperation>[1]['status'],
      extra: { subject?: SubjectIdentifier; permissions?: string[]; ref?: string } = {},
    ) =>
      startAuthOperation(sim, {
        method: 'Token',
        context,
        subject: extra.subject,
        status,
        permissions: extra.permissions ?? [],
        ...(extra.ref ? { ksefTokenReference: extra.ref } : {}),
        ...(allowedIps ? { allowedIps } : {}),
      })
    const plain = sim.keys.decrypt('KsefTokenEncryption', body.publicKeyId, Buffer.from(body.encryptedToken, 'base64'))
    const text = plain?.toString('utf8') ?? ''
    const separator = text.lastIndexOf('|')
    if (!plain || separator <= 0) return c.json(await start(AUTH_STATUS.badToken('Nieprawidłowy token')), 202)
    const secret = text.slice(0, separator)
    if (text.slice(separator + 1) !== String(challenge.timestamp_ms)) {
      return c.json(await start(AUTH_STATUS.badToken('Nieprawidłowy czas tokena')), 202)
    }
    const tokens = new TokenStore(sim.db)
    const token = tokens.byToken(secret)
    if (!token || token.context.type !== context.type || token.context.value !== context.value) {
      return c.json(await start(AUTH_STATUS.badToken('Nieprawidłowy token')), 202)
    }
    if (token.status === 'Revoked' || token.status === 'Revoking') {
      return c.json(await start(AUTH_STATUS.badToken('Token unieważniony'), { ref: token.referenceNumber }), 202)
    }
    if (token.status !== 'Active') {
      return c.json(await start(AUTH_STATUS.badToken('Token nieaktywny'), { ref: token.referenceNumber }), 202)
    }
    tokens.touch(token.referenceNumber, sim.clock.now().toISOString())
    const status = outcome(sim, context, token.author, token.permissions)
    return c.json(
      await start(status, { subject: token.author, permissions: token.permissions, ref: token.referenceNumber }),
      202,
    )
  })

  app.post('/auth/xades-signature', async (c) => {
    const sim = c.var.sim
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    if (bytes.length === 0) throw ApiError.badRequest(21001, 'Treść żądania jest pusta.')
    if (bytes.length > MAX_XADES_BYTES) throw ApiError.badRequest(21001, 'Dokument jest zbyt duży.')
    let xml: string
    try {
      xml = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    } catch {
      throw ApiError.badRequest(21217, 'Dokument musi być zakodowany w UTF-8.')
    }
    // No DTDs at all: this also rules out entity-expansion bombs before any parser sees the text.
    if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw ApiError.badRequest(9101, 'Dokument nie może zawierać deklaracji DTD.')
    const verified = verifyAuthSignature(xml.replace(/^\uFEFF/, ''))
    if ('code' in verified) throw ApiError.badRequest(verified.code, verified.detail)
    const read = readAuthTokenRequest(verified.request)
    if (!read.ok) throw ApiError.badRequest(21401, ...read.issues)
    const request = read.request
    const signer = certificateSubject(verified.certificate, request.subjectIdentifierType)
    if (signer.keyProblem) throw ApiError.badRequest(21115, signer.keyProblem)
    if (!signer.subject) {
      throw ApiError.badRequest(
        21115,
        'Certyfikat nie zawiera identyfikatora podmiotu (organizationIdentifier VATPL-NIP albo serialNumber PNOPL-PESEL/TINPL-NIP).',
      )
    }
    const challenge = new AuthStore(sim.db).useChallenge(request.challenge, sim.clock.nowMs(), CHALLENGE_TTL_MS)
    if (!challenge) throw ApiError.badRequest(21111)
    const now = sim.clock.now()
    const certificate = verified.certificate
    const permissions = permissionsInContext(sim, request.context, signer.subject)
    let status: Parameters<typeof startAuthOperation>[1]['status'] = outcome(
      sim,
      request.context,
      signer.subject,
      permissions,
    )
    if (new Date(certificate.validTo) < now || new Date(certificate.validFrom) > now) {
      status = AUTH_STATUS.badCertificate('Nieważny certyfikat')
    } else if (c.req.query('verifyCertificateChain') === 'true' && certificate.checkIssued(certificate)) {
      // TEST accepts self-signed certificates only without chain verification.
      status = AUTH_STATUS.badCertificate('Niezaufany łańcuch certyfikatów')
    }
    const response = await startAuthOperation(sim, {
      method: signer.method,
      context: request.context,
      subject: signer.subject,
      status,
      permissions: status.code === 200 ? permissions : [],
      documentHash: createHash('sha256').update(bytes).digest('base64'),
      ...(request.allowedIps ? { allowedIps: request.allowedIps } : {}),
    })
    return c.json(response, 202)
  })

  return app
}
