/**
 * KSeF reference numbers: `YYYYMMDD-TT-XXXXXXXXXX-XXXXXXXXXX-CC`, 36 characters. `TT` says what the number
 * names (CR challenge, AU authentication, SO/SB online/batch session, EE invoice in a session, EU session UPO
 * page, EH export, EC KSeF token). The last pair is a CRC-8 of the rest, like the KSeF number's.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { crc8 } from '@ksef-hub/fa3'
import { warsawDay } from './warsaw.ts'

/** What a reference number names. */
export type ReferenceKind = 'CR' | 'AU' | 'SO' | 'SB' | 'EE' | 'EU' | 'EH' | 'EC'

/**
 * A new, unique reference number.
 *
 * @example
 * ```ts
 * newReferenceNumber('SO', new Date()) // '20260201-SO-2C3E6C8000-B675CF5D68-07'
 * ```
 */
export function newReferenceNumber(kind: ReferenceKind, at: Date): string {
  const hex = randomBytes(10).toString('hex').toUpperCase()
  const head = `${warsawDay(at).replaceAll('-', '')}-${kind}-${hex.slice(0, 10)}-${hex.slice(10)}`
  return `${head}-${crc8(head).toString(16).toUpperCase().padStart(2, '0')}`
}

/** The shape every reference number has (the OpenAPI only fixes the length, 36). */
export const REFERENCE_NUMBER = /^\d{8}-[0-9A-Z]{2}-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/
