/**
 * `ksef-hub fa3 parse <file>`: FA(3) XML to the canonical JSON model.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { Fa3Error, parseInvoiceXml } from '@ksef-hub/fa3'
import { type Command, EXIT } from '../../command.ts'
import { println } from '../../io.ts'
import { exitFor, printIssues, readInput } from './report.ts'

/** The command. */
export const parseCommand: Command = {
  summary: 'print the canonical JSON model of an FA(3) XML file',
  usage: 'fa3 parse [--no-schema] <file.xml>\n\n--no-schema  skip the XSD check (the structure is still checked)',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { 'no-schema': { type: 'boolean' } },
      allowPositionals: true,
    })
    const [file, ...extra] = positionals
    if (!file || extra.length) {
      println(io.stderr, 'fa3 parse: give exactly one file')
      return EXIT.usage
    }
    const read = await readInput(io, file)
    if (!read.ok) return EXIT.usage
    try {
      const invoice = parseInvoiceXml(read.bytes, { schema: !values['no-schema'] })
      println(io.stdout, JSON.stringify(invoice, null, 2))
      return EXIT.ok
    } catch (error) {
      if (!(error instanceof Fa3Error)) throw error
      println(io.stderr, `${file}: ${error.code === 'FA3_UNREADABLE' ? 'unreadable' : 'invalid'}`)
      printIssues(io.stderr, error.issues)
      return exitFor(error.code)
    }
  },
}
