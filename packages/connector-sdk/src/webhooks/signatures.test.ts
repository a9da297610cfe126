import { describe, expect, it } from 'vitest'
import { hmacSha256, isFresh, safeEqual } from './signatures.ts'
import { isRawBodyHmac, webhookVectors } from './vectors.ts'

const vectors = webhookVectors()
const rawBodySigned = vectors.filter(isRawBodyHmac)

/** The body with one character changed, as a tampering proxy would. */
const altered = (body: string) => body.replace(/\d/, (digit) => String((Number(digit) + 1) % 10))

describe('HMAC-SHA256 over the raw body, on the shared signed samples', () => {
  it('covers the QuickBooks and Xero samples', () => {
    expect(new Set(rawBodySigned.map((vector) => vector.system))).toEqual(new Set(['quickbooks', 'xero']))
    expect(rawBodySigned.length).toBeGreaterThanOrEqual(5)
  })

  for (const [index, vector] of rawBodySigned.entries()) {
    describe(`${vector.system} #${index + 1}: ${vector.kind.slice(0, 60)}`, () => {
      const key = vector.key as string
      const signature = vector.signature as string

      it('verifies', () => {
        expect(safeEqual(hmacSha256(key, vector.body).toString('base64'), signature)).toBe(true)
        // The same bytes as a Uint8Array: what a receiver holds.
        expect(safeEqual(hmacSha256(key, new TextEncoder().encode(vector.body)).toString('base64'), signature)).toBe(
          true,
        )
      })

      it('does not verify an altered body, another key or another signature', () => {
        expect(altered(vector.body)).not.toBe(vector.body)
        expect(safeEqual(hmacSha256(key, altered(vector.body)).toString('base64'), signature)).toBe(false)
        expect(safeEqual(hmacSha256(`${key}x`, vector.body).toString('base64'), signature)).toBe(false)
        // Re-serialized JSON is not the raw body.
        const reserialized = JSON.stringify(JSON.parse(vector.body), null, 1)
        expect(safeEqual(hmacSha256(key, reserialized).toString('base64'), signature)).toBe(false)
        if (vector.badSignature) {
          expect(safeEqual(hmacSha256(key, vector.body).toString('base64'), vector.badSignature)).toBe(false)
        }
      })
    })
  }

  it('signs parts in order: HubSpot v3 (method + URL + body + timestamp)', () => {
    const hubspot = vectors.find((vector) => vector.system === 'hubspot')
    expect(hubspot).toBeDefined()
    const { key, method, url, body, timestamp, headers } = hubspot as Required<typeof hubspot & object>
    const expected = headers['X-HubSpot-Signature-v3'] as string
    expect(safeEqual(hmacSha256(key, method, url, body, timestamp).toString('base64'), expected)).toBe(true)
    expect(safeEqual(hmacSha256(key, `${method}${url}${body}${timestamp}`).toString('base64'), expected)).toBe(true)
    expect(safeEqual(hmacSha256(key, method, url, timestamp, body).toString('base64'), expected)).toBe(false)
  })
})

describe('safeEqual', () => {
  it('is true only for the same bytes', () => {
    expect(safeEqual('abc', 'abc')).toBe(true)
    expect(safeEqual('abc', new TextEncoder().encode('abc'))).toBe(true)
    expect(safeEqual('abc', 'abd')).toBe(false)
    expect(safeEqual('Abc', 'abc')).toBe(false)
  })

  it('is false, without throwing, for values of different lengths', () => {
    expect(safeEqual('abc', 'abcd')).toBe(false)
    expect(safeEqual('', 'a')).toBe(false)
    expect(safeEqual(new Uint8Array(32), new Uint8Array(33))).toBe(false)
    expect(safeEqual('', '')).toBe(true)
  })
})

describe('isFresh', () => {
  const now = new Date('2026-11-20T10:00:00Z')
  const at = (offsetMs: number) => now.getTime() + offsetMs

  it('takes a timestamp within the window on either side, the edge included', () => {
    expect(isFresh(at(0), now, 300_000)).toBe(true)
    expect(isFresh(at(-300_000), now, 300_000)).toBe(true)
    expect(isFresh(at(300_000), now, 300_000)).toBe(true)
  })

  it('refuses one outside the window, or no number at all', () => {
    expect(isFresh(at(-300_001), now, 300_000)).toBe(false)
    expect(isFresh(at(300_001), now, 300_000)).toBe(false)
    expect(isFresh(Number('not a time'), now, 300_000)).toBe(false)
    expect(isFresh(Number.POSITIVE_INFINITY, now, 300_000)).toBe(false)
  })

  it('judges the HubSpot sample against a frozen clock', () => {
    const hubspot = vectors.find((vector) => vector.system === 'hubspot')
    const timestamp = Number(hubspot?.timestamp)
    expect(isFresh(timestamp, new Date(timestamp + 299_000), 300_000)).toBe(true)
    expect(isFresh(timestamp, new Date(timestamp + 301_000), 300_000)).toBe(false)
  })
})
