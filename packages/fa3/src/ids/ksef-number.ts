/**
 * KSeF numbers: `NNNNNNNNNN-YYYYMMDD-XXXXXXXXXXXX-CC`, seller NIP, the day it was accepted, 12 hex digits, and a
 * CRC-8 (polynomial 0x07, init 0, no reflection, no final xor) over the first 32 characters.
 *
 * @module
 */

/**
 * CRC-8 (poly 0x07, init 0x00) of ASCII text.
 *
 * @example
 * ```ts
 * crc8('123456789') // 0xf4
 * ```
 */
export function crc8(text: string): number {
  let crc = 0
  for (let i = 0; i < text.length; i++) {
    crc ^= text.charCodeAt(i) & 0xff
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff
  }
  return crc
}

const KSEF_NUMBER = /^(\d{10})-(\d{4})(\d{2})(\d{2})-([0-9A-F]{12})-([0-9A-F]{2})$/

/** The parts of a KSeF number. */
export interface KsefNumberParts {
  readonly sellerNip: string
  /** The day KSeF accepted the invoice for processing, `YYYY-MM-DD`. */
  readonly date: string
  readonly technical: string
  readonly checksum: string
}

/**
 * Splits a 35-character KSeF number into its parts, or returns why it is not one.
 *
 * @example
 * ```ts
 * checkKsefNumber('5265877635-20250916-0200A0D6723E-C2') // { ok: true, parts: { sellerNip: '5265877635', ... } }
 * ```
 */
export function checkKsefNumber(value: string): { ok: true; parts: KsefNumberParts } | { ok: false; reason: string } {
  const match = KSEF_NUMBER.exec(value)
  if (!match) {
    return {
      ok: false,
      reason: 'is not in the form NNNNNNNNNN-YYYYMMDD-XXXXXXXXXXXX-CC (35 characters, hex in capitals)',
    }
  }
  const [, sellerNip, year, month, day, technical, checksum] = match as unknown as string[]
  const date = `${year}-${month}-${day}`
  const parsed = new Date(`${date}T00:00:00Z`)
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
    return { ok: false, reason: `has an impossible date ${date}` }
  }
  const expected = crc8(value.slice(0, 32)).toString(16).toUpperCase().padStart(2, '0')
  if (expected !== checksum) return { ok: false, reason: `has checksum ${checksum}, expected ${expected}` }
  return {
    ok: true,
    parts: { sellerNip: sellerNip as string, date, technical: technical as string, checksum: checksum as string },
  }
}

/**
 * Whether a value is a valid KSeF number (format and CRC-8).
 *
 * @example
 * ```ts
 * isValidKsefNumber('5265877635-20250916-0200A0D6723E-C2') // true
 * ```
 */
export function isValidKsefNumber(value: string): boolean {
  return checkKsefNumber(value).ok
}

/**
 * Composes a KSeF number with its checksum.
 *
 * @param date the acceptance day `YYYY-MM-DD` (a Warsaw calendar day)
 * @param technical 12 hex digits
 * @example
 * ```ts
 * formatKsefNumber('5265877635', '2025-09-16', '0200A0D6723E') // '5265877635-20250916-0200A0D6723E-C2'
 * ```
 */
export function formatKsefNumber(sellerNip: string, date: string, technical: string): string {
  if (!/^\d{10}$/.test(sellerNip)) throw new TypeError('sellerNip must be 10 digits')
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new TypeError('date must be YYYY-MM-DD')
  if (!/^[0-9A-Fa-f]{12}$/.test(technical)) throw new TypeError('technical must be 12 hex digits')
  const head = `${sellerNip}-${date.replaceAll('-', '')}-${technical.toUpperCase()}`
  return `${head}-${crc8(head).toString(16).toUpperCase().padStart(2, '0')}`
}
