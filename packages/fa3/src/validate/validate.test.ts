import { describe, expect, it } from 'vitest'
import { type Fa3Issue, formatIssue } from '../errors.ts'
import { officialSamples, sample } from '../testing/samples.ts'
import { typicalInvoice } from '../testing/typical.ts'
import { validateInvoice, validateInvoiceXml } from './validate.ts'

const NOW = new Date('2026-11-22T12:00:00Z')

function errors(issues: readonly Fa3Issue[]): Fa3Issue[] {
  return issues.filter((issue) => issue.severity === 'error')
}

describe('every official sample is accepted', () => {
  for (const { name, xml } of officialSamples()) {
    it(name, () => {
      const report = validateInvoiceXml(xml, { now: NOW })
      expect(errors(report.issues).map(formatIssue)).toEqual([])
      expect(report.valid).toBe(true)
      expect(report.invoice?.details.number).toBeTruthy()
    })
  }

  it('warns (without rejecting) about the fictitious KSeF numbers the MF samples refer to', () => {
    const report = validateInvoiceXml(sample('02-KOR').xml, { now: NOW })
    expect(report.valid).toBe(true)
    expect(report.issues).toEqual([
      expect.objectContaining({
        code: 'KSEF_NUMBER_INVALID',
        severity: 'warning',
        xmlPath: '/Faktura/Fa/DaneFaKorygowanej[1]/NrKSeFFaKorygowanej',
      }),
    ])
  })
})

/** A broken variant of a sample, the issue it must produce, and where. */
interface Case {
  name: string
  from: string
  change: (xml: string) => string
  code: string
  xmlPath?: string
  line?: number
  message: RegExp
}

const CASES: Case[] = [
  {
    name: 'an XSD violation names the line and the element',
    from: '01-VAT',
    change: (xml) => xml.replace('<P_11>40.65</P_11>', '<P_11>40.655</P_11>'),
    code: 'XSD',
    xmlPath: '/Faktura/Fa/FaWiersz[2]/P_11',
    line: 93,
    message: /'40\.655'.*fractional digits/,
  },
  {
    name: 'a missing mandatory element',
    from: '01-VAT',
    change: (xml) => xml.replace(/<P_2>.*<\/P_2>/, ''),
    code: 'XSD',
    line: 48,
    message: /Expected is .*P_2/,
  },
  {
    name: 'a seller NIP with a wrong checksum',
    from: '01-VAT',
    change: (xml) => xml.replace('<NIP>9999999999</NIP>', '<NIP>9999999998</NIP>'),
    code: 'NIP_CHECKSUM',
    xmlPath: '/Faktura/Podmiot1/DaneIdentyfikacyjne/NIP',
    message: /seller NIP 9999999998 fails the NIP checksum/,
  },
  {
    name: 'a line whose net value is not quantity × price',
    from: '01-VAT',
    change: (xml) => xml.replace(/<P_8B>1<\/P_8B>(\s*)<P_9A>40\.65/, '<P_8B>2</P_8B>$1<P_9A>40.65'),
    code: 'LINE_AMOUNT_MISMATCH',
    xmlPath: '/Faktura/Fa/FaWiersz[2]/P_11',
    message:
      /line 2 \(FaWiersz\[2\]\): net value P_11 40\.65 differs from quantity P_8B 2 × \(unit price P_9A 40\.65\) = 81\.30/,
  },
  {
    name: 'a per-rate net total that is not the sum of its lines',
    from: '01-VAT',
    change: (xml) => xml.replace('<P_13_1>1666.66</P_13_1>', '<P_13_1>1666.76</P_13_1>'),
    code: 'TOTAL_NET_MISMATCH',
    xmlPath: '/Faktura/Fa/P_13_1',
    message: /P_13_1 is 1666\.76, but the lines at this rate sum to 1666\.66/,
  },
  {
    name: 'a VAT total that is not the rate applied to its net total',
    from: '01-VAT',
    change: (xml) => xml.replace('<P_14_1>383.33</P_14_1>', '<P_14_1>383.53</P_14_1>'),
    code: 'TOTAL_VAT_MISMATCH',
    xmlPath: '/Faktura/Fa/P_14_1',
    message: /23% of P_13_1 1666\.66 is 383\.33/,
  },
  {
    name: 'a total due P_15 that is not the sum of the totals',
    from: '01-VAT',
    change: (xml) => xml.replace('<P_15>2051</P_15>', '<P_15>2151</P_15>'),
    code: 'TOTAL_DUE_MISMATCH',
    xmlPath: '/Faktura/Fa/P_15',
    message: /P_15 is 2151, but .* sum to 2050\.99/,
  },
  {
    name: 'an issue date after today (Warsaw)',
    from: '01-VAT',
    change: (xml) => xml.replace('<P_1>2026-02-15</P_1>', '<P_1>2026-11-23</P_1>'),
    code: 'ISSUE_DATE_IN_FUTURE',
    xmlPath: '/Faktura/Fa/P_1',
    message: /2026-11-23 is after today \(2026-11-22 in Warsaw\)/,
  },
  {
    name: 'a correction without the corrected invoice',
    from: '01-VAT',
    change: (xml) => xml.replace('<RodzajFaktury>VAT</RodzajFaktury>', '<RodzajFaktury>KOR</RodzajFaktury>'),
    code: 'CORRECTION_DATA_MISSING',
    message: /KOR invoice must identify the corrected invoice/,
  },
  {
    name: 'a foreign-currency invoice without its VAT in PLN',
    from: '01-VAT',
    change: (xml) => xml.replace('<KodWaluty>PLN</KodWaluty>', '<KodWaluty>EUR</KodWaluty>'),
    code: 'VAT_IN_PLN_MISSING',
    xmlPath: '/Faktura/Fa/P_14_1W',
    message: /in EUR, so the VAT of P_14_1 must also be given in PLN/,
  },
  {
    name: 'an exchange rate on a PLN invoice',
    from: '01-VAT',
    change: (xml) => xml.replace('<P_12>5</P_12>', '<P_12>5</P_12>\n\t\t\t<KursWaluty>4.25</KursWaluty>'),
    code: 'EXCHANGE_RATE_WITH_PLN',
    xmlPath: '/Faktura/Fa/FaWiersz[3]/KursWaluty',
    message: /KursWaluty of line 3 is given, but the invoice is in PLN/,
  },
  {
    name: 'an exempt supply without its legal basis',
    from: '09-VAT',
    change: (xml) => xml.replace(/<Zwolnienie>[\s\S]*?<\/Zwolnienie>/, '<Zwolnienie><P_19N>1</P_19N></Zwolnienie>'),
    code: 'EXEMPTION_BASIS_MISSING',
    xmlPath: '/Faktura/Fa/Adnotacje/Zwolnienie',
    message: /exempt supplies .* legal basis/,
  },
  {
    name: 'a settlement invoice that names no advance invoice',
    from: '14-ROZ',
    change: (xml) => xml.replace(/<FakturaZaliczkowa>[\s\S]*?<\/FakturaZaliczkowa>/, ''),
    code: 'ADVANCE_INVOICES_MISSING',
    xmlPath: '/Faktura/Fa/FakturaZaliczkowa',
    message: /ROZ invoice settles advances/,
  },
  {
    name: 'a simplified invoice over 450 PLN',
    from: '16-UPR',
    change: (xml) => xml.replace(/<P_15>450<\/P_15>/, '<P_15>450.01</P_15>'),
    code: 'SIMPLIFIED_OVER_LIMIT',
    xmlPath: '/Faktura/Fa/P_15',
    message: /may not exceed 450 PLN/,
  },
]

