/**
 * The `ksef` command group: talk to KSeF (or the simulator) from the command line.
 *
 * @module
 */
import type { CommandGroup } from '../../command.ts'
import { incomingCommand } from './incoming.ts'
import { sendCommand } from './send.ts'

/** `ksef-hub ksef ...` */
export const ksefCommands: CommandGroup = {
  summary: 'KSeF: send invoices, list purchase invoices',
  commands: { send: sendCommand, incoming: incomingCommand },
}
