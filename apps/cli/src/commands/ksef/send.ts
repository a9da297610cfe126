/**
 * `ksef-hub ksef send`: sends FA(3) files to KSeF (online session, or one batch with `--batch`) and prints one
 * line per file: its KSeF number, or its error class, code and message.
 *
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Fa3Error, parseInvoiceXml, readXmlInput } from '@ksef-hub/fa3'
import {
  type InvoiceOutcome,
  isKsefError,
  type KsefClient,
  type KsefError,
  KsefTransientError,
  type SentInvoice,
} from '@ksef-hub/ksef-client'
import { type Command, EXIT } from '../../command.ts'
import { type Io, println } from '../../io.ts'
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connect, errorLine } from './connection.ts'

/** Throws when the bytes are not well-formed XML at all; an invalid invoice is KSeF's to judge. */
function unreadableXml(bytes: Uint8Array): void {
  try {
    parseInvoiceXml(bytes, { schema: false })
  } catch (error) {
    if (error instanceof Fa3Error && error.code === 'FA3_UNREADABLE') throw error
  }
}

const BATCH_SIZE = 10_000

/** What became of one file. */
type FileResult =
  | { kind: 'accepted'; ksefNumber: string; sessionReferenceNumber: string; invoiceReferenceNumber: string }
  | { kind: 'failed'; error: Pick<KsefError, 'errorClass' | 'code' | 'message'> }

function asError(error: unknown): Pick<KsefError, 'errorClass' | 'code' | 'message'> {
  if (isKsefError(error)) return error
  return {
    errorClass: 'transient',
    code: 'CLIENT_ERROR',
    message: error instanceof Error ? error.message : String(error),
  }
}

function fromOutcome(outcome: InvoiceOutcome | undefined, sessionReferenceNumber: string): FileResult {
  if (!outcome)
    return {
      kind: 'failed',
      error: { errorClass: 'transient', code: 'NOT_REPORTED', message: 'KSeF did not report this file' },
    }
  switch (outcome.kind) {
    case 'accepted':
      return {
        kind: 'accepted',
        ksefNumber: outcome.ksefNumber,
        sessionReferenceNumber,
        invoiceReferenceNumber: outcome.status.referenceNumber,
      }
    case 'duplicate':
      return {
        kind: 'failed',
        error: {
          errorClass: 'duplicate',
          code: outcome.error.code,
          message: `duplicate of ${outcome.originalKsefNumber ?? 'an invoice already in KSeF'}${outcome.originalSessionReferenceNumber ? ` (session ${outcome.originalSessionReferenceNumber})` : ''}`,
        },
      }
    case 'failed':
      return { kind: 'failed', error: outcome.error }
    case 'pending':
      return {
        kind: 'failed',
        error: new KsefTransientError({
          code: 'STILL_PENDING',
          message: `still processing (${outcome.status.status.code}); check later with the reference ${outcome.status.referenceNumber}`,
        }),
      }
  }
}

async function sendOnline(
  client: KsefClient,
  files: readonly { bytes: Uint8Array }[],
  offline: boolean,
  waitMs: number,
): Promise<FileResult[]> {
  const sent: (SentInvoice | FileResult)[] = []
  for (const file of files) {
    try {
      sent.push(await client.sendInvoice(file.bytes, { offlineMode: offline }))
    } catch (error) {
      sent.push({ kind: 'failed', error: asError(error) })
    }
  }
  const results: FileResult[] = []
  for (const item of sent) {
    if ('kind' in item) {
      results.push(item)
      continue
    }
    try {
      results.push(fromOutcome(await client.waitForInvoice(item, { maxWaitMs: waitMs }), item.sessionReferenceNumber))
    } catch (error) {
      results.push({ kind: 'failed', error: asError(error) })
    }
  }
  await client.closeSessions().catch(() => undefined)
  return results
}

async function sendAsBatch(
  client: KsefClient,
  files: readonly { path: string; bytes: Uint8Array }[],
  offline: boolean,
  waitMs: number,
): Promise<FileResult[]> {
  // KSeF takes at most 10,000 invoices per batch session: more files make more batches.
  const results: FileResult[] = []
  for (let start = 0; start < files.length; start += BATCH_SIZE) {
    const chunk = files.slice(start, start + BATCH_SIZE)
    try {
      const submission = await client.sendBatch(
        chunk.map((file, index) => ({
          fileName: `${String(start + index + 1).padStart(5, '0')}-${basename(file.path)}`,
          bytes: file.bytes,
        })),
        { offlineMode: offline },
      )
      const outcomes = await client.batchResults(submission, { maxWaitMs: waitMs })
      for (const result of outcomes) {
        results.push(
          result.outcome || !result.error
            ? fromOutcome(result.outcome, submission.referenceNumber)
            : { kind: 'failed', error: result.error },
        )
      }
    } catch (error) {
      for (const _ of chunk) results.push({ kind: 'failed', error: asError(error) })
    }
  }
  return results
}

