/**
 * `ksef-hub connector new NAME`: scaffolds `plugins/NAME`, a connector plugin that passes the conformance kit as
 * generated (static API key, pull, map, write-back, webhooks against a stateful fake on 127.0.0.1), for its author
 * to turn into a connector for a real system.
 *
 * @module
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type Command, EXIT } from '../../command.ts'
import { type Io, println } from '../../io.ts'

const USAGE = [
  'connector new NAME [--dir DIR] [--json]',
  '  NAME        the connector id: lower-case letters, digits and hyphens (e.g. acme-erp)',
  '  --dir DIR   where plugins live (default: plugins); the plugin goes to DIR/NAME',
].join('\n')

/** The SDK's rule for connector ids, minus a trailing or doubled hyphen (it also names an npm package). */
const NAME = /^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/
const MAX_NAME = 41

const TEMPLATE_DIR = fileURLToPath(new URL('./template/', import.meta.url))
const SUFFIX = '.template'

/**
 * The placeholders of the template files and what they become.
 *
 * @example
 * ```ts
 * substitutions('acme-erp') // { __NAME__: 'acme-erp', __DISPLAY_NAME__: 'Acme Erp' }
 * ```
 */
export function substitutions(name: string): Record<string, string> {
  const displayName = name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ')
  return { __NAME__: name, __DISPLAY_NAME__: displayName }
}

async function templateFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(SUFFIX))
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort()
}

function usageError(io: Io, message: string): number {
  println(io.stderr, `ksef-hub connector new: ${message}`)
  println(io.stderr, `Usage: ksef-hub ${USAGE}`)
  return EXIT.usage
}

/**
 * Writes the plugin: every template file, its placeholders filled, under `target` (which must not exist).
 *
 * @returns the files written, relative to `target`
 * @example
 * ```ts
 * await scaffold('/repo/plugins/acme-erp', 'acme-erp') // ['README.md', 'conformance.ts', ...]
 * ```
 */
export async function scaffold(target: string, name: string): Promise<string[]> {
  await mkdir(dirname(target), { recursive: true })
  // Not recursive: fails when the folder exists, even if it appeared since the caller looked.
  await mkdir(target)
  const values = substitutions(name)
  const written: string[] = []
  for (const file of await templateFiles(TEMPLATE_DIR)) {
    let text = await readFile(join(TEMPLATE_DIR, file), 'utf8')
    for (const [placeholder, value] of Object.entries(values)) text = text.replaceAll(placeholder, value)
    const out = file.slice(0, -SUFFIX.length)
    await mkdir(dirname(join(target, out)), { recursive: true })
    await writeFile(join(target, out), text, { flag: 'wx' })
    written.push(out)
  }
  return written
}

/** `connector new` */
export const newCommand: Command = {
  summary: 'scaffold a connector plugin (with a fake system) that passes the conformance kit',
  usage: USAGE,
  async run(args, io) {
    let parsed: { values: { dir?: string; json?: boolean }; positionals: string[] }
    try {
      parsed = parseArgs({
        args,
        options: { dir: { type: 'string' }, json: { type: 'boolean' } },
        allowPositionals: true,
      })
    } catch (error) {
      return usageError(io, (error as Error).message)
    }
    const [name, ...extra] = parsed.positionals
    if (!name) return usageError(io, 'give the connector name')
    if (extra.length > 0) return usageError(io, `one name only (got also ${extra.join(' ')})`)
    if (!NAME.test(name) || name.length > MAX_NAME) {
      return usageError(
        io,
        `"${name}" is not a connector name: 2-${MAX_NAME} lower-case letters, digits and single hyphens, starting with a letter (it becomes the connector id and the package @ksef-hub/connector-${name.toLowerCase()})`,
      )
    }
    const dir = parsed.values.dir ?? 'plugins'
    const target = resolve(io.cwd, dir, name)
    const shown = relative(io.cwd, target) || '.'
    let files: string[]
    try {
      files = await scaffold(target, name)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      println(io.stderr, `ksef-hub connector new: ${shown} already exists; choose another name or remove it first`)
      return EXIT.failed
    }
    if (parsed.values.json) {
      println(io.stdout, JSON.stringify({ name, directory: shown, package: `@ksef-hub/connector-${name}`, files }))
      return EXIT.ok
    }
    println(
      io.stdout,
      `Created ${shown}: connector "${name}", package @ksef-hub/connector-${name} (${files.length} files)`,
    )
    println(io.stdout)
    println(io.stdout, 'Next steps:')
    println(io.stdout, '  pnpm install')
    println(io.stdout, `  pnpm -s ksef-hub connector check ${shown}`)
    println(io.stdout, `  pnpm exec vitest run ${shown}`)
    println(io.stdout)
    println(
      io.stdout,
      `Then make ${shown}/fake a faithful copy of your system's API and the connector work against it:`,
    )
    println(io.stdout, `${shown}/README.md and docs/connectors.md say how.`)
    return EXIT.ok
  },
}
