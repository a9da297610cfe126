/**
 * Dispatches `ksef-hub <command> [<subcommand>] [args]` to the command table and prints help.
 *
 * @module
 */
import { type Command, type CommandGroup, EXIT } from './command.ts'
import { commands } from './commands/index.ts'
import { type Io, println } from './io.ts'

function isGroup(entry: Command | CommandGroup): entry is CommandGroup {
  return 'commands' in entry
}

function help(io: Io): void {
  println(io.stdout, 'Usage: ksef-hub <command> [options]')
  println(io.stdout)
  for (const [name, entry] of Object.entries(commands)) {
    if (isGroup(entry)) {
      for (const [sub, command] of Object.entries(entry.commands)) {
        println(io.stdout, `  ${`${name} ${sub}`.padEnd(22)} ${command.summary}`)
      }
    } else {
      println(io.stdout, `  ${name.padEnd(22)} ${entry.summary}`)
    }
  }
  println(io.stdout)
  println(io.stdout, 'Run `ksef-hub <command> --help` for the options of a command.')
}

/**
 * Runs the CLI with arguments and returns the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(['fa3', 'validate', 'invoice.xml'], processIo())
 * ```
 */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    help(io)
    return name ? EXIT.ok : EXIT.usage
  }
  const entry = commands[name]
  if (!entry) {
    println(io.stderr, `ksef-hub: unknown command "${name}". Run \`ksef-hub --help\`.`)
    return EXIT.usage
  }
  let command: Command | undefined = isGroup(entry) ? undefined : entry
  let args = rest
  if (isGroup(entry)) {
    const [sub, ...subArgs] = rest
    command = sub ? entry.commands[sub] : undefined
    args = subArgs
    if (!command) {
      println(io.stderr, `ksef-hub ${name}: ${sub ? `unknown subcommand "${sub}"` : 'missing subcommand'}.`)
      for (const [subName, subCommand] of Object.entries(entry.commands)) {
        println(io.stderr, `  ksef-hub ${name} ${subName.padEnd(12)} ${subCommand.summary}`)
      }
      return EXIT.usage
    }
  }
  const chosen = command as Command
  if (args.includes('--help') || args.includes('-h')) {
    println(io.stdout, `Usage: ksef-hub ${chosen.usage}`)
    return EXIT.ok
  }
  return chosen.run(args, io)
}
