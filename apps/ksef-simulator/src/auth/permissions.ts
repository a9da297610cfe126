/**
 * Which permissions a subject has in a context, as on TEST: the owner of a NIP (a certificate naming that NIP,
 * or a person linked to it by `/testdata/person`) has every owner permission; others have what
 * `/testdata/permissions` granted them; an enforcement authority (`/testdata/subject`) also has
 * `EnforcementOperations`.
 *
 * @module
 */
import type { Simulator } from '../context.ts'
import { AuthStore } from '../store/auth-store.ts'
import { TestDataStore } from '../store/testdata-store.ts'
import type { ContextIdentifier, SubjectIdentifier } from './jwt.ts'

/** What the owner of a context may do. */
export const OWNER_PERMISSIONS = [
  'InvoiceRead',
  'InvoiceWrite',
  'Introspection',
  'CredentialsRead',
  'CredentialsManage',
  'SubunitManage',
] as const

/**
 * The NIP a context belongs to (the NIP part of an internal id or a NIP-VAT UE pair).
 *
 * @example
 * ```ts
 * contextNip({ type: 'InternalId', value: '6824515772-12343' }) // '6824515772'
 * ```
 */
export function contextNip(context: ContextIdentifier): string | undefined {
  if (context.type === 'PeppolId') return undefined
  return context.value.slice(0, 10)
}

/** A person created by `/testdata/person`. */
export interface TestPerson {
  nip: string
  pesel: string
  isBailiff: boolean
  isDeceased?: boolean
  description: string
}

/**
 * The permissions of a subject in a context.
 *
 * @example
 * ```ts
 * permissionsInContext(sim, { type: 'Nip', value: nip }, { type: 'Nip', value: nip }) // owner permissions
 * ```
 */
export function permissionsInContext(sim: Simulator, context: ContextIdentifier, subject: SubjectIdentifier): string[] {
  const permissions = new Set(new AuthStore(sim.db).grantedPermissions(context, subject))
  const nip = contextNip(context)
  const testdata = new TestDataStore(sim.db)
  const owner =
    nip !== undefined &&
    ((subject.type === 'Nip' && subject.value === nip) ||
      (subject.type === 'Pesel' && testdata.get<TestPerson>('person', nip)?.pesel === subject.value))
  if (owner) for (const permission of OWNER_PERMISSIONS) permissions.add(permission)
  if (owner && nip && testdata.get<{ subjectType: string }>('subject', nip)?.subjectType === 'EnforcementAuthority') {
    permissions.add('EnforcementOperations')
  }
  return [...permissions].sort()
}

/**
 * Whether a context was blocked with `/testdata/context/block`.
 *
 * @example
 * ```ts
 * if (contextBlocked(sim, context)) status = AUTH_STATUS.blocked
 * ```
 */
export function contextBlocked(sim: Simulator, context: ContextIdentifier): boolean {
  return new TestDataStore(sim.db).get('blocked-context', `${context.type}:${context.value}`) !== undefined
}
