/**
 * The Files API [I `files`]: `POST /files/v3/files` (multipart: `file`, `folderPath` or `folderId`, `fileName`,
 * `options` as JSON with the required `access` [R (c)]) keeps the exact bytes and answers 201 with a `File`;
 * `GET /files/v3/files/{id}` and `…/signed-url` read it back, the signed URL serving the bytes without a token.
 * A name taken in the folder gets a numbered suffix unless `overwrite` (VERIFY); duplicate validation by content
 * (`RETURN_EXISTING`, `REJECT`) is honoured within the portal or the folder.
 *
 * @module
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import { CRM_ERRORS, HubSpotError } from './errors.ts'
import type { FormPart } from './multipart.ts'

/** A stored file. */
export interface StoredFile {
  readonly id: string
  readonly name: string
  readonly extension: string
  readonly path: string
  readonly folderId: string
  readonly access: string
  bytes: Buffer
  contentType: string
  readonly createdAt: number
  updatedAt: number
  readonly signature: string
}

const ACCESS = [
  'HIDDEN_INDEXABLE',
  'HIDDEN_NOT_INDEXABLE',
  'HIDDEN_PRIVATE',
  'HIDDEN_SENSITIVE',
  'PRIVATE',
  'PUBLIC_INDEXABLE',
  'PUBLIC_NOT_INDEXABLE',
  'SENSITIVE',
]

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex')

/**
 * The portal's file manager.
 *
 * @example
 * ```ts
 * const file = files.upload(parts, origin)
 * files.get(file.id)?.bytes
 * ```
 */
export class Files {
  readonly #clock: FakeClock
  readonly #files = new Map<string, StoredFile>()
  readonly #folders = new Map<string, string>([['', '0']])
  #next = 183_926_001_000

  constructor(clock: FakeClock) {
    this.#clock = clock
  }

  get(id: string): StoredFile | undefined {
    return this.#files.get(id)
  }

  all(): StoredFile[] {
    return [...this.#files.values()]
  }

  /**
   * Stores an upload; `{ file, created }` (`created: false` when duplicate validation returned an existing one).
   *
   * @throws {HubSpotError} 400 for a missing file or `access`, 409 for a rejected duplicate
   */
  upload(parts: readonly FormPart[]): { file: StoredFile; created: boolean } {
    const field = (name: string) =>
      parts.find((part) => part.name === name && part.filename === undefined)?.data.toString('utf8')
    const upload = parts.find((part) => part.name === 'file')
    if (!upload) throw CRM_ERRORS.invalid('A file is required', [{ message: 'file is required', in: 'file' }])
    let options: Record<string, unknown>
    try {
      options = JSON.parse(field('options') ?? 'null') as Record<string, unknown>
    } catch {
      throw CRM_ERRORS.invalid('options is not valid JSON')
    }
    const access = String(options?.access ?? '')
    if (!ACCESS.includes(access)) {
      throw CRM_ERRORS.invalid('options.access is required', [
        { message: `access must be one of ${ACCESS.join(', ')}`, in: 'options' },
      ])
    }
    const folderPath = this.#folderPath(field('folderPath'), field('folderId'))
    const fullName = field('fileName') || upload.filename || 'file'
    const dot = fullName.lastIndexOf('.')
    const [base, extension] = dot > 0 ? [fullName.slice(0, dot), fullName.slice(dot + 1)] : [fullName, '']
    const strategy = String(options.duplicateValidationStrategy ?? 'NONE')
    if (strategy !== 'NONE') {
      const scope = String(options.duplicateValidationScope ?? 'ENTIRE_PORTAL')
      const digest = md5(upload.data)
      const twin = this.all().find(
        (file) => md5(file.bytes) === digest && (scope !== 'EXACT_FOLDER' || file.path.startsWith(`${folderPath}/`)),
      )
      if (twin && strategy === 'RETURN_EXISTING') return { file: twin, created: false }
      if (twin && strategy === 'REJECT') {
        throw new HubSpotError(409, {
          status: 'error',
          message: `Duplicate of file ${twin.id}`,
          correlationId: randomUUID(),
          category: 'CONFLICT',
        })
      }
    }
    const now = this.#clock.now().getTime()
    const pathOf = (name: string) => `${folderPath}/${extension ? `${name}.${extension}` : name}`
    const existing = this.all().find((file) => file.path === pathOf(base))
    if (existing && options.overwrite === true) {
      existing.bytes = Buffer.from(upload.data)
      existing.contentType = upload.contentType ?? 'application/octet-stream'
      existing.updatedAt = now
      return { file: existing, created: true }
    }
    let name = base
    for (let suffix = 1; this.all().some((file) => file.path === pathOf(name)); suffix++) name = `${base}-${suffix}`
    const file: StoredFile = {
      id: String(this.#next++),
      name,
      extension,
      path: pathOf(name),
      folderId: this.#folders.get(folderPath) ?? '0',
      access,
      bytes: Buffer.from(upload.data),
      contentType: upload.contentType ?? 'application/octet-stream',
      createdAt: now,
      updatedAt: now,
      signature: randomBytes(12).toString('hex'),
    }
    this.#files.set(file.id, file)
    return { file, created: true }
  }

  #folderPath(path: string | undefined, id: string | undefined): string {
    if (id !== undefined && path === undefined) {
      const found = [...this.#folders.entries()].find(([, folderId]) => folderId === id)
      if (!found) throw CRM_ERRORS.invalid(`Folder ${id} does not exist`)
      return found[0]
    }
    const normalized = `/${(path ?? '').split('/').filter(Boolean).join('/')}`.replace(/^\/$/, '')
    if (!this.#folders.has(normalized)) this.#folders.set(normalized, String(this.#next++))
    return normalized
  }
}

/**
 * A file as the API answers it [I `File`].
 *
 * @example
 * ```ts
 * fileJson(file, 146512345)
 * ```
 */
export function fileJson(file: StoredFile, portalId: number): Record<string, unknown> {
  return {
    id: file.id,
    createdAt: new Date(file.createdAt).toISOString(),
    updatedAt: new Date(file.updatedAt).toISOString(),
    archived: false,
    parentFolderId: file.folderId,
    name: file.name,
    path: file.path,
    size: file.bytes.length,
    type: 'OTHER',
    extension: file.extension,
    fileMd5: md5(file.bytes),
    access: file.access,
    isUsableInContent: !file.access.includes('PRIVATE') && !file.access.includes('SENSITIVE'),
    url: `https://api-eu1.hubspot.com/filemanager/api/v2/files/${file.id}/signed-url-redirect?portalId=${portalId}`,
  }
}
