/**
 * The shape of a CLI command.
 *
 * @module
 */
import type { Io } from './io.ts'

/** A runnable command: gets its arguments (after its name) and returns the exit code. */
export interface Command {
  readonly summary: string
  /** Usage lines shown by `--help`, without the `ksef-hub` prefix. */
  readonly usage: string
  readonly run: (args: string[], io: Io) => Promise<number>
}

/** A group of subcommands, e.g. `fa3 validate|parse|build`. */
export interface CommandGroup {
  readonly summary: string
  readonly commands: Readonly<Record<string, Command>>
}

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** The input was read and found wrong (an invalid invoice, a failed send). */
  failed: 1,
  /** The input could not be read, or the command line is wrong. */
  usage: 2,
} as const
