/**
 * Online (interactive) sessions: `POST /sessions/online` (AES key RSA-OAEP encrypted for the simulator's
 * SymmetricKeyEncryption key), `POST /sessions/online/{ref}/invoices` (size and hash of the ciphertext and of
 * the plaintext checked on receipt; processing asynchronous) and `POST /sessions/online/{ref}/close`.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requireAccess, requirePermission } from '../../auth/bearer.ts'
import { newReferenceNumber } from '../../core/reference-number.ts'
import { ApiError } from '../../errors/index.ts'
import type { SimulatorEnv } from '../../http/env.ts'
import { jsonBody } from '../../http/request.ts'
import { contextLimits } from '../../limits/session-limits.ts'
import { INVOICE_STATUS, ONLINE_SESSION_STATUS } from '../../processing/statuses.ts'
import { decryptAes } from '../../security/aes.ts'
import { InvoiceStore } from '../../store/invoice-store.ts'
import { SessionStore } from '../../store/session-store.ts'
import { checkFormCode, contextKey, SEND_PERMISSIONS, sessionOf } from '../session-lookup.ts'
import { checkTechnicalCorrection } from './technical-correction.ts'

const SESSION_TTL_MS = 12 * 3600_000
/** An encrypted 3 MB invoice in Base64 inside JSON stays well below this. */
const MAX_SEND_BODY = 5 * 1024 * 1024

interface OpenOnlineSessionRequest {
  formCode: { systemCode: string; schemaVersion: string; value: string }
  encryption: { encryptedSymmetricKey: string; initializationVector: string; publicKeyId?: string | null }
}

interface SendInvoiceRequest {
  invoiceHash: string
  invoiceSize: number
  encryptedInvoiceHash: string
  encryptedInvoiceSize: number
  encryptedInvoiceContent: string
  offlineMode?: boolean
  hashOfCorrectedInvoice?: string | null
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64')

/**
 * The online session routes.
 *
 * @example
 * ```ts
 * v2.route('/', onlineSessionRoutes())
 * ```
 */
export function onlineSessionRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()

  app.post('/sessions/online', requireAccess, async (c) => {
    const sim = c.var.sim
    const access = c.var.access
    requirePermission(access, SEND_PERMISSIONS)
    const body = await jsonBody<OpenOnlineSessionRequest>(c, 'POST', '/sessions/online')
    checkFormCode(body.formCode)
    const iv = Buffer.from(body.encryption.initializationVector, 'base64')
    if (iv.length !== 16) throw ApiError.badRequest(21405, 'encryption.initializationVector musi mieć 16 bajtów.')
    const key = sim.keys.decrypt(
      'SymmetricKeyEncryption',
      body.encryption.publicKeyId,
      Buffer.from(body.encryption.encryptedSymmetricKey, 'base64'),
    )
    const now = sim.clock.now()
    const referenceNumber = newReferenceNumber('SO', now)
    const validUntil = new Date(now.getTime() + SESSION_TTL_MS).toISOString()
    new SessionStore(sim.db).save({
      referenceNumber,
      type: 'Online',
      context: access.ctx,
      authReference: access.ref,
      formCode: body.formCode,
      status: key?.length === 32 ? ONLINE_SESSION_STATUS.open : ONLINE_SESSION_STATUS.keyError,
      dateCreated: now.toISOString(),
      dateUpdated: now.toISOString(),
      dateClosed: undefined,
      validUntil,
      symmetricKey: key?.length === 32 ? key : undefined,
      iv,
      offlineMode: false,
      batchFile: undefined,
      uploadDeadline: undefined,
      processing: false,
      upoPages: undefined,
    })
    return c.json({ referenceNumber, validUntil }, 201)
  })

