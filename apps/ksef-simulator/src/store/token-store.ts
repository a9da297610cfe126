/**
 * Persistence of KSeF tokens. Only a SHA-256 of each token's secret is kept: the token is shown once.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import type { ContextIdentifier, SubjectIdentifier } from '../auth/jwt.ts'
import type { Database } from './database.ts'

/** A KSeF token's status (`AuthenticationTokenStatus`). */
export type KsefTokenStatus = 'Pending' | 'Active' | 'Revoking' | 'Revoked' | 'Failed'

/** A stored KSeF token (without its secret). */
export interface KsefToken {
  referenceNumber: string
  context: ContextIdentifier
  author: SubjectIdentifier
  permissions: string[]
  description: string
  status: KsefTokenStatus
  dateCreated: string
  lastUseDate: string | undefined
}

interface TokenRow {
  reference_number: string
  token_hash: string
  context_type: string
  context_value: string
  author_type: string
  author_value: string
  permissions: string
  description: string
  status: string
  date_created: string
  last_use_date: string | null
}

function fromRow(row: TokenRow): KsefToken {
  return {
    referenceNumber: row.reference_number,
    context: { type: row.context_type as ContextIdentifier['type'], value: row.context_value },
    author: { type: row.author_type as SubjectIdentifier['type'], value: row.author_value },
    permissions: JSON.parse(row.permissions) as string[],
    description: row.description,
    status: row.status as KsefTokenStatus,
    dateCreated: row.date_created,
    lastUseDate: row.last_use_date ?? undefined,
  }
}

/**
 * The hash under which a token is stored.
 *
 * @example
 * ```ts
 * tokenHash('20251010-EC-...|nip-5265877635|...')
 * ```
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64')
}

/**
 * The KSeF token table.
 *
 * @example
 * ```ts
 * const found = new TokenStore(db).byToken(plainToken)
 * ```
 */
export class TokenStore {
  readonly #db: Database
  constructor(db: Database) {
    this.#db = db
  }

  save(token: KsefToken, secret: string): void {
    this.#db.run(
      `INSERT OR REPLACE INTO ksef_tokens(reference_number, token_hash, context_type, context_value, author_type,
        author_value, permissions, description, status, date_created, last_use_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      token.referenceNumber,
      tokenHash(secret),
      token.context.type,
      token.context.value,
      token.author.type,
      token.author.value,
      JSON.stringify(token.permissions),
      token.description,
      token.status,
      token.dateCreated,
      token.lastUseDate ?? null,
    )
  }

  byToken(secret: string): KsefToken | undefined {
    const row = this.#db.get<TokenRow>('SELECT * FROM ksef_tokens WHERE token_hash = ?', tokenHash(secret))
    return row ? fromRow(row) : undefined
  }

  byReference(referenceNumber: string): KsefToken | undefined {
    const row = this.#db.get<TokenRow>('SELECT * FROM ksef_tokens WHERE reference_number = ?', referenceNumber)
    return row ? fromRow(row) : undefined
  }

  /** Tokens of a context, newest first. */
  inContext(context: ContextIdentifier): KsefToken[] {
    return this.#db
      .all<TokenRow>(
        'SELECT * FROM ksef_tokens WHERE context_type = ? AND context_value = ? ORDER BY date_created DESC',
        context.type,
        context.value,
      )
      .map(fromRow)
  }

  setStatus(referenceNumber: string, status: KsefTokenStatus): void {
    this.#db.run('UPDATE ksef_tokens SET status = ? WHERE reference_number = ?', status, referenceNumber)
  }

  touch(referenceNumber: string, at: string): void {
    this.#db.run('UPDATE ksef_tokens SET last_use_date = ? WHERE reference_number = ?', at, referenceNumber)
  }
}
