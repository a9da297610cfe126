/**
 * Every command of `ksef-hub`, by name. Each lives in its own module; add new ones here.
 *
 * @module
 */
import type { Command, CommandGroup } from '../command.ts'
import { connectorCommands } from './connector/index.ts'
import { fa3Commands } from './fa3/index.ts'
import { ksefCommands } from './ksef/index.ts'
import { simulatorCommand } from './simulator.ts'
import { startCommand } from './start/start.ts'
import { tenantCommands } from './tenant/index.ts'

/** The command table. */
export const commands: Readonly<Record<string, Command | CommandGroup>> = {
  connector: connectorCommands,
  fa3: fa3Commands,
  ksef: ksefCommands,
  simulator: simulatorCommand,
  start: startCommand,
  tenant: tenantCommands,
}