describe('broken variants are rejected with a message that names the line and field', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const original = sample(testCase.from).xml
      const changed = testCase.change(original)
      expect(changed).not.toBe(original)
      const report = validateInvoiceXml(changed, { now: NOW })
      expect(report.valid).toBe(false)
      const issue = errors(report.issues).find((candidate) => candidate.code === testCase.code)
      expect(issue, `${testCase.code} among ${report.issues.map(formatIssue).join('\n')}`).toBeDefined()
      expect(issue?.message).toMatch(testCase.message)
      if (testCase.xmlPath) expect(issue?.xmlPath).toBe(testCase.xmlPath)
      if (testCase.line) expect(issue?.line).toBe(testCase.line)
    })
  }
})

describe('validateInvoice (a JSON model)', () => {
  it('accepts a consistent typical invoice and returns the exact bytes it validated', () => {
    const report = validateInvoice(typicalInvoice({ lines: 20 }), { now: NOW })
    expect(report.issues).toEqual([])
    expect(report.valid).toBe(true)
    expect(new TextDecoder().decode(report.bytes)).toContain('<P_2>FV/2026/11/0001</P_2>')
  })

  it('names every wrong field of a bad model, in the model and in the XML', () => {
    const invoice = typicalInvoice()
    const broken = {
      ...invoice,
      seller: { ...invoice.seller, nip: '12345' },
      details: {
        ...invoice.details,
        lines: invoice.details.lines?.map((line, i) => (i === 4 ? { ...line, netAmount: 12.5 } : line)),
      },
    }
    const report = validateInvoice(broken as unknown as Parameters<typeof validateInvoice>[0], { now: NOW })
    expect(report.code).toBe('FA3_MODEL_INVALID')
    expect(report.issues).toEqual([
      expect.objectContaining({ path: 'seller.nip', xmlPath: '/Faktura/Podmiot1/DaneIdentyfikacyjne/NIP' }),
      expect.objectContaining({
        path: 'details.lines[4].netAmount',
        xmlPath: '/Faktura/Fa/FaWiersz[5]/P_11',
        message: expect.stringMatching(/decimal number written as a string/),
      }),
    ])
  })

  it('refuses a field the model does not know rather than dropping it', () => {
    const invoice = typicalInvoice()
    const report = validateInvoice({ ...invoice, buyer: { ...invoice.buyer, vatId: 'x' } } as never, { now: NOW })
    expect(report.issues[0]?.message).toBe('buyer has unknown field vatId')
  })

  it('enforces the legal consequences of annotations (split payment above 15,000 PLN with annex 15 goods)', () => {
    const invoice = typicalInvoice({ lines: 60 })
    const lines = invoice.details.lines?.map((line, i) => (i === 0 ? { ...line, annex15: true } : line))
    const report = validateInvoice({ ...invoice, details: { ...invoice.details, lines } }, { now: NOW })
    expect(Number(invoice.details.totals.totalDue)).toBeGreaterThan(15_000)
    expect(report.issues.map((issue) => issue.code)).toEqual(['SPLIT_PAYMENT_REQUIRED'])
  })
})
