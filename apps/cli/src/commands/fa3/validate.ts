/**
 * `ksef-hub fa3 validate <file...>`: XSD and business-rule validation of FA(3) files.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { validateInvoiceXml } from '@ksef-hub/fa3'
import { type Command, EXIT } from '../../command.ts'
import { println } from '../../io.ts'
import { exitFor, printIssues, readInput } from './report.ts'

/** The command. */
export const validateCommand: Command = {
  summary: 'validate FA(3) XML files (XSD + business rules)',
  usage: [
    'fa3 validate [--json] <file.xml>...',
    '',
    'Prints "FILE: valid" or "FILE: invalid" with each finding (line, element, reason, code).',
    'Exit code: 0 all valid (warnings allowed), 1 some invalid, 2 some unreadable (missing file, not',
    'UTF-8, BOM, DTD, not well-formed XML, over 3 MB).',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true })
    if (positionals.length === 0) {
      println(io.stderr, 'fa3 validate: give at least one file')
      return EXIT.usage
    }
    let exit: number = EXIT.ok
    for (const file of positionals) {
      const read = await readInput(io, file)
      if (!read.ok) {
        exit = EXIT.usage
        continue
      }
      const report = validateInvoiceXml(read.bytes)
      exit = Math.max(exit, exitFor(report.code))
      if (values.json) {
        println(io.stdout, JSON.stringify({ file, valid: report.valid, code: report.code, issues: report.issues }))
        continue
      }
      const verdict = report.valid ? 'valid' : report.code === 'FA3_UNREADABLE' ? 'unreadable' : 'invalid'
      println(io.stdout, `${file}: ${verdict}`)
      printIssues(io.stdout, report.issues)
    }
    return exit
  },
}
