/**
 * Creating KSeF tokens: `{reference}|{context}|{secret}`, at most 160 characters, shown once.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { ContextIdentifier, SubjectIdentifier } from '../auth/jwt.ts'
import type { Simulator } from '../context.ts'
import { newReferenceNumber } from '../core/reference-number.ts'
import { type KsefToken, TokenStore } from '../store/token-store.ts'

/**
 * Creates an active KSeF token (or stores a given one, for seeding) and returns it with its record.
 *
 * @example
 * ```ts
 * const { token } = createKsefToken(sim, { context, author, permissions: ['InvoiceWrite'], description: 'ERP' })
 * ```
 */
export function createKsefToken(
  sim: Simulator,
  params: {
    context: ContextIdentifier
    author: SubjectIdentifier
    permissions: string[]
    description: string
    token?: string
  },
): { token: string; record: KsefToken } {
  const now = sim.clock.now()
  const referenceNumber = newReferenceNumber('EC', now)
  const token =
    params.token ??
    `${referenceNumber}|${params.context.type.toLowerCase()}-${params.context.value}|${randomBytes(32).toString('hex')}`
  const record: KsefToken = {
    referenceNumber,
    context: params.context,
    author: params.author,
    permissions: [...new Set(params.permissions)],
    description: params.description,
    status: 'Active',
    dateCreated: now.toISOString(),
    lastUseDate: undefined,
  }
  new TokenStore(sim.db).save(record, token)
  return { token, record }
}
