import { describe, expect, it } from 'vitest'
import { sha256Base64, sha256Base64Url } from './hash.ts'
import { invoiceQrLink, invoiceQrLinkForHash, qrLabel } from './qr.ts'

describe('QR code I (KOD I)', () => {
  it('reproduces the worked example of the official documentation (kody-qr.md)', () => {
    // Example: NIP 1111111111, issue date 01-02-2026, hash UtQp9Gpc...; path /invoice/{nip}/{DD-MM-YYYY}/{hash}.
    expect(
      invoiceQrLinkForHash('test', '1111111111', '2026-02-01', 'UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE'),
    ).toBe('https://qr-test.ksef.mf.gov.pl/invoice/1111111111/01-02-2026/UtQp9Gpc51y-u3xApZjIjgkpZ01js-J8KflSPW8WzIE')
  })

  it('hashes the exact invoice bytes, Base64url without padding, and picks the host per environment', () => {
    const bytes = new TextEncoder().encode('abc')
    // SHA-256("abc") is the FIPS 180-2 test vector ba7816bf...ad; its Base64url is below.
    expect(sha256Base64Url(bytes)).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0')
    expect(sha256Base64(bytes)).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=')
    expect(invoiceQrLink('prod', '5265877635', '2026-11-30', bytes)).toBe(
      'https://qr.ksef.mf.gov.pl/invoice/5265877635/30-11-2026/ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0',
    )
    expect(invoiceQrLink('demo', '5265877635', '2026-11-30', bytes)).toMatch(/^https:\/\/qr-demo\.ksef\.mf\.gov\.pl\//)
  })

  it('accepts a KSeF invoiceHash in standard Base64 and refuses malformed input', () => {
    expect(
      invoiceQrLinkForHash('test', '5265877635', '2026-11-30', 'ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='),
    ).toMatch(/\/ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0$/)
    expect(() => invoiceQrLinkForHash('test', '5265877635', '30-11-2026', 'x')).toThrow(/YYYY-MM-DD/)
    expect(() => invoiceQrLinkForHash('test', '5265877635', '2026-11-30', 'short')).toThrow(/SHA-256/)
  })

  it('labels the code with the KSeF number, or OFFLINE before one is known', () => {
    expect(qrLabel('5265877635-20250916-0200A0D6723E-C2')).toBe('5265877635-20250916-0200A0D6723E-C2')
    expect(qrLabel(undefined)).toBe('OFFLINE')
  })
})