async function saveUpos(
  client: KsefClient,
  io: Io,
  upoDir: string,
  files: readonly string[],
  results: readonly FileResult[],
): Promise<void> {
  await mkdir(upoDir, { recursive: true })
  for (const [index, result] of results.entries()) {
    if (result.kind !== 'accepted') continue
    const file = files[index] ?? `invoice-${index}`
    try {
      const upo = await client.downloadInvoiceUpo(result.sessionReferenceNumber, {
        invoiceReferenceNumber: result.invoiceReferenceNumber,
      })
      await writeFile(join(upoDir, `${basename(file).replace(/\.xml$/i, '')}.upo.xml`), upo.bytes)
    } catch (error) {
      println(io.stderr, `${file}: UPO not saved: ${asError(error).message}`)
    }
  }
}

/** The command. */
export const sendCommand: Command = {
  summary: 'send FA(3) files to KSeF; one line per file: KSeF number or error',
  usage: [
    'ksef send (--base-url URL | --env test|demo|prod) --nip NIP [--token TOKEN] [--batch] [--offline]',
    '          [--upo-dir DIR] [--wait-ms N] FILE...',
    '',
    ...CONNECTION_USAGE,
    '  --batch            send all files in one batch session (ZIP) instead of an online session',
    '  --offline          the invoices were issued offline (offlineMode)',
    '  --upo-dir DIR      save each invoice UPO as DIR/<file>.upo.xml (exact bytes from KSeF)',
    '  --wait-ms N        how long to wait for KSeF to process (default 120000)',
    '',
    'Prints per file "FILE<TAB>KSEF_NUMBER" or "FILE<TAB>ERROR_CLASS<TAB>CODE<TAB>message", where ERROR_CLASS is',
    'transient (retry later), permanent (fix the invoice), duplicate (already in KSeF: the message names the',
    'original KSeF number), ambiguous (may have reached KSeF: check before resending), auth or configuration.',
    'Exit code: 0 every file got a KSeF number or was a duplicate, 1 some failed, 2 bad usage or unreadable file.',
  ].join('\n'),
  async run(args, io) {
    let parsed: ReturnType<typeof parse>
    const parse = () =>
      parseArgs({
        args,
        allowPositionals: true,
        options: {
          ...CONNECTION_OPTIONS,
          batch: { type: 'boolean' },
          offline: { type: 'boolean' },
          'upo-dir': { type: 'string' },
          'wait-ms': { type: 'string' },
        },
      })
    try {
      parsed = parse()
    } catch (error) {
      println(io.stderr, `ksef send: ${(error as Error).message}`)
      return EXIT.usage
    }
    const { values, positionals } = parsed
    if (positionals.length === 0) {
      println(io.stderr, 'ksef send: give at least one FILE')
      return EXIT.usage
    }
    const waitMs = values['wait-ms'] === undefined ? 120_000 : Number(values['wait-ms'])
    if (!(waitMs > 0)) {
      println(io.stderr, 'ksef send: --wait-ms must be a positive number')
      return EXIT.usage
    }
    const connection = connect(values, io.env)
    if (!connection.ok) {
      println(io.stderr, `ksef send: ${connection.error}`)
      return EXIT.usage
    }
    const files: { path: string; bytes: Uint8Array }[] = []
    let unreadable = false
    for (const path of positionals) {
      try {
        const bytes = new Uint8Array(await readFile(resolve(io.cwd, path)))
        readXmlInput(bytes)
        unreadableXml(bytes)
        files.push({ path, bytes })
      } catch (error) {
        unreadable = true
        const reason = error instanceof Fa3Error ? error.message : (error as Error).message
        println(io.stderr, `${path}: unreadable: ${reason}`)
      }
    }
    if (unreadable) return EXIT.usage
    const offline = values.offline ?? false
    const results = values.batch
      ? await sendAsBatch(connection.client, files, offline, waitMs)
      : await sendOnline(connection.client, files, offline, waitMs)
    for (const [index, result] of results.entries()) {
      const file = positionals[index] ?? ''
      println(io.stdout, result.kind === 'accepted' ? `${file}\t${result.ksefNumber}` : errorLine(file, result.error))
    }
    if (values['upo-dir'])
      await saveUpos(connection.client, io, resolve(io.cwd, values['upo-dir']), positionals, results)
    const ok = results.every((result) => result.kind === 'accepted' || result.error.errorClass === 'duplicate')
    return ok ? EXIT.ok : EXIT.failed
  },
}
