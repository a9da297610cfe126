import { describe, expect, it } from 'vitest'
import { officialSamples } from '../testing/samples.ts'
import { buildInvoiceXml } from './build.ts'
import { canonicalXml } from './canonical.ts'
import { parseInvoiceXml } from './parse.ts'

describe('parse -> build is lossless on every official sample', () => {
  const samples = officialSamples()

  it('finds the official samples', () => {
    expect(samples.length).toBeGreaterThanOrEqual(21)
  })

  for (const { name, xml } of samples) {
    it(`${name}: the rebuilt document equals the original after canonicalisation`, () => {
      const model = parseInvoiceXml(xml)
      const rebuilt = buildInvoiceXml(model)
      expect(canonicalXml(rebuilt)).toBe(canonicalXml(xml))
      expect(parseInvoiceXml(buildInvoiceXml(model, { pretty: true }))).toEqual(model)
    })
  }
})

describe('built XML', () => {
  const model = parseInvoiceXml(officialSamples()[1]?.xml as string)

  it('is UTF-8 without a BOM, declares UTF-8, has no processing instruction and one root in the FA(3) namespace', () => {
    const xml = buildInvoiceXml(model)
    const bytes = new TextEncoder().encode(xml)
    expect([...bytes.slice(0, 5)]).toEqual([...new TextEncoder().encode('<?xml')])
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?><Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/">',
      ),
    ).toBe(true)
    expect(xml.indexOf('<?', 5)).toBe(-1)
  })

  it('escapes markup characters in text so they survive', () => {
    const tricky = { ...model, seller: { ...model.seller, name: 'A&B <sp. z o.o.> "x" ]]> \'y\'' } }
    const xml = buildInvoiceXml(tricky)
    expect(xml).toContain('<Nazwa>A&amp;B &lt;sp. z o.o.&gt; "x" ]]&gt; \'y\'</Nazwa>')
    expect(parseInvoiceXml(xml).seller.name).toBe(tricky.seller.name)
  })

  it('keeps elements in XSD sequence order regardless of the order of keys in the model', () => {
    const reversed = Object.fromEntries(Object.entries(model.details).reverse()) as typeof model.details
    expect(buildInvoiceXml({ ...model, details: reversed })).toBe(buildInvoiceXml(model))
  })
})
