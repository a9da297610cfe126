/**
 * The CPU time of the PostgreSQL server on this machine, for benchmarks that report what an invoice costs the
 * database (Linux only: read from /proc).
 *
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs'

/** CPU ticks (user + system, 100 a second) of each process named `postgres`, by pid. */
function postgresTicks(): Map<string, number> {
  const ticks = new Map<string, number>()
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      continue // the process ended meanwhile
    }
    if (!stat.includes('(postgres)')) continue
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    ticks.set(pid, Number(fields[11]) + Number(fields[12]))
  }
  return ticks
}

/**
 * Starts measuring PostgreSQL's CPU time; the returned function gives the milliseconds spent since. Counted per
 * process, so backends that exit meanwhile (the last benchmark's connections) do not make it negative; the CPU of
 * a backend that both starts and exits within the window is missed.
 *
 * @example
 * ```ts
 * const spent = measurePostgresCpu()
 * await work()
 * console.log(`${spent()} ms of PostgreSQL CPU`)
 * ```
 */
export function measurePostgresCpu(): () => number {
  const before = postgresTicks()
  return () => {
    let ticks = 0
    for (const [pid, now] of postgresTicks()) ticks += now - (before.get(pid) ?? 0)
    return ticks * 10
  }
}
