/**
 * `ksef-hub simulator`: runs the KSeF simulator on 127.0.0.1 until SIGINT/SIGTERM. Prints exactly one line on
 * stdout, `KSeF simulator listening on http://127.0.0.1:PORT/v2`; diagnostics go to stderr.
 *
 * @module
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type SimulatorOptions, startSimulator } from '@ksef-hub/ksef-simulator'
import { type Command, EXIT } from '../command.ts'
import { println } from '../io.ts'

const USAGE =
  'simulator [--port N] [--data DIR] [--strict] [--rate-limits prd|relaxed] [--seed-token NIP:TOKEN]... ' +
  '[--processing-delay-ms N] [--nip-checksums]'

function parseOptions(args: string[], cwd: string): SimulatorOptions | string {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: false; strict: true }>>
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: false, strict: true })
  } catch (error) {
    return (error as Error).message
  }
  const values = parsed.values
  const options: SimulatorOptions = {}
  if (values.port !== undefined) {
    const port = Number(values.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) return `--port must be 0..65535, not "${values.port}"`
    options.port = port
  }
  if (values.data !== undefined) options.dataDir = resolve(cwd, values.data)
  if (values.strict) options.strict = true
  if (values['nip-checksums']) options.nipChecksums = true
  if (values['rate-limits'] !== undefined) {
    if (values['rate-limits'] !== 'prd' && values['rate-limits'] !== 'relaxed')
      return '--rate-limits must be prd or relaxed'
    options.rateLimits = values['rate-limits']
  }
  if (values['processing-delay-ms'] !== undefined) {
    const delay = Number(values['processing-delay-ms'])
    if (!Number.isInteger(delay) || delay < 0) return '--processing-delay-ms must be a whole number >= 0'
    options.processingDelayMs = delay
  }
  const seeds: { nip: string; token: string }[] = []
  for (const seed of values['seed-token'] ?? []) {
    const separator = seed.indexOf(':')
    const nip = seed.slice(0, separator)
    const token = seed.slice(separator + 1)
    if (separator !== 10 || !/^\d{10}$/.test(nip) || !token) return '--seed-token must be NIP:TOKEN (a 10-digit NIP)'
    seeds.push({ nip, token })
  }
  if (seeds.length) options.seedTokens = seeds
  return options
}

const OPTIONS = {
  port: { type: 'string' },
  data: { type: 'string' },
  strict: { type: 'boolean' },
  'rate-limits': { type: 'string' },
  'seed-token': { type: 'string', multiple: true },
  'processing-delay-ms': { type: 'string' },
  'nip-checksums': { type: 'boolean' },
} as const

/** The `simulator` command. */
export const simulatorCommand: Command = {
  summary: 'Run the KSeF API 2.0 simulator on localhost',
  usage: USAGE,
  run: async (args, io) => {
    const options = parseOptions(args, io.cwd)
    if (typeof options === 'string') {
      println(io.stderr, `ksef-hub simulator: ${options}`)
      println(io.stderr, `Usage: ksef-hub ${USAGE}`)
      return EXIT.usage
    }
    const sim = await startSimulator({
      ...options,
      log: (message) => println(io.stderr, `[ksef-simulator] ${message}`),
    })
    println(io.stdout, `KSeF simulator listening on ${sim.url}`)
    await io.untilStopped()
    await sim.close()
    return EXIT.ok
  },
}
