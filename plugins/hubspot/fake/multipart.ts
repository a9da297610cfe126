/**
 * `multipart/form-data` bodies (RFC 7578), as the Files API and, from some clients, the token endpoint receive
 * them: each part's name, file name, content type and exact bytes.
 *
 * @module
 */
import { CRM_ERRORS } from './errors.ts'

/** One part of a form. */
export interface FormPart {
  readonly name: string
  readonly filename?: string
  readonly contentType?: string
  readonly data: Buffer
}

/**
 * The parts of a multipart body.
 *
 * @throws {HubSpotError} 400 for a body without a boundary or with malformed parts
 * @example
 * ```ts
 * const parts = parseMultipart(body, request.headers['content-type'] ?? '')
 * parts.find((part) => part.name === 'file')?.data
 * ```
 */
export function parseMultipart(body: Buffer, contentType: string): FormPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const marker = boundary?.[1] ?? boundary?.[2]
  if (!/^multipart\/form-data/i.test(contentType) || !marker) {
    throw CRM_ERRORS.invalid('Expected a multipart/form-data body with a boundary')
  }
  const delimiter = Buffer.from(`--${marker}`)
  const parts: FormPart[] = []
  let start = body.indexOf(delimiter)
  if (start < 0) throw CRM_ERRORS.invalid('Malformed multipart body: no boundary found')
  for (;;) {
    start += delimiter.length
    // `--` after a delimiter closes the body.
    if (body.subarray(start, start + 2).toString() === '--') break
    const headerEnd = body.indexOf('\r\n\r\n', start)
    const next = body.indexOf(delimiter, start)
    if (headerEnd < 0 || next < 0 || headerEnd > next) throw CRM_ERRORS.invalid('Malformed multipart body')
    const headers = body.subarray(start, headerEnd).toString('utf8').split('\r\n').filter(Boolean)
    // The part's bytes end before the CRLF that precedes the next delimiter.
    const data = body.subarray(headerEnd + 4, next - 2)
    const disposition = headers.find((line) => /^content-disposition:/i.test(line)) ?? ''
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1]
    if (name === undefined) throw CRM_ERRORS.invalid('Malformed multipart body: a part has no name')
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1]
    const type = headers.find((line) => /^content-type:/i.test(line))?.replace(/^content-type:\s*/i, '')
    parts.push({
      name,
      data: Buffer.from(data),
      ...(filename !== undefined ? { filename } : {}),
      ...(type ? { contentType: type } : {}),
    })
    start = next
  }
  return parts
}
