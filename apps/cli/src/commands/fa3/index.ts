/**
 * The `fa3` command group.
 *
 * @module
 */
import type { CommandGroup } from '../../command.ts'
import { buildCommand } from './build.ts'
import { parseCommand } from './parse.ts'
import { validateCommand } from './validate.ts'

/** `ksef-hub fa3 ...` */
export const fa3Commands: CommandGroup = {
  summary: 'FA(3) invoices: validate, parse, build',
  commands: { validate: validateCommand, parse: parseCommand, build: buildCommand },
}
