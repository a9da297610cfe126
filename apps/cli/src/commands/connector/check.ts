/**
 * `ksef-hub connector check DIR`: runs the connector SDK's conformance kit on a plugin outside vitest. It imports
 * the harness the plugin exports from `DIR/conformance.ts`, runs every check, prints one line per check, and exits
 * 0 only when none failed.
 *
 * @module
 */
import { access } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { isConnector } from '@ksef-hub/connector-sdk'
import {
  CHECK_NAMES,
  type CheckName,
  type CheckResult,
  type ConformanceHarness,
  runConformance,
} from '@ksef-hub/connector-sdk/testing'
import { type Command, EXIT } from '../../command.ts'
import { type Io, println } from '../../io.ts'

const USAGE = [
  'connector check DIR [--only CHECK,...] [--timeout-ms N] [--json]',
  '  DIR              the plugin folder (its conformance.ts default-exports the harness)',
  '  --only           run only these checks (names as printed)',
  "  --timeout-ms N   the connector HTTP client's time per exchange during the checks (default 500)",
].join('\n')

function usageError(io: Io, message: string): number {
  println(io.stderr, `ksef-hub connector check: ${message}`)
  println(io.stderr, `Usage: ksef-hub ${USAGE}`)
  return EXIT.usage
}

function isHarness(value: unknown): value is ConformanceHarness {
  const candidate = value as Partial<ConformanceHarness> | undefined
  return isConnector(candidate?.connector) && typeof candidate?.start === 'function'
}

/**
 * One line per check: `✓ name`, `✗ name: detail`, `- name: not applicable (why)`.
 *
 * @example
 * ```ts
 * lineOf({ name: 'writeBack.once', status: 'failed', detail: 'left 2 effects' }) // '✗ writeBack.once: left 2 effects'
 * ```
 */
export function lineOf(result: CheckResult): string {
  if (result.status === 'passed') return `✓ ${result.name}`
  if (result.status === 'failed') return `✗ ${result.name}: ${result.detail}`
  return `- ${result.name}: not applicable (${result.detail})`
}

type Options = { only?: CheckName[]; timeoutMs?: number }

function optionsOf(values: { only?: string; 'timeout-ms'?: string }): Options | string {
  const options: Options = {}
  if (values.only !== undefined) {
    const names = values.only.split(',').map((name) => name.trim())
    const unknown = names.filter((name) => !(CHECK_NAMES as readonly string[]).includes(name))
    if (unknown.length > 0) return `unknown check ${unknown.join(', ')} (checks: ${CHECK_NAMES.join(', ')})`
    options.only = names as CheckName[]
  }
  if (values['timeout-ms'] !== undefined) {
    const ms = Number(values['timeout-ms'])
    if (!Number.isInteger(ms) || ms < 50 || ms > 60_000) return '--timeout-ms must be a whole number from 50 to 60000'
    options.timeoutMs = ms
  }
  return options
}

/** `connector check` */
export const checkCommand: Command = {
  summary: "run the connector SDK's conformance kit on a plugin and its fake",
  usage: USAGE,
  async run(args, io) {
    let parsed: { values: { only?: string; 'timeout-ms'?: string; json?: boolean }; positionals: string[] }
    try {
      parsed = parseArgs({
        args,
        options: { only: { type: 'string' }, 'timeout-ms': { type: 'string' }, json: { type: 'boolean' } },
        allowPositionals: true,
      })
    } catch (error) {
      return usageError(io, (error as Error).message)
    }
    const [dir, ...extra] = parsed.positionals
    if (!dir || extra.length > 0) return usageError(io, 'give one plugin folder (e.g. plugins/acme-erp)')
    const options = optionsOf(parsed.values)
    if (typeof options === 'string') return usageError(io, options)
    const file = join(resolve(io.cwd, dir), 'conformance.ts')
    const shown = relative(io.cwd, file)
    try {
      await access(file)
    } catch {
      return usageError(io, `${shown} not found: a plugin default-exports its harness from conformance.ts`)
    }
    let loaded: { default?: unknown }
    try {
      loaded = await import(pathToFileURL(file).href)
    } catch (error) {
      println(io.stderr, `ksef-hub connector check: ${shown} could not be loaded: ${(error as Error).message}`)
      println(io.stderr, 'Has `pnpm install` run since the plugin was created?')
      return EXIT.usage
    }
    if (!isHarness(loaded.default)) {
      return usageError(io, `${shown} must default-export { connector, start } (a ConformanceHarness)`)
    }
    const results = await runConformance(loaded.default, options)
    const failed = results.filter((result) => result.status === 'failed').length
    if (parsed.values.json) println(io.stdout, JSON.stringify(results))
    else for (const result of results) println(io.stdout, lineOf(result))
    const applicable = results.filter((result) => result.status !== 'not-applicable').length
    println(
      io.stderr,
      `${loaded.default.connector.id}: ${applicable - failed} of ${applicable} applicable checks passed` +
        (failed ? `, ${failed} failed` : ''),
    )
    return failed ? EXIT.failed : EXIT.ok
  },
}
