import type { FakeContext, Reply } from './fake-ksef-context.ts'
import { upoXml } from './fake-ksef-state.ts'

/**
 * Pre-signed URLs of the fake (part upload, export part, UPO), called without a token.
 *
 * @example
 * ```ts
 * const reply = await presignedRoute(ctx, ...)
 * ```
 */
export async function presignedRoute(
  ctx: FakeContext,
  method: string,
  path: string,
  body: Buffer,
): Promise<Reply | undefined> {
  const { exports, sessions } = ctx
  const _json = () => JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>
  let m: RegExpExecArray | null
  m = method === 'PUT' ? /^\/__upload\/([^/]+)\/(\d+)$/.exec(path) : null
  if (m) {
    const session = sessions.get(m[1] ?? '')
    if (!session?.batch) return { status: 404 }
    session.batch.uploads.set(Number(m[2]), body)
    return { status: 201 }
  }
  m = method === 'GET' ? /^\/__export\/([^/]+)\/(\d+)$/.exec(path) : null
  if (m) {
    const part = exports.get(m[1] ?? '')?.parts[Number(m[2])]
    return part ? { status: 200, bytes: part, contentType: 'application/octet-stream' } : { status: 404 }
  }
  m = method === 'GET' ? /^\/__upo\/([^/]+)\/([^/]+)$/.exec(path) : null
  if (m) {
    const session = sessions.get(m[1] ?? '')
    const invoice = session?.invoices.find((candidate) => candidate.referenceNumber === m?.[2])
    return session && invoice
      ? { status: 200, bytes: Buffer.from(upoXml(session, [invoice], false)), contentType: 'application/xml' }
      : { status: 404 }
  }
  return undefined
}
