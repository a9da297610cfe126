/**
 * How the fa3 commands read files and print findings.
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { type Fa3Issue, formatIssue } from '@ksef-hub/fa3'
import { EXIT } from '../../command.ts'
import { type Io, println } from '../../io.ts'

/**
 * Reads a file relative to the working directory, or explains why it cannot.
 *
 * @example
 * ```ts
 * const read = await readInput(io, 'invoice.xml')
 * if (!read.ok) return EXIT.usage
 * ```
 */
export async function readInput(io: Io, file: string): Promise<{ ok: true; bytes: Uint8Array } | { ok: false }> {
  try {
    return { ok: true, bytes: await readFile(resolve(io.cwd, file)) }
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    println(io.stderr, `${file}: cannot read: ${reason}`)
    return { ok: false }
  }
}

/**
 * Prints issues indented under a heading line.
 *
 * @example
 * ```ts
 * printIssues(io.stdout, report.issues)
 * ```
 */
export function printIssues(stream: NodeJS.WritableStream, issues: readonly Fa3Issue[]): void {
  for (const issue of issues) stream.write(`  ${issue.severity}: ${formatIssue(issue)}\n`)
}

/**
 * The exit code for an fa3 failure code: unreadable input is 2, anything else invalid is 1.
 *
 * @example
 * ```ts
 * exitFor('FA3_UNREADABLE') // 2
 * ```
 */
export function exitFor(code: string | undefined): number {
  if (code === undefined) return EXIT.ok
  return code === 'FA3_UNREADABLE' ? EXIT.usage : EXIT.failed
}
