import { describe, expect, it } from 'vitest'
import { isValidNip } from '../ids/nip.ts'
import { buildInvoiceBytes } from '../xml/build.ts'
import { parseInvoiceXml } from '../xml/parse.ts'
import { randomNip } from './random-nip.ts'
import { typicalInvoice } from './typical.ts'

describe('randomNip', () => {
  it('draws valid NIPs the FA(3) schema accepts, never with 00 in the second and third digit', () => {
    const drawn = Array.from({ length: 2_000 }, randomNip)
    for (const nip of drawn) {
      expect(isValidNip(nip), nip).toBe(true)
      expect(nip.slice(1, 3), nip).not.toBe('00')
    }
    expect(new Set(drawn).size).toBeGreaterThan(1_990)
    // The schema itself agrees, for a sample of them as seller.
    for (const nip of drawn.slice(0, 20)) {
      expect(() => parseInvoiceXml(buildInvoiceBytes(typicalInvoice({ sellerNip: nip, lines: 1 })))).not.toThrow()
    }
  })
})
