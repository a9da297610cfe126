/**
 * `ksef-hub connector registry`: regenerates the registry of the plugins under plugins/ and the tenant-file
 * schema that follows from their settings and secrets (run after adding or changing a plugin).
 *
 * @module
 */
import { execFile } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseArgs, promisify } from 'node:util'
import { tenantFileJsonSchema } from '@ksef-hub/pipeline'
import { writeRegistry } from '@ksef-hub/worker'
import { type Command, EXIT } from '../../command.ts'
import { println } from '../../io.ts'
import { output, usageError } from '../tenant/hub.ts'
import { registryOf } from './hub.ts'

const run = promisify(execFile)
const USAGE = 'connector registry [--json]   (run at the root of the checkout)'

/** `connector registry` */
export const registryCommand: Command = {
  summary: 'regenerate the plugin registry and tenants/tenant.schema.json from plugins/',
  usage: USAGE,
  async run(args, io) {
    let json: boolean | undefined
    try {
      json = parseArgs({ args, options: { json: { type: 'boolean' } } }).values.json
    } catch (error) {
      return usageError(io, 'connector registry', (error as Error).message, USAGE)
    }
    const { plugins, installNeeded } = await writeRegistry(io.cwd)
    if (installNeeded) {
      println(io.stderr, "a plugin was added to the worker's dependencies: run `pnpm install`, then this command again")
      return EXIT.failed
    }
    // The schema from what actually loads: a plugin that does not load fails here, not at the hub's start.
    const registry = await registryOf(io)
    const schema = tenantFileJsonSchema([...registry.values()])
    const file = join(io.cwd, 'tenants', 'tenant.schema.json')
    await writeFile(file, `${JSON.stringify(schema, null, 2)}\n`)
    // In the house format, so `pnpm test`'s format check passes as written.
    await run(join(io.cwd, 'node_modules', '.bin', 'biome'), ['format', '--write', file]).catch(() =>
      println(io.stderr, 'biome was not found: run `pnpm format` before committing tenants/tenant.schema.json'),
    )
    output(
      io,
      json,
      plugins.map((plugin) => plugin.folder),
      [
        `registry: ${plugins.map((plugin) => plugin.folder).join(', ') || 'no plugins'}; tenants/tenant.schema.json written`,
      ],
    )
    return EXIT.ok
  },
}
