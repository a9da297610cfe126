/**
 * Persistence of authentication: challenges, authentication operations (with their refresh state) and the
 * subjects' permissions in contexts.
 *
 * @module
 */
import type { ContextIdentifier, SubjectIdentifier } from '../auth/jwt.ts'
import { type Database, nullable } from './database.ts'

/** A stored challenge. */
export interface ChallengeRow {
  challenge: string
  timestamp_ms: number
  client_ip: string
  used: number
}

/** A stored authentication operation. */
export interface AuthOperation {
  referenceNumber: string
  startDate: string
  /** `AuthenticationMethod`: Token, QualifiedSeal, QualifiedSignature, PersonalSignature... */
  method: string
  context: ContextIdentifier
  subject: SubjectIdentifier | undefined
  ksefTokenReference: string | undefined
  documentHash: string | undefined
  status: { code: number; description: string; details?: readonly string[] }
  permissions: string[]
  allowedIps: { ip4Addresses?: string[]; ip4Ranges?: string[]; ip4Masks?: string[] } | undefined
  authTokenValidUntil: string
  redeemed: boolean
  refreshValidUntil: string | undefined
  lastRefreshDate: string | undefined
  revoked: boolean
}

interface AuthRow {
  reference_number: string
  start_date: string
  method: string
  context_type: string
  context_value: string
  subject_type: string | null
  subject_value: string | null
  ksef_token_reference: string | null
  document_hash: string | null
  status_code: number
  status_description: string
  status_details: string | null
  permissions: string
  allowed_ips: string | null
  auth_token_valid_until: string
  redeemed: number
  refresh_valid_until: string | null
  last_refresh_date: string | null
  revoked: number
}

function fromRow(row: AuthRow): AuthOperation {
  return {
    referenceNumber: row.reference_number,
    startDate: row.start_date,
    method: row.method,
    context: { type: row.context_type as ContextIdentifier['type'], value: row.context_value },
    subject:
      row.subject_type && row.subject_value
        ? { type: row.subject_type as SubjectIdentifier['type'], value: row.subject_value }
        : undefined,
    ksefTokenReference: row.ksef_token_reference ?? undefined,
    documentHash: row.document_hash ?? undefined,
    status: {
      code: row.status_code,
      description: row.status_description,
      ...(row.status_details ? { details: JSON.parse(row.status_details) as string[] } : {}),
    },
    permissions: JSON.parse(row.permissions) as string[],
    allowedIps: row.allowed_ips ? JSON.parse(row.allowed_ips) : undefined,
    authTokenValidUntil: row.auth_token_valid_until,
    redeemed: row.redeemed === 1,
    refreshValidUntil: row.refresh_valid_until ?? undefined,
    lastRefreshDate: row.last_refresh_date ?? undefined,
    revoked: row.revoked === 1,
  }
}

/**
 * The authentication tables.
 *
 * @example
 * ```ts
 * const auth = new AuthStore(db)
 * auth.saveChallenge({ challenge, timestamp_ms, client_ip, used: 0 })
 * ```
 */
export class AuthStore {
  readonly #db: Database
  constructor(db: Database) {
    this.#db = db
  }

  saveChallenge(row: ChallengeRow): void {
    this.#db.run(
      'INSERT INTO challenges(challenge, timestamp_ms, client_ip, used) VALUES (?, ?, ?, ?)',
      row.challenge,
      row.timestamp_ms,
      row.client_ip,
      row.used,
    )
  }

  /** Marks a challenge used and returns it, or `undefined` if unknown, used or older than `maxAgeMs`. */
  useChallenge(challenge: string, nowMs: number, maxAgeMs: number): ChallengeRow | undefined {
    return this.#db.tx(() => {
      const row = this.#db.get<ChallengeRow>('SELECT * FROM challenges WHERE challenge = ?', challenge)
      if (!row || row.used === 1 || nowMs - row.timestamp_ms > maxAgeMs) return undefined
      this.#db.run('UPDATE challenges SET used = 1 WHERE challenge = ?', challenge)
      return row
    })
  }

  saveOperation(op: AuthOperation): void {
    this.#db.run(
      `INSERT OR REPLACE INTO auth_operations(reference_number, start_date, method, context_type, context_value,
        subject_type, subject_value, ksef_token_reference, document_hash, status_code, status_description,
        status_details, permissions, allowed_ips, auth_token_valid_until, redeemed, refresh_valid_until,
        last_refresh_date, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      op.referenceNumber,
      op.startDate,
      op.method,
      op.context.type,
      op.context.value,
      nullable(op.subject?.type),
      nullable(op.subject?.value),
      nullable(op.ksefTokenReference),
      nullable(op.documentHash),
      op.status.code,
      op.status.description,
      op.status.details ? JSON.stringify(op.status.details) : null,
      JSON.stringify(op.permissions),
      op.allowedIps ? JSON.stringify(op.allowedIps) : null,
      op.authTokenValidUntil,
      op.redeemed ? 1 : 0,
      nullable(op.refreshValidUntil),
      nullable(op.lastRefreshDate),
      op.revoked ? 1 : 0,
    )
  }

  operation(referenceNumber: string): AuthOperation | undefined {
    const row = this.#db.get<AuthRow>('SELECT * FROM auth_operations WHERE reference_number = ?', referenceNumber)
    return row ? fromRow(row) : undefined
  }

  /** Redeemed, not revoked operations of a context whose refresh token is still valid, newest first. */
  activeOperations(context: ContextIdentifier, nowIso: string): AuthOperation[] {
    return this.#db
      .all<AuthRow>(
        `SELECT * FROM auth_operations WHERE context_type = ? AND context_value = ? AND redeemed = 1 AND revoked = 0
         AND refresh_valid_until > ? ORDER BY start_date DESC`,
        context.type,
        context.value,
        nowIso,
      )
      .map(fromRow)
  }

  /** The permissions granted to a subject in a context (through `/testdata/permissions` or `/testdata/person`). */
  grantedPermissions(context: ContextIdentifier, subject: SubjectIdentifier): string[] {
    return this.#db
      .all<{ permission: string }>(
        `SELECT DISTINCT permission FROM grants WHERE context_type = ? AND context_value = ? AND subject_type = ?
         AND subject_value = ?`,
        context.type,
        context.value,
        subject.type,
        subject.value,
      )
      .map((row) => row.permission)
  }

  grant(context: ContextIdentifier, subject: SubjectIdentifier, permission: string, description: string): void {
    this.#db.run(
      `INSERT OR REPLACE INTO grants(context_type, context_value, subject_type, subject_value, permission, description)
       VALUES (?, ?, ?, ?, ?, ?)`,
      context.type,
      context.value,
      subject.type,
      subject.value,
      permission,
      description,
    )
  }

  revokeGrants(context: ContextIdentifier, subject: SubjectIdentifier): void {
    this.#db.run(
      'DELETE FROM grants WHERE context_type = ? AND context_value = ? AND subject_type = ? AND subject_value = ?',
      context.type,
      context.value,
      subject.type,
      subject.value,
    )
  }
}
