/**
 * Batch sessions: `POST /sessions/batch` (declares the archive and its parts; answers pre-signed upload URLs
 * valid for 20 minutes per part), the part uploads themselves (`PUT`, no bearer token, not rate-limited) and
 * `POST /sessions/batch/{ref}/close` (checks every declared part arrived with its size, then processes).
 *
 * @module
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requireAccess, requirePermission } from '../../auth/bearer.ts'
import { newReferenceNumber } from '../../core/reference-number.ts'
import { ApiError } from '../../errors/index.ts'
import type { SimulatorEnv } from '../../http/env.ts'
import { checkPresigned, presign } from '../../http/presigned-url.ts'
import { jsonBody, origin } from '../../http/request.ts'
import { BATCH_SESSION_STATUS } from '../../processing/statuses.ts'
import { type BatchFileInfo, SessionStore } from '../../store/session-store.ts'
import { checkFormCode, sessionOf } from '../session-lookup.ts'
import { startBatchProcessing } from './processing.ts'

const BATCH_PERMISSIONS = ['InvoiceWrite', 'EnforcementOperations'] as const
const MAX_PARTS = 50
/** 100 MB before encryption, plus at most one block of padding. */
const MAX_ENCRYPTED_PART = 100_000_000 + 16
const WINDOW_PER_PART_MS = 20 * 60_000

interface OpenBatchSessionRequest {
  formCode: { systemCode: string; schemaVersion: string; value: string }
  batchFile: BatchFileInfo
  encryption: { encryptedSymmetricKey: string; initializationVector: string; publicKeyId?: string | null }
  offlineMode?: boolean
}

function partPath(referenceNumber: string, ordinal: number): string {
  return `/storage/batch/${referenceNumber}/parts/${ordinal}`
}

/**
 * The batch session routes under `/v2`.
 *
 * @example
 * ```ts
 * v2.route('/', batchSessionRoutes())
 * ```
 */
