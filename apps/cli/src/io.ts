/**
 * What a command may touch: its output streams, the working directory and the environment. Commands take it as
 * a parameter so tests run them in-process and read what they printed.
 *
 * @module
 */
import { Writable } from 'node:stream'

/** A command's world. */
export interface Io {
  readonly stdout: Writable
  readonly stderr: Writable
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  /**
   * Resolves when the process is asked to stop (SIGINT/SIGTERM). Long-running commands wait on it; calling it
   * is what takes over the signals, so short commands stay interruptible.
   */
  readonly untilStopped: () => Promise<void>
}

/**
 * The real process's io.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), processIo())
 * ```
 */
export function processIo(): Io {
  const untilStopped = () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    })
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, untilStopped }
}

/** An io whose output is collected in strings, for tests. */
export interface CapturedIo extends Io {
  readonly out: () => string
  readonly err: () => string
  readonly stop: () => void
}

/**
 * Captures a command's output.
 *
 * @example
 * ```ts
 * const io = captureIo()
 * const code = await runCli(['fa3', 'validate', file], io)
 * expect(io.out()).toContain('valid')
 * ```
 */
export function captureIo(options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CapturedIo {
  const sink = () => {
    const chunks: string[] = []
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        chunks.push(String(chunk))
        callback()
      },
    })
    return { stream, text: () => chunks.join('') }
  }
  const out = sink()
  const err = sink()
  let stop = () => {}
  const stopped = new Promise<void>((resolve) => {
    stop = resolve
  })
  return {
    stdout: out.stream,
    stderr: err.stream,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    untilStopped: () => stopped,
    out: out.text,
    err: err.text,
    stop,
  }
}

/**
 * Writes a line.
 *
 * @example
 * ```ts
 * println(io.stdout, 'done')
 * ```
 */
export function println(stream: Writable, line = ''): void {
  stream.write(`${line}\n`)
}
