/**
 * The `connector` command group: the connectors this hub runs, tenants' connections (enable, status, sync), the
 * plugin registry, and the plugin author's tools (new, check).
 *
 * @module
 */
import type { CommandGroup } from '../../command.ts'
import { checkCommand } from './check.ts'
import { enableCommand } from './enable.ts'
import { listCommand } from './list.ts'
import { newCommand } from './new.ts'
import { registryCommand } from './registry.ts'
import { statusCommand, syncCommand } from './status.ts'

/** `ksef-hub connector ...` */
export const connectorCommands: CommandGroup = {
  summary: 'Connectors: list, enable a connection, status, sync, registry; new and check for plugin authors',
  commands: {
    list: listCommand,
    enable: enableCommand(),
    status: statusCommand,
    sync: syncCommand,
    registry: registryCommand,
    new: newCommand,
    check: checkCommand,
  },
}
