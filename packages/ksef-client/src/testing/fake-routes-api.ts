import type http from 'node:http'
import { sha256Base64 } from '@ksef-hub/fa3'
import { unzipSync, zipSync } from 'fflate'
import { aesDecrypt, aesEncrypt } from '../crypto/aes.ts'
import { type FakeContext, problem, type Reply } from './fake-ksef-context.ts'
import { type FakeInvoice, type FakeSession, processInvoice, referenceNumber, upoXml } from './fake-ksef-state.ts'

/**
 * Protected endpoints of the fake (sessions, invoices, UPO, incoming, exports), for an authorized context `who`.
 *
 * @example
 * ```ts
 * const reply = await apiRoute(ctx, ...)
 * ```
 */
export async function apiRoute(
  ctx: FakeContext,
  who: string,
  method: string,
  path: string,
  query: URLSearchParams,
  req: http.IncomingMessage,
  body: Buffer,
): Promise<Reply | undefined> {
  const {
    refreshTokens,
    registry,
    exports,
    sessions,
    incoming,
    settings,
    sessionKeyOf,
    invoiceJson,
    readInvoice,
    base,
  } = ctx
  const json = () => JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>
  let m: RegExpExecArray | null
  if (method === 'DELETE' && path === '/auth/sessions/current') {
    for (const [refresh, owner] of refreshTokens) if (owner === who) refreshTokens.delete(refresh)
    return { status: 204 }
  }
  if (method === 'GET' && path === '/rate-limits') {
    return { status: 200, json: { invoiceSend: { perSecond: 5, perMinute: 10, perHour: 100 } } }
  }
  if (method === 'POST' && (path === '/sessions/online' || path === '/sessions/batch')) {
    const input = json() as {
      encryption: { encryptedSymmetricKey: string; initializationVector: string; publicKeyId?: string }
      batchFile?: {
        fileSize: number
        fileHash: string
        fileParts: { ordinalNumber: number; fileSize: number; fileHash: string }[]
      }
      offlineMode?: boolean
    }
    const key = sessionKeyOf(input.encryption)
    if (!('key' in key)) return key
    const kind = path === '/sessions/online' ? 'online' : 'batch'
    const ref = referenceNumber(kind === 'online' ? 'SO' : 'SB')
    const session: FakeSession = {
      referenceNumber: ref,
      kind,
      nip: who,
      key,
      validUntil: new Date(Date.now() + 12 * 3_600_000).toISOString(),
      statusCode: 100,
      invoices: [],
      dateCreated: new Date().toISOString(),
    }
    if (kind === 'batch' && input.batchFile) {
      session.batch = {
        ...input.batchFile,
        parts: input.batchFile.fileParts,
        uploads: new Map(),
        offline: input.offlineMode ?? false,
      }
    }
    sessions.set(ref, session)
    if (kind === 'online') return { status: 201, json: { referenceNumber: ref, validUntil: session.validUntil } }
    return {
      status: 201,
      json: {
        referenceNumber: ref,
        partUploadRequests: (session.batch?.parts ?? []).map((part) => ({
          ordinalNumber: part.ordinalNumber,
          method: 'PUT',
          url: `${base}/__upload/${ref}/${part.ordinalNumber}?sig=secret-signature`,
          headers: { 'x-ms-blob-type': 'BlockBlob' },
        })),
      },
    }
  }
  m = method === 'POST' ? /^\/sessions\/online\/([^/]+)\/invoices$/.exec(path) : null
  if (m) {
    const session = sessions.get(m[1] ?? '')
    if (!session) return problem(400, 21173, 'Brak sesji o wskazanym numerze referencyjnym.')
    if (session.statusCode !== 100) return problem(400, 21180, 'Status sesji nie pozwala na wykonanie operacji.')
    const input = json() as {
      invoiceHash: string
      invoiceSize: number
      encryptedInvoiceHash: string
      encryptedInvoiceSize: number
      encryptedInvoiceContent: string
      offlineMode?: boolean
    }
    const encrypted = Buffer.from(input.encryptedInvoiceContent, 'base64')
    if (encrypted.length !== input.encryptedInvoiceSize) return problem(400, 21402, 'Nieprawidłowy rozmiar pliku.')
    if (sha256Base64(encrypted) !== input.encryptedInvoiceHash) return problem(400, 21403, 'Nieprawidłowy skrót pliku.')
    const plain = aesDecrypt(session.key, encrypted)
    if (plain.length !== input.invoiceSize || sha256Base64(plain) !== input.invoiceHash)
      return problem(400, 21403, 'Nieprawidłowy skrót pliku.')
    const invoice: FakeInvoice = {
      referenceNumber: referenceNumber('EE'),
      sessionReferenceNumber: session.referenceNumber,
      ordinalNumber: session.invoices.length + 1,
      invoiceHash: input.invoiceHash,
      bytes: plain,
      statusCode: 100,
      description: 'Przyjęto',
      details: [],
      offline: input.offlineMode ?? false,
      pendingReads: 0,
      receivedAt: new Date().toISOString(),
    }
    processInvoice(invoice, registry, settings.invoicePendingReads)
    session.invoices.push(invoice)
    return { status: 202, json: { referenceNumber: invoice.referenceNumber } }
  }
  m = method === 'POST' ? /^\/sessions\/(online|batch)\/([^/]+)\/close$/.exec(path) : null
  if (m) {
    const session = sessions.get(m[2] ?? '')
    if (!session) return problem(400, 21173, 'Brak sesji.')
    if (session.statusCode !== 100) return problem(400, 21180, 'Status sesji nie pozwala na wykonanie operacji.')
    if (session.kind === 'batch' && session.batch) {
      const missing = session.batch.parts.find((part) => !session.batch?.uploads.has(part.ordinalNumber))
      if (missing) return problem(400, 21205, 'Nie przesłano zadeklarowanej części.')
      const archive = Buffer.concat(
        session.batch.parts.map((part) =>
          aesDecrypt(session.key, session.batch?.uploads.get(part.ordinalNumber) ?? Buffer.alloc(0)),
        ),
      )
      if (sha256Base64(archive) !== session.batch.fileHash || archive.length !== session.batch.fileSize) {
        session.statusCode = 405
        return { status: 204 }
      }
      for (const [fileName, bytes] of Object.entries(unzipSync(archive))) {
        const invoice: FakeInvoice = {
          referenceNumber: referenceNumber('EE'),
          sessionReferenceNumber: session.referenceNumber,
          ordinalNumber: session.invoices.length + 1,
          invoiceHash: sha256Base64(bytes),
          fileName,
          bytes,
          statusCode: 100,
          description: 'Przyjęto',
          details: [],
          offline: session.batch.offline,
          pendingReads: 0,
          receivedAt: new Date().toISOString(),
        }
        processInvoice(invoice, registry, 0)
        session.invoices.push(invoice)
      }
    }
    const anyAccepted = session.invoices.some((invoice) => invoice.statusCode === 200)
    session.statusCode = session.invoices.length === 0 ? 440 : anyAccepted || session.kind === 'online' ? 200 : 445
    return { status: 204 }
  }
  m = method === 'GET' ? /^\/sessions\/([^/]+)$/.exec(path) : null
  if (m) {
    const session = sessions.get(m[1] ?? '')
    if (!session) return problem(400, 21173, 'Brak sesji.')
    const ok = session.invoices.filter((invoice) => invoice.statusCode === 200).length
    return {
      status: 200,
      json: {
        status: { code: session.statusCode, description: String(session.statusCode) },
        dateCreated: session.dateCreated,
        dateUpdated: new Date().toISOString(),
        validUntil: session.validUntil,
        invoiceCount: session.invoices.length,
        successfulInvoiceCount: ok,
        failedInvoiceCount: session.invoices.length - ok,
        upo:
          session.statusCode === 200
            ? {
                pages: [
                  {
                    referenceNumber: `${session.referenceNumber.slice(0, 30)}UPO-01`,
                    downloadUrl: `${base}/__session-upo/${session.referenceNumber}`,
                    downloadUrlExpirationDate: new Date(Date.now() + 3_600_000).toISOString(),
                  },
                ],
              }
            : null,
      },
    }
  }
  m = method === 'GET' ? /^\/sessions\/([^/]+)\/invoices(\/failed)?$/.exec(path) : null
  if (m) {
    const session = sessions.get(m[1] ?? '')
    if (!session) return problem(400, 21173, 'Brak sesji.')
    const all = m[2] ? session.invoices.filter((invoice) => invoice.statusCode >= 400) : session.invoices
    const pageSize = Number(query.get('pageSize') ?? 10)
    const start = Number(req.headers['x-continuation-token'] ?? 0)
    const page = all.slice(start, start + pageSize)
    return {
      status: 200,
      json: {
        continuationToken: start + pageSize < all.length ? String(start + pageSize) : null,
        invoices: page.map(invoiceJson),
      },
    }
  }
  m = method === 'GET' ? /^\/sessions\/([^/]+)\/invoices\/([^/]+)(\/upo)?$/.exec(path) : null
  if (m) {
    const session = sessions.get(m[1] ?? '')
    const invoice = session?.invoices.find((candidate) => candidate.referenceNumber === m?.[2])
    if (!session || !invoice) return problem(400, 21173, 'Brak faktury.')
    if (!m[3]) return { status: 200, json: readInvoice(invoice) }
    const xml = Buffer.from(upoXml(session, [invoice], false), 'utf8')
    return {
      status: 200,
      bytes: xml,
      contentType: 'application/xml',
      headers: { 'x-ms-meta-hash': sha256Base64(xml) },
    }
  }
  m = method === 'GET' ? /^\/sessions\/([^/]+)\/invoices\/ksef\/([^/]+)\/upo$/.exec(path) : null
  if (m) {
    const session = sessions.get(m[1] ?? '')
    const invoice = session?.invoices.find(
      (candidate) => candidate.ksefNumber === m?.[2] && candidate.statusCode === 200,
    )
    if (!session || !invoice) return problem(400, 21164, 'Brak faktury.')
    const xml = Buffer.from(upoXml(session, [invoice], false), 'utf8')
    return {
      status: 200,
      bytes: xml,
      contentType: 'application/xml',
      headers: { 'x-ms-meta-hash': sha256Base64(xml) },
    }
  }
  m = method === 'GET' ? /^\/sessions\/([^/]+)\/upo\/([^/]+)$/.exec(path) : null
  if (m) {
    const session = sessions.get(m[1] ?? '')
    if (!session) return problem(400, 21173, 'Brak sesji.')
    const xml = Buffer.from(upoXml(session, session.invoices, true), 'utf8')
    return {
      status: 200,
      bytes: xml,
      contentType: 'application/xml',
      headers: { 'x-ms-meta-hash': sha256Base64(xml) },
    }
  }
  m = method === 'GET' ? /^\/invoices\/ksef\/([^/]+)$/.exec(path) : null
  if (m) {
    const found = [...sessions.values()]
      .flatMap((session) => session.invoices)
      .find((invoice) => invoice.ksefNumber === m?.[1])
    const bytes = found?.bytes ?? incoming.find((item) => item.metadata.ksefNumber === m?.[1])?.bytes
    if (!bytes) return problem(400, 21164, 'Faktura o podanym identyfikatorze nie istnieje.')
    return {
      status: 200,
      bytes: Buffer.from(bytes),
      contentType: 'application/xml',
      headers: { 'x-ms-meta-hash': sha256Base64(bytes) },
    }
  }
  const selectIncoming = (filters: { dateRange: { from: string; to?: string } }) =>
    incoming
      .map((item) => item.metadata)
      .filter(
        (meta) =>
          String(meta.permanentStorageDate) >= filters.dateRange.from &&
          (!filters.dateRange.to || String(meta.permanentStorageDate) <= filters.dateRange.to),
      )
      .sort((a, b) => String(a.permanentStorageDate).localeCompare(String(b.permanentStorageDate)))
  if (method === 'POST' && path === '/invoices/query/metadata') {
    const filters = json() as { dateRange: { from: string; to?: string } }
    const all = selectIncoming(filters)
    const capped = all.slice(0, settings.truncateAfter)
    const pageSize = Number(query.get('pageSize') ?? 10)
    const offset = Number(query.get('pageOffset') ?? 0) * pageSize
    const invoices = capped.slice(offset, offset + pageSize)
    const hasMore = offset + pageSize < all.length
    const isTruncated = hasMore && offset + pageSize >= capped.length
    const amounts = JSON.stringify({
      hasMore,
      isTruncated,
      permanentStorageHwmDate: '2026-12-31T23:59:59Z',
      invoices,
    })
    return { status: 200, bytes: Buffer.from(amounts), contentType: 'application/json' }
  }
  if (method === 'POST' && path === '/invoices/exports') {
    const input = json() as {
      encryption: { encryptedSymmetricKey: string; initializationVector: string; publicKeyId?: string }
      filters: { dateRange: { from: string; to?: string } }
    }
    const key = sessionKeyOf(input.encryption)
    if (!('key' in key)) return key
    const selected = selectIncoming(input.filters).slice(0, settings.truncateAfter)
    const files: Record<string, Uint8Array> = {
      '_metadata.json': Buffer.from(JSON.stringify({ invoices: selected })),
    }
    for (const meta of selected)
      files[`${meta.ksefNumber}.xml`] = incoming.find((item) => item.metadata === meta)?.bytes ?? new Uint8Array()
    const archive = Buffer.from(zipSync(files))
    const half = Math.ceil(archive.length / 2)
    const plainParts = [archive.subarray(0, half), archive.subarray(half)]
    const parts = plainParts.map((plain) => aesEncrypt(key, plain))
    const ref = referenceNumber('EX')
    const last = selected[selected.length - 1]
    const truncated = selectIncoming(input.filters).length > selected.length
    exports.set(ref, {
      key,
      parts,
      pkg: {
        invoiceCount: selected.length,
        size: archive.length,
        isTruncated: truncated,
        lastPermanentStorageDate: last?.permanentStorageDate ?? null,
        permanentStorageHwmDate: '2026-12-31T23:59:59Z',
        parts: parts.map((part, index) => ({
          ordinalNumber: index + 1,
          partName: `part-${index + 1}.zip.aes`,
          method: 'GET',
          url: `${base}/__export/${ref}/${index}?sig=secret-signature`,
          partSize: plainParts[index]?.length,
          partHash: sha256Base64(plainParts[index] ?? Buffer.alloc(0)),
          encryptedPartSize: part.length,
          encryptedPartHash: sha256Base64(part),
          expirationDate: new Date(Date.now() + 3_600_000).toISOString(),
        })),
      },
    })
    return { status: 201, json: { referenceNumber: ref } }
  }
  m = method === 'GET' ? /^\/invoices\/exports\/([^/]+)$/.exec(path) : null
  if (m) {
    const found = exports.get(m[1] ?? '')
    if (!found) return problem(400, 21405, 'Brak eksportu.')
    return {
      status: 200,
      json: {
        status: { code: 200, description: 'Eksport zakończony' },
        completedDate: new Date().toISOString(),
        package: found.pkg,
      },
    }
  }
  return undefined
}
