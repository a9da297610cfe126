import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KsefPermanentError } from '../errors/ksef-error.ts'
import { parseUpo } from './upo-parser.ts'

const SAMPLES = new URL('../../../../../shared/ksef/samples/upo/', import.meta.url)
const sample = (name: string) => readFileSync(new URL(name, SAMPLES))

describe('lenient UPO parser on the official v4-3 samples', () => {
  it('reads every sample (they all fail the UPO XSD)', () => {
    const names = readdirSync(SAMPLES).filter((name) => name.endsWith('.xml'))
    expect(names.length).toBeGreaterThanOrEqual(7)
    for (const name of names) {
      const upo = parseUpo(sample(name))
      expect(upo.documents.length, name).toBeGreaterThan(0)
      for (const doc of upo.documents) {
        expect(doc.ksefNumber, name).toMatch(/^\d{10}-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$/)
        expect(doc.documentHash, name).toHaveLength(44)
      }
    }
  })

  it('reads an invoice UPO: KSeF number, dates and hash', () => {
    const upo = parseUpo(sample('upo-v4-3-sample-invoice-ctx-nip.xml'))
    expect(upo.namespace).toBe('http://upo.schematy.mf.gov.pl/KSeF/v4-3')
    expect(upo.receiverName).toBe('Ministerstwo Finansów - środowisko testowe (TE)')
    expect(upo.sessionReferenceNumber).toBe('36950822-93-9D5A28BFDA-47C899773E-5C')
    expect(upo.context).toEqual({ type: 'Nip', value: '5265877635' })
    expect(upo.formCode).toBe('FA (3)')
    expect(upo.page).toBeUndefined()
    expect(upo.documents).toEqual([
      {
        sellerNip: '5265877635',
        ksefNumber: '5265877635-20250916-0200A0D6723E-C2',
        invoiceNumber: 'FA/XVQUD-9997622510/04/2027',
        issueDate: '2025-09-16',
        receivedAt: '2025-09-16T11:05:40.841+02:00',
        ksefNumberAssignedAt: '2025-09-16T11:05:41.045+02:00',
        documentHash: 'GZMGNVzs3krF6URKgvaw77OOeG3nJ+WGziT5xguliQ8=',
        mode: 'Online',
      },
    ])
  })

  it('reads a session UPO page with its range', () => {
    const upo = parseUpo(sample('upo-v4-3-sample-session-ctx-nip.xml'))
    expect(upo.page).toEqual({ number: 1, of: 1, from: 1, to: 2, total: 2 })
    expect(upo.documents.map((doc) => doc.ksefNumber)).toEqual([
      '5265877635-20250916-010040741B3E-46',
      '5265877635-20250916-0200A0D6723E-C2',
    ])
  })

  it('joins a hash broken over lines and reads a composite context', () => {
    const upo = parseUpo(sample('upo-v4-3-sample-offline-pdfgen.xml'))
    expect(upo.context).toEqual({ type: 'IdZlozonyVatUE', value: '5265877635-ATU12345678' })
    expect(upo.documents[0]?.mode).toBe('Offline')
  })

  it('tolerates prefixes, a signature and unknown elements', () => {
    const xml = `<?xml version="1.0"?><upo:Potwierdzenie xmlns:upo="http://upo.schematy.mf.gov.pl/KSeF/v4-4" xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
      <upo:Nowy>x</upo:Nowy><upo:Dokument><upo:NumerKSeFDokumentu>5265877635-20250916-0200A0D6723E-C2</upo:NumerKSeFDokumentu></upo:Dokument>
      <ds:Signature><ds:SignatureValue>abc</ds:SignatureValue></ds:Signature></upo:Potwierdzenie>`
    const upo = parseUpo(xml)
    expect(upo.signed).toBe(true)
    expect(upo.documents).toEqual([{ ksefNumber: '5265877635-20250916-0200A0D6723E-C2' }])
  })

  it('refuses what is not a UPO', () => {
    expect(() => parseUpo('<html><body>502</body></html>')).toThrow(KsefPermanentError)
    expect(() => parseUpo('not xml <<<')).toThrow(KsefPermanentError)
  })
})
