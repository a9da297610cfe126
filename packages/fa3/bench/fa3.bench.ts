/**
 * FA(3) engine throughput on one core, for a typical 20-line invoice:
 * - build + XSD validation (model -> XML bytes -> libxml2 parse -> compiled-XSD validation),
 * - the same with the business rules (what `validateInvoice` does for a JSON submission),
 * - parse (XML -> model, XSD included, as for an incoming invoice),
 * - the model check alone (`parseInvoiceModel`, the fast check compiled from the model, against zod's `safeParse`).
 *
 *   node packages/fa3/bench/fa3.bench.ts [seconds-per-case]
 */
import { cpus } from 'node:os'
import { create } from 'xmlbuilder2'
import {
  buildInvoiceBytes,
  fa3Validator,
  invoiceSchema,
  parseInvoiceModel,
  parseInvoiceXml,
  readXmlInput,
  validateInvoice,
} from '../src/index.ts'
import { typicalInvoice } from '../src/testing/index.ts'
import { xsdIssues } from '../src/validate/xsd.ts'
import { parseXmlDocument } from '../src/xml/document.ts'

const seconds = Number(process.argv[2] ?? 3)
const invoice = typicalInvoice({ lines: 20 })
const bytes = buildInvoiceBytes(invoice)
fa3Validator()

function measure(name: string, run: () => void): number {
  for (let i = 0; i < 200; i++) run() // warm-up: JIT and the compiled schema
  let count = 0
  const start = performance.now()
  const deadline = start + seconds * 1000
  while (performance.now() < deadline) {
    for (let i = 0; i < 20; i++) run()
    count += 20
  }
  const perSecond = count / ((performance.now() - start) / 1000)
  console.log(`${name.padEnd(44)} ${Math.round(perSecond).toLocaleString('en').padStart(8)} /s`)
  return perSecond
}

console.log(`fa3 benchmark: typical invoice, ${invoice.details.lines?.length} lines, ${bytes.length} bytes of XML`)
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'}, one core (single thread)`)
measure('build (model -> XML bytes)', () => buildInvoiceBytes(invoice))
// Reference: the same elements through xmlbuilder2's DOM builder (see src/xml/writer.ts for why fa3 does not use it).
const elements = [...new TextDecoder().decode(bytes).matchAll(/<([A-Za-z_0-9]+)[ >]([^<]*)/g)]
measure('reference: xmlbuilder2 DOM, same element count', () => {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('http://crd.gov.pl/wzor/2025/06/25/13775/', 'Faktura')
  for (const [, name, text] of elements)
    root
      .ele(name as string)
      .txt(text as string)
      .up()
  root.end()
})
measure('XSD validation of built bytes', () => {
  const doc = parseXmlDocument(readXmlInput(bytes))
  if (xsdIssues(doc).length) throw new Error('invalid')
  doc.dispose()
})
measure('build + XSD validation', () => {
  const doc = parseXmlDocument(readXmlInput(buildInvoiceBytes(invoice)))
  if (xsdIssues(doc).length) throw new Error('invalid')
  doc.dispose()
})
measure('validateInvoice (model + build + XSD + rules)', () => {
  if (!validateInvoice(invoice).valid) throw new Error('invalid')
})
measure('parse (XML -> model, with XSD)', () => parseInvoiceXml(bytes))
measure('parse (XML -> model, without XSD)', () => parseInvoiceXml(bytes, { schema: false }))
// The model as a JSON request brings it: a fresh object graph each time, as JSON.parse gives it.
const json = JSON.stringify(invoice)
const fresh = Array.from({ length: 512 }, () => JSON.parse(json) as unknown)
let next = 0
measure('model check: zod safeParse', () => {
  if (!invoiceSchema.safeParse(fresh[next++ % fresh.length]).success) throw new Error('invalid')
})
measure('model check: parseInvoiceModel (fast check)', () => {
  if (!parseInvoiceModel(fresh[next++ % fresh.length]).success) throw new Error('invalid')
})
const memory = process.memoryUsage()
console.log(
  `memory: rss ${Math.round(memory.rss / 2 ** 20)} MiB, heap used ${Math.round(memory.heapUsed / 2 ** 20)} MiB`,
)
