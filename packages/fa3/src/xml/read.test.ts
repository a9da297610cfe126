import { describe, expect, it } from 'vitest'
import { Fa3Error } from '../errors.ts'
import { sample } from '../testing/samples.ts'
import { parseInvoiceXml } from './parse.ts'
import { readXmlInput } from './read.ts'

const VALID = sample('01-VAT').xml

function failure(input: Uint8Array | string): Fa3Error {
  try {
    parseInvoiceXml(input)
  } catch (error) {
    if (error instanceof Fa3Error) return error
    throw error
  }
  throw new Error('expected the input to be refused')
}

describe('bad XML input gets a clear error, never a crash', () => {
  it('refuses a UTF-8 byte order mark', () => {
    const error = failure(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(VALID)]))
    expect(error.code).toBe('FA3_UNREADABLE')
    expect(error.issues[0]?.code).toBe('XML_BOM')
    expect(error.message).toMatch(/byte order mark/)
    expect(failure(`\ufeff${VALID}`).issues[0]?.code).toBe('XML_BOM')
  })

  it('refuses UTF-16, bytes that are not UTF-8, and a declared non-UTF-8 encoding', () => {
    const utf16 = Buffer.from(`\ufeff${VALID}`, 'utf16le')
    expect(failure(utf16).issues[0]?.code).toBe('XML_ENCODING')
    const latin2 = Buffer.from(VALID.replace('ą', '\u00b1'), 'latin1') // "ą" as a single windows-1250 byte
    const notUtf8 = failure(latin2)
    expect(notUtf8.issues[0]?.code).toBe('XML_ENCODING')
    expect(notUtf8.message).toMatch(/not valid UTF-8: byte 0x[0-9a-f]{2} at offset \d+/)
    const declared = failure(VALID.replace('encoding="UTF-8"', 'encoding="windows-1250"'))
    expect(declared.issues[0]).toMatchObject({ code: 'XML_ENCODING', line: 1 })
    expect(declared.message).toMatch(/windows-1250/)
  })

  it('refuses a document over the size limit before parsing it', () => {
    const tenMegabytes = `${VALID.replace('</Faktura>', '')}<!--${'x'.repeat(10 * 2 ** 20)}--></Faktura>`
    const error = failure(tenMegabytes)
    expect(error.issues[0]?.code).toBe('XML_TOO_LARGE')
    expect(error.message).toMatch(/10,48\d,\d{3} bytes; the limit is 3,000,000/)
  })

  it('refuses an XML bomb (entity expansion) without expanding anything', () => {
    const entities = Array.from({ length: 10 }, (_, i) =>
      i === 0 ? '<!ENTITY lol0 "lol">' : `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`,
    ).join('')
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [${entities}]><Faktura>&lol9;</Faktura>`
    const started = performance.now()
    const error = failure(bomb)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(error.issues[0]).toMatchObject({ code: 'XML_DTD', line: 1 })
    const external = failure('<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "file:///etc/passwd"><Faktura/>')
    expect(external.issues[0]).toMatchObject({ code: 'XML_DTD', line: 2 })
  })

  it('refuses processing instructions but not the XML declaration or "<?" inside comments', () => {
    const withPi = VALID.replace('<Naglowek>', '<?xml-stylesheet href="x.xsl"?><Naglowek>')
    expect(failure(withPi).issues[0]).toMatchObject({ code: 'XML_PROCESSING_INSTRUCTION', line: 4 })
    expect(() => parseInvoiceXml(VALID.replace('<Naglowek>', '<!-- <?not a pi?> --><Naglowek>'))).not.toThrow()
  })

  it('refuses more attributes than FA(3) can use before parsing: 255,000 of them kept a parser busy for seconds', () => {
    const crowded = Array.from({ length: 255_000 }, (_, i) => `a${i}="1"`).join(' ')
    const oneElement = failure(VALID.replace('<Naglowek>', `<Naglowek ${crowded}>`))
    expect(oneElement.issues[0]).toMatchObject({ code: 'XML_TOO_MANY_ATTRIBUTES', line: 4 })
    expect(oneElement.message).toMatch(/an element has 255,000 attributes; .* the limit is 24/)
    // Spread over many elements, one each, they are bounded per document too.
    const spread = failure(VALID.replace('</Naglowek>', `${'<X a="1"/>'.repeat(10_001)}</Naglowek>`))
    expect(spread.issues[0]).toMatchObject({ code: 'XML_TOO_MANY_ATTRIBUTES', line: 9 })
    expect(spread.message).toMatch(/more than 10,000 attributes/)
    // A quoted value may hold ">": it is one attribute, and the tag goes on after it.
    const quoted = Array.from({ length: 25 }, (_, i) => `a${i}=">"`).join(' ')
    expect(failure(VALID.replace('<Naglowek>', `<Naglowek ${quoted}>`)).issues[0]?.code).toBe('XML_TOO_MANY_ATTRIBUTES')
    // Attribute-like text in comments, CDATA and content is not counted.
    const text = `<!-- ${'<X a="1" b="2"/>'.repeat(6_000)} -->`
    expect(() => readXmlInput(VALID.replace('<Naglowek>', `${text}<Naglowek>`))).not.toThrow()
  })

  it('refuses characters KSeF rejects, with their position', () => {
    const error = failure(VALID.replace('lodówka Zimnotech', 'lodówka\u0085\u0086Zimnotech'))
    expect(error.issues[0]?.code).toBe('XML_FORBIDDEN_CHARACTER')
    expect(error.message).toMatch(/U\+0086/)
    expect(error.issues[0]?.line).toBe(79)
  })

  it('reports malformed XML with the parser message, line and column', () => {
    const error = failure(VALID.replace('</P_2>', '</P_3>'))
    expect(error.code).toBe('FA3_UNREADABLE')
    expect(error.issues[0]).toMatchObject({ code: 'XML_MALFORMED', line: 47 })
    expect(error.issues[0]?.message).toMatch(/mismatch/i)
    expect(failure('').issues[0]?.code).toBe('XML_EMPTY')
    expect(failure('not xml at all').issues[0]?.code).toBe('XML_MALFORMED')
    expect(failure(new Uint8Array([0x3c, 0x61, 0x3e, 0x00, 0x3c])).issues[0]?.code).toBe('XML_FORBIDDEN_CHARACTER')
  })

  it('passes clean input through unchanged: the bytes are the ones to hash', () => {
    const bytes = new TextEncoder().encode(VALID)
    const read = readXmlInput(bytes)
    expect(read.bytes).toBe(bytes)
    expect(read.text).toBe(VALID)
  })
})
