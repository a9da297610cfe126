/**
 * `ksef-hub ksef incoming`: lists purchase invoices (the NIP as buyer) from KSeF's metadata query, optionally
 * downloading each XML.
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type InvoiceDateType, isKsefError } from '@ksef-hub/ksef-client'
import { type Command, EXIT } from '../../command.ts'
import { println } from '../../io.ts'
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connect, errorLine } from './connection.ts'

const DATE_TYPES: readonly InvoiceDateType[] = ['PermanentStorage', 'Issue', 'Invoicing']

/** The command. */
export const incomingCommand: Command = {
  summary: 'list purchase invoices (the NIP as buyer), optionally downloading the XML',
  usage: [
    'ksef incoming (--base-url URL | --env test|demo|prod) --nip NIP [--token TOKEN] [--from ISO] [--to ISO]',
    '              [--date-type PermanentStorage|Issue|Invoicing] [--download-dir DIR] [--json]',
    '',
    ...CONNECTION_USAGE,
    '  --from ISO         start of the range (default: 7 days ago); at most 3 months before --to',
    '  --to ISO           end of the range (default: now)',
    '  --date-type T      which date the range filters (default PermanentStorage, the incremental-sync date)',
    '  --download-dir DIR save each invoice as DIR/<KSeF number>.xml',
    '  --json             one JSON object (InvoiceMetadata) per line instead of tab-separated columns',
    '',
    'Prints per invoice: KSEF_NUMBER<TAB>INVOICE_NUMBER<TAB>SELLER_NIP<TAB>ISSUE_DATE<TAB>GROSS<TAB>CURRENCY;',
    'then on stderr the permanent-storage high-water mark to use as the next --from.',
    'Exit code: 0 listed, 1 KSeF failed (the error line is printed), 2 bad usage.',
  ].join('\n'),
  async run(args, io) {
    let parsed: ReturnType<typeof parse>
    const parse = () =>
      parseArgs({
        args,
        options: {
          ...CONNECTION_OPTIONS,
          from: { type: 'string' },
          to: { type: 'string' },
          'date-type': { type: 'string' },
          'download-dir': { type: 'string' },
          json: { type: 'boolean' },
        },
      })
    try {
      parsed = parse()
    } catch (error) {
      println(io.stderr, `ksef incoming: ${(error as Error).message}`)
      return EXIT.usage
    }
    const { values } = parsed
    const dateType = (values['date-type'] ?? 'PermanentStorage') as InvoiceDateType
    if (!DATE_TYPES.includes(dateType)) {
      println(io.stderr, `ksef incoming: --date-type must be one of ${DATE_TYPES.join(', ')}`)
      return EXIT.usage
    }
    for (const name of ['from', 'to'] as const) {
      const value = values[name]
      if (value !== undefined && Number.isNaN(Date.parse(value))) {
        println(io.stderr, `ksef incoming: --${name} is not an ISO date: ${value}`)
        return EXIT.usage
      }
    }
    const connection = connect(values, io.env)
    if (!connection.ok) {
      println(io.stderr, `ksef incoming: ${connection.error}`)
      return EXIT.usage
    }
    const client = connection.client
    const from = values.from ?? new Date(Date.now() - 7 * 86_400_000).toISOString()
    try {
      const result = await client.queryInvoiceMetadata({
        subjectType: 'Subject2',
        dateRange: {
          dateType,
          from,
          ...(values.to ? { to: values.to } : {}),
          ...(dateType === 'PermanentStorage' ? { restrictToPermanentStorageHwmDate: true } : {}),
        },
      })
      const dir = values['download-dir'] ? resolve(io.cwd, values['download-dir']) : undefined
      if (dir) await mkdir(dir, { recursive: true })
      for (const invoice of result.invoices) {
        if (values.json) println(io.stdout, JSON.stringify(invoice))
        else
          println(
            io.stdout,
            [
              invoice.ksefNumber,
              invoice.invoiceNumber,
              invoice.seller.nip,
              invoice.issueDate,
              invoice.grossAmount,
              invoice.currency,
            ].join('\t'),
          )
        if (dir) {
          const downloaded = await client.downloadInvoice(invoice.ksefNumber)
          await writeFile(join(dir, `${invoice.ksefNumber}.xml`), downloaded.bytes)
        }
      }
      println(io.stderr, `${result.invoices.length} invoice(s); next --from: ${result.permanentStorageHwmDate ?? from}`)
      return EXIT.ok
    } catch (error) {
      if (!isKsefError(error)) throw error
      println(io.stdout, errorLine('incoming', error))
      return EXIT.failed
    }
  },
}
