/**
 * `ksef-hub connector list`: the connectors this hub runs (the plugins of this checkout and the packages named in
 * `KSEF_HUB_CONNECTORS`), with their capabilities.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { type Command, EXIT } from '../../command.ts'
import { output, usageError } from '../tenant/hub.ts'
import { registryOf } from './hub.ts'

const USAGE = 'connector list [--json]'

/** `connector list` */
export const listCommand: Command = {
  summary: 'list the connectors this hub runs, with their capabilities',
  usage: USAGE,
  async run(args, io) {
    let json: boolean | undefined
    try {
      json = parseArgs({ args, options: { json: { type: 'boolean' } } }).values.json
    } catch (error) {
      return usageError(io, 'connector list', (error as Error).message, USAGE)
    }
    const connectors = [...(await registryOf(io)).values()].map((connector) => ({
      id: connector.id,
      displayName: connector.displayName,
      version: connector.version,
      capabilities: [...connector.capabilities],
    }))
    output(
      io,
      json,
      connectors,
      connectors.map((c) => `${c.id}\t${c.version}\t${c.capabilities.join(',')}\t${c.displayName}`),
    )
    return EXIT.ok
  },
}