export function batchSessionRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()

  app.post('/sessions/batch', requireAccess, async (c) => {
    const sim = c.var.sim
    const access = c.var.access
    requirePermission(access, BATCH_PERMISSIONS)
    const body = await jsonBody<OpenBatchSessionRequest>(c, 'POST', '/sessions/batch', (parsed) => {
      const parts = (parsed as { batchFile?: { fileParts?: unknown } } | null)?.batchFile?.fileParts
      if (Array.isArray(parts) && parts.length > MAX_PARTS) {
        throw ApiError.badRequest(21161, `Zadeklarowano ${parts.length} części; dozwolone jest najwyżej ${MAX_PARTS}.`)
      }
    })
    checkFormCode(body.formCode)
    const parts = body.batchFile.fileParts
    const ordinals = parts.map((part) => part.ordinalNumber).sort((a, b) => a - b)
    if (ordinals.some((ordinal, index) => ordinal !== index + 1)) {
      throw ApiError.badRequest(21405, 'fileParts: numery porządkowe muszą być kolejnymi liczbami od 1.')
    }
    for (const part of parts) {
      if (part.fileSize > MAX_ENCRYPTED_PART) {
        throw ApiError.badRequest(21157, `Rozmiar części ${part.ordinalNumber} przekroczył dozwolony rozmiar 100MB.`)
      }
    }
    const iv = Buffer.from(body.encryption.initializationVector, 'base64')
    if (iv.length !== 16) throw ApiError.badRequest(21405, 'encryption.initializationVector musi mieć 16 bajtów.')
    const key = sim.keys.decrypt(
      'SymmetricKeyEncryption',
      body.encryption.publicKeyId,
      Buffer.from(body.encryption.encryptedSymmetricKey, 'base64'),
    )
    const now = sim.clock.now()
    const referenceNumber = newReferenceNumber('SB', now)
    const deadline = new Date(now.getTime() + parts.length * WINDOW_PER_PART_MS)
    new SessionStore(sim.db).save({
      referenceNumber,
      type: 'Batch',
      context: access.ctx,
      authReference: access.ref,
      formCode: body.formCode,
      status: BATCH_SESSION_STATUS.started,
      dateCreated: now.toISOString(),
      dateUpdated: now.toISOString(),
      dateClosed: undefined,
      validUntil: undefined,
      symmetricKey: key?.length === 32 ? key : undefined,
      iv,
      offlineMode: body.offlineMode ?? false,
      batchFile: body.batchFile,
      uploadDeadline: deadline.toISOString(),
      processing: false,
      upoPages: undefined,
    })
    const base = origin(c)
    return c.json(
      {
        referenceNumber,
        partUploadRequests: [...parts]
          .sort((a, b) => a.ordinalNumber - b.ordinalNumber)
          .map((part) => ({
            ordinalNumber: part.ordinalNumber,
            method: 'PUT',
            url: presign(sim.secret, base, partPath(referenceNumber, part.ordinalNumber), deadline),
            headers: { 'x-ms-blob-type': 'BlockBlob' },
          })),
      },
      201,
    )
  })

  app.post('/sessions/batch/:referenceNumber/close', requireAccess, (c) => {
    const sim = c.var.sim
    requirePermission(c.var.access, BATCH_PERMISSIONS)
    const session = sessionOf(sim, c.var.access, c.req.param('referenceNumber'), 'Batch')
    if (!sim.options.strict && sim.faults.take('batch-close-500', c.req.path)) {
      throw ApiError.internal('Wystąpił nieoczekiwany błąd podczas zamykania sesji.')
    }
    if (session.status.code === 440 && session.status.details?.[0] === BATCH_SESSION_STATUS.uploadTimeout.details[0]) {
      throw ApiError.badRequest(21208, 'Sesja anulowana, przekroczony czas wysyłki.')
    }
    if (session.status.code !== 100) {
      throw ApiError.badRequest(21180, `Status sesji ${session.status.code} uniemożliwia jej zamknięcie.`)
    }
    const store = new SessionStore(sim.db)
    const now = sim.clock.now().toISOString()
    const sizes = store.partSizes(session.referenceNumber)
    for (const part of session.batchFile?.fileParts ?? []) {
      const size = sizes.get(part.ordinalNumber)
      if (size === undefined) {
        throw ApiError.badRequest(21205, `Nie przesłano zadeklarowanej '${part.ordinalNumber}' części pliku.`)
      }
      if (size !== part.fileSize) {
        throw ApiError.badRequest(
          21157,
          `Zadeklarowany rozmiar części '${part.ordinalNumber}' nie zgadza się z rzeczywistym.`,
        )
      }
    }
    store.save({
      ...session,
      status: BATCH_SESSION_STATUS.processing,
      dateClosed: now,
      dateUpdated: now,
      processing: true,
    })
    startBatchProcessing(sim, session.referenceNumber)
    return c.body(null, 204)
  })

  return app
}

/**
 * The pre-signed part uploads (`PUT /storage/batch/{ref}/parts/{n}`), outside `/v2` like KSeF's storage links.
 *
 * @example
 * ```ts
 * app.route('/', batchStorageRoutes())
 * ```
 */
export function batchStorageRoutes(): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>()
  app.put(
    '/storage/batch/:referenceNumber/parts/:ordinal',
    bodyLimit({ maxSize: MAX_ENCRYPTED_PART, onError: (c) => c.text('RequestBodyTooLarge', 413) }),
    async (c) => {
      const sim = c.var.sim
      const problem = checkPresigned(sim.secret, c.req.path, c.req.query('se'), c.req.query('sig'), sim.clock.now())
      if (problem) {
        return c.text(
          problem === 'expired' ? 'AuthenticationFailed: upload window expired' : 'AuthenticationFailed',
          403,
        )
      }
      const store = new SessionStore(sim.db)
      const session = store.get(c.req.param('referenceNumber'))
      const ordinal = Number(c.req.param('ordinal'))
      if (!session?.batchFile?.fileParts.some((part) => part.ordinalNumber === ordinal)) {
        return c.text('InvalidUri', 400)
      }
      if (session.status.code !== 100) return c.text('The session no longer accepts uploads.', 400)
      const content = new Uint8Array(await c.req.arrayBuffer())
      if (content.length === 0) return c.text('InvalidHeaderValue: empty body', 400)
      store.savePart(session.referenceNumber, ordinal, content)
      return c.body(null, 201)
    },
  )
  return app
}
