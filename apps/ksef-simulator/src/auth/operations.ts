/**
 * Authentication operations: their statuses, the answer to `GET /auth/{referenceNumber}`, and starting one
 * (which hands out the authentication token).
 *
 * @module
 */
import type { Simulator } from '../context.ts'
import { newReferenceNumber } from '../core/reference-number.ts'
import { type AuthOperation, AuthStore } from '../store/auth-store.ts'
import { type ContextIdentifier, type SubjectIdentifier, signToken } from './jwt.ts'

/** Authentication statuses (`AuthenticationOperationStatusResponse.status`). */
export const AUTH_STATUS = {
  inProgress: { code: 100, description: 'Uwierzytelnianie w toku' },
  success: { code: 200, description: 'Uwierzytelnianie zakończone sukcesem' },
  noPermissions: {
    code: 415,
    description: 'Uwierzytelnianie zakończone niepowodzeniem',
    details: ['Brak przypisanych uprawnień'],
  },
  revoked: { code: 425, description: 'Uwierzytelnienie unieważnione' },
  badToken: (detail: string) => ({
    code: 450,
    description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu',
    details: [detail],
  }),
  badCertificate: (detail: string) => ({
    code: 460,
    description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędu certyfikatu',
    details: [detail],
  }),
  deceased: {
    code: 470,
    description: 'Uwierzytelnianie zakończone niepowodzeniem',
    details: ['Próba wykorzystania metod autoryzacyjnych osoby zmarłej'],
  },
  blocked: {
    code: 480,
    description: 'Uwierzytelnienie zablokowane',
    details: [
      'Podejrzenie incydentu bezpieczeństwa. Skontaktuj się z Ministerstwem Finansów przez formularz zgłoszeniowy.',
    ],
  },
} as const

const METHOD_INFO: Record<string, { category: string; code: string; displayName: string }> = {
  Token: { category: 'Token', code: 'token.ksef', displayName: 'Token KSeF' },
  QualifiedSeal: { category: 'XadesSignature', code: 'xades.qualified-seal', displayName: 'Pieczęć kwalifikowana' },
  QualifiedSignature: {
    category: 'XadesSignature',
    code: 'xades.qualified-signature',
    displayName: 'Podpis kwalifikowany',
  },
  PersonalSignature: { category: 'XadesSignature', code: 'xades.personal-signature', displayName: 'Podpis osobisty' },
}

/** Lifetime of the authentication token (as in the example token of the spec: 45 minutes). */
const AUTH_TOKEN_TTL_SECONDS = 2700

/**
 * The body of `GET /auth/{referenceNumber}` (and an item of `GET /auth/sessions`).
 *
 * @example
 * ```ts
 * return c.json(operationStatusBody(op))
 * ```
 */
export function operationStatusBody(op: AuthOperation): Record<string, unknown> {
  return {
    startDate: op.startDate,
    authenticationMethod: op.method,
    authenticationMethodInfo: METHOD_INFO[op.method] ?? METHOD_INFO.Token,
    status: op.status,
    ...(op.status.code === 200 ? { isTokenRedeemed: op.redeemed } : {}),
    ...(op.lastRefreshDate ? { lastTokenRefreshDate: op.lastRefreshDate } : {}),
    ...(op.refreshValidUntil ? { refreshTokenValidUntil: op.refreshValidUntil } : {}),
  }
}

/**
 * Records an authentication operation with its (already decided) outcome and returns the 202 body.
 *
 * @example
 * ```ts
 * return c.json(await startAuthOperation(sim, { method: 'Token', context, subject, status: AUTH_STATUS.success, permissions }), 202)
 * ```
 */
export async function startAuthOperation(
  sim: Simulator,
  params: {
    method: string
    context: ContextIdentifier
    subject: SubjectIdentifier | undefined
    status: AuthOperation['status']
    permissions: string[]
    ksefTokenReference?: string
    documentHash?: string
    allowedIps?: AuthOperation['allowedIps']
  },
): Promise<{ referenceNumber: string; authenticationToken: { token: string; validUntil: string } }> {
  const now = sim.clock.now()
  const referenceNumber = newReferenceNumber('AU', now)
  const authenticationToken = await signToken(
    sim.secret,
    { typ: 'auth', ref: referenceNumber },
    now,
    AUTH_TOKEN_TTL_SECONDS,
  )
  new AuthStore(sim.db).saveOperation({
    referenceNumber,
    startDate: now.toISOString(),
    method: params.method,
    context: params.context,
    subject: params.subject,
    ksefTokenReference: params.ksefTokenReference,
    documentHash: params.documentHash,
    status: params.status,
    permissions: params.permissions,
    allowedIps: params.allowedIps,
    authTokenValidUntil: authenticationToken.validUntil,
    redeemed: false,
    refreshValidUntil: undefined,
    lastRefreshDate: undefined,
    revoked: false,
  })
  return { referenceNumber, authenticationToken }
}