  app.post(
    '/sessions/online/:referenceNumber/invoices',
    bodyLimit({
      maxSize: MAX_SEND_BODY,
      onError: () => {
        throw ApiError.badRequest(21405, `Treść żądania przekracza ${MAX_SEND_BODY} bajtów.`)
      },
    }),
    requireAccess,
    async (c) => {
      const sim = c.var.sim
      const access = c.var.access
      requirePermission(access, SEND_PERMISSIONS)
      const session = sessionOf(sim, access, c.req.param('referenceNumber'), 'Online')
      const now = sim.clock.now()
      if (session.status.code !== 100 || (session.validUntil && session.validUntil < now.toISOString())) {
        throw ApiError.badRequest(21180, `Status sesji ${session.status.code} uniemożliwia wysyłkę faktur.`)
      }
      const body = await jsonBody<SendInvoiceRequest>(c, 'POST', '/sessions/online/{referenceNumber}/invoices')
      const invoices = new InvoiceStore(sim.db)
      const limit = contextLimits(sim, contextKey(session.context)).onlineSession.maxInvoices
      if (invoices.counts(session.referenceNumber).total >= limit) {
        throw ApiError.badRequest(
          21155,
          `Sesja o numerze referencyjnym ${session.referenceNumber} osiągnęła dozwolony limit liczby faktur ${limit}.`,
        )
      }
      const encrypted = Buffer.from(body.encryptedInvoiceContent, 'base64')
      if (encrypted.length !== body.encryptedInvoiceSize) {
        throw ApiError.badRequest(21402, 'Długość treści nie zgadza się z rozmiarem pliku.')
      }
      if (sha256(encrypted) !== body.encryptedInvoiceHash) {
        throw ApiError.badRequest(21403, 'Skrót treści nie zgadza się ze skrótem pliku.')
      }
      const plain =
        session.symmetricKey && session.iv ? decryptAes(session.symmetricKey, session.iv, encrypted) : undefined
      if (plain && plain.length !== body.invoiceSize) {
        throw ApiError.badRequest(21402, 'Rozmiar odszyfrowanej faktury nie zgadza się z invoiceSize.')
      }
      if (plain && sha256(plain) !== body.invoiceHash) {
        throw ApiError.badRequest(21403, 'Skrót odszyfrowanej faktury nie zgadza się z invoiceHash.')
      }
      if (body.hashOfCorrectedInvoice) checkTechnicalCorrection(sim, session, body.hashOfCorrectedInvoice)
      const record = sim.db.tx(() => {
        const created = {
          referenceNumber: newReferenceNumber('EE', now),
          sessionReference: session.referenceNumber,
          ordinal: invoices.lastOrdinal(session.referenceNumber) + 1,
          status: INVOICE_STATUS.accepted,
          invoiceHash: body.invoiceHash,
          invoiceSize: body.invoiceSize,
          fileName: undefined,
          invoiceNumber: undefined,
          invoiceType: undefined,
          sellerNip: undefined,
          buyerNip: undefined,
          thirdPartyNips: [],
          authorizedNip: undefined,
          duplicateKey: undefined,
          ksefNumber: undefined,
          invoicingDate: now.toISOString(),
          acquisitionDate: undefined,
          permanentStorageDate: undefined,
          issueDate: undefined,
          invoicingMode: undefined,
          offlineMode: body.offlineMode ?? false,
          hashOfCorrectedInvoice: body.hashOfCorrectedInvoice ?? undefined,
          metadata: undefined,
          decryptError: plain === undefined,
          notBeforeMs: undefined,
        }
        invoices.save(created, plain ?? new Uint8Array(0))
        new SessionStore(sim.db).save({ ...session, dateUpdated: now.toISOString() })
        return created
      })
      sim.processor.scheduleOnline(record)
      return c.json({ referenceNumber: record.referenceNumber }, 202)
    },
  )

  app.post('/sessions/online/:referenceNumber/close', requireAccess, (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, SEND_PERMISSIONS)
    const session = sessionOf(sim, c.var.access, c.req.param('referenceNumber'), 'Online')
    if (session.status.code !== 100) {
      throw ApiError.badRequest(21180, `Status sesji ${session.status.code} uniemożliwia jej zamknięcie.`)
    }
    const now = sim.clock.now().toISOString()
    new SessionStore(sim.db).save({
      ...session,
      status: ONLINE_SESSION_STATUS.closed,
      dateClosed: now,
      dateUpdated: now,
    })
    sim.processor.later(sim.options.processingDelayMs, () =>
      sim.processor.completeOnlineSession(session.referenceNumber),
    )
    return c.body(null, 204)
  })

  return app
}
