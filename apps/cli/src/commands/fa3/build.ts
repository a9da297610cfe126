/**
 * `ksef-hub fa3 build <file.json>`: the canonical JSON model to FA(3) XML, checked before it is printed.
 *
 * @module
 */
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { serializeInvoice, validateInvoice } from '@ksef-hub/fa3'
import { type Command, EXIT } from '../../command.ts'
import { println } from '../../io.ts'
import { printIssues, readInput } from './report.ts'

/** The command. */
export const buildCommand: Command = {
  summary: 'build FA(3) XML from a JSON model (validated first)',
  usage: [
    'fa3 build [--compact] [--out FILE] <invoice.json>',
    '',
    'Validates the model, the XSD and the business rules; prints the XML (indented unless --compact)',
    'to standard output or FILE. Nothing is written when there is an error (exit 1); warnings go to',
    'standard error. Unreadable JSON exits with 2.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { compact: { type: 'boolean' }, out: { type: 'string' } },
      allowPositionals: true,
    })
    const [file, ...extra] = positionals
    if (!file || extra.length) {
      println(io.stderr, 'fa3 build: give exactly one JSON file')
      return EXIT.usage
    }
    const read = await readInput(io, file)
    if (!read.ok) return EXIT.usage
    let json: unknown
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(read.bytes))
    } catch (error) {
      println(io.stderr, `${file}: unreadable: not a UTF-8 JSON document (${(error as Error).message})`)
      return EXIT.usage
    }
    const report = validateInvoice(json as Parameters<typeof validateInvoice>[0])
    if (!report.valid || !report.invoice) {
      println(io.stderr, `${file}: invalid`)
      printIssues(io.stderr, report.issues)
      return EXIT.failed
    }
    if (report.issues.length) {
      println(io.stderr, `${file}: valid, with warnings`)
      printIssues(io.stderr, report.issues)
    }
    const xml = serializeInvoice(report.invoice, { pretty: !values.compact })
    if (values.out) await writeFile(resolve(io.cwd, values.out), xml)
    else io.stdout.write(xml.endsWith('\n') ? xml : `${xml}\n`)
    return EXIT.ok
  },
}
