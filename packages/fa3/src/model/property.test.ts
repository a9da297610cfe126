import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatIssue } from '../errors.ts'
import { invoiceArbitrary } from '../testing/arbitrary.ts'
import { xsdIssues } from '../validate/xsd.ts'
import { buildInvoiceBytes } from '../xml/build.ts'
import { parseXmlDocument } from '../xml/document.ts'
import { parseInvoiceXml } from '../xml/parse.ts'
import { readXmlInput } from '../xml/read.ts'

// Thousands by default; FA3_PROPERTY_RUNS raises it for a deeper search (e.g. 20000 before a release).
const RUNS = Number(process.env.FA3_PROPERTY_RUNS ?? 2000)

describe('random valid models (every element, choice and repetition of FA(3) is reachable)', () => {
  it(`build into XML that passes the XSD and parses back to the same model (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(invoiceArbitrary(), (invoice) => {
        const bytes = buildInvoiceBytes(invoice)
        const doc = parseXmlDocument(readXmlInput(bytes))
        try {
          expect(xsdIssues(doc).map(formatIssue)).toEqual([])
        } finally {
          doc.dispose()
        }
        expect(parseInvoiceXml(bytes, { schema: false })).toEqual(invoice)
      }),
      { numRuns: RUNS },
    )
  }, 120_000)
})
