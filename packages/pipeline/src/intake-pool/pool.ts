/**
 * Checking submitted documents off the event loop. Parsing and validating FA(3) XML is CPU work that grows with
 * the document (a 3 MB document takes a parser hundreds of milliseconds; attribute-heavy ones took seconds before
 * fa3 bounded them): on the gateway's only thread, one tenant's document held every other tenant's answers. The
 * pool runs that work on worker threads (piscina: a kept pool that replaces a thread that dies or is cut off). It
 * shares the threads between tenants by the thread time their documents took (`fair-queue.ts`), and no tenant may
 * hold every thread: with two or more, one is always left for the others. So a tenant sending costly documents
 * slows itself, not the others. A tenant with too many documents waiting is told to come back (`INTAKE_BUSY`); a
 * document whose check runs past a deadline has its thread ended and is refused.
 *
 * @module
 */
import { availableParallelism } from 'node:os'
import { Piscina } from 'piscina'
import { PipelineError, type PipelineErrorCode } from '../errors.ts'
import type { PreparedSubmission, PrepareInput } from '../invoices/prepare.ts'
import { FairQueue } from './fair-queue.ts'
import prepareTask, { type PrepareResult, type PrepareTask } from './worker.ts'

/** Options of {@link createIntakePool}. */
export interface IntakePoolOptions {
  /** Worker threads; 0 checks on the caller's thread (default {@link DEFAULT_INTAKE_THREADS}). */
  readonly threads?: number
  /** Most documents of one tenant waiting for a thread (default 16); more are refused with `INTAKE_BUSY`. */
  readonly maxWaitingPerTenant?: number
  /** Longest check of one document before its thread is ended (default 20 s). */
  readonly timeoutMs?: number
  /**
   * How much nicer than the event loop the threads run (default 10, Linux and macOS): when the cores are busy, the
   * operating system gives the event loop (every tenant's requests) and PostgreSQL the CPU first.
   */
  readonly niceIncrement?: number
  /** Memory of one thread's heap (default 512 MiB). */
  readonly maxHeapMb?: number
  /** The worker module (tests put one in that can be held). Default: `worker.ts`. */
  readonly filename?: string
  /** Data every thread gets as `workerData` (tests). */
  readonly workerData?: unknown
}

/** The pool. */
export interface IntakePool {
  /**
   * Checks a tenant's submission on a worker thread, in the tenant's turn. XML bytes that own their whole buffer
   * are moved to the thread, not copied (3 MB copies were a tenth of the event loop's work per large document):
   * the caller's array is empty afterwards; `xml` of the answer has the bytes.
   */
  prepare(tenantId: string, input: PrepareInput, now: Date): Promise<PreparedSubmission>
  /** Threads working now, and documents waiting (for metrics and tests). */
  readonly load: () => { running: number; waiting: number }
  /** Ends the threads. */
  close(): Promise<void>
}

interface Job {
  readonly tenantId: string
  readonly task: PrepareTask
  resolve(result: PrepareResult): void
  reject(error: unknown): void
}

/**
 * The cores less one (the event loop has one), at least 2 (so that one tenant's costly document never holds the
 * only thread) and at most 4. The threads are idle unless XML or fully validated submissions come in.
 */
export const DEFAULT_INTAKE_THREADS = Math.max(2, Math.min(4, availableParallelism() - 1))

/** The buffer of bytes that own it whole (one that is a view into a shared or pooled buffer is copied). */
function movable(invoice: unknown): ArrayBuffer[] {
  if (!(invoice instanceof Uint8Array) || !(invoice.buffer instanceof ArrayBuffer)) return []
  const whole = invoice.byteLength > 0 && invoice.byteOffset === 0 && invoice.byteLength === invoice.buffer.byteLength
  return whole ? [invoice.buffer] : []
}

function outcome(result: PrepareResult): PreparedSubmission {
  if (result.ok) return result.prepared
  throw new PipelineError(result.code as PipelineErrorCode, result.message, result.details as Record<string, unknown>)
}

/**
 * Starts the pool.
 *
 * @example
 * ```ts
 * const pool = createIntakePool({ threads: 1 })
 * const prepared = await pool.prepare('acme', { invoice: xmlBytes, format: 'xml', validation: 'structural' }, new Date())
 * await submitInvoice(context, { tenantId: 'acme', invoice: xmlBytes, format: 'xml' }, { prepared })
 * ```
 */
export function createIntakePool(options: IntakePoolOptions = {}): IntakePool {
  const threads = options.threads ?? DEFAULT_INTAKE_THREADS
  const maxWaiting = options.maxWaitingPerTenant ?? 16
  const timeoutMs = options.timeoutMs ?? 20_000
  if (threads === 0) {
    return {
      prepare: async (_, input, now) => outcome(prepareTask({ input, now: now.getTime() })),
      load: () => ({ running: 0, waiting: 0 }),
      close: async () => {},
    }
  }
  // Started with the first document, every thread at once (each compiles the XSD as it starts, see worker.ts):
  // a gateway that never gets XML never loads fa3 and libxml2 again, and a document never waits for a cold thread.
  let piscina: Piscina<PrepareTask, PrepareResult> | undefined
  const threadsOf = () =>
    (piscina ??= new Piscina<PrepareTask, PrepareResult>({
      filename: options.filename ?? new URL('./worker.ts', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 512 },
      niceIncrement: options.niceIncrement ?? 10,
      ...(options.workerData !== undefined ? { workerData: options.workerData } : {}),
    }))
  const queue = new FairQueue<Job>()
  // Threads one tenant may hold at once: all but one, when there is more than one.
  const perTenant = Math.max(1, threads - 1)
  const runningBy = new Map<string, number>()
  let running = 0
  const dispatch = () => {
    while (running < threads && queue.size > 0) {
      const next = queue.shift((tenantId) => (runningBy.get(tenantId) ?? 0) < perTenant)
      if (!next) return
      const job = next.item
      running++
      runningBy.set(job.tenantId, (runningBy.get(job.tenantId) ?? 0) + 1)
      const started = performance.now()
      threadsOf()
        .run(job.task, { signal: AbortSignal.timeout(timeoutMs), transferList: movable(job.task.input.invoice) })
        .then(job.resolve, (error: unknown) => {
          // The deadline ended the thread (piscina starts another): the document was too costly to check.
          if ((error as Error)?.name === 'AbortError' || (error as Error)?.name === 'TimeoutError') {
            job.reject(
              new PipelineError('INVOICE_INVALID', `checking the document took longer than ${timeoutMs} ms`, {
                field: 'body',
              }),
            )
          } else job.reject(error)
        })
        .finally(() => {
          running--
          const left = (runningBy.get(job.tenantId) ?? 1) - 1
          if (left > 0) runningBy.set(job.tenantId, left)
          else runningBy.delete(job.tenantId)
          queue.charge(job.tenantId, performance.now() - started)
          dispatch()
        })
    }
  }
  return {
    async prepare(tenantId, input, now) {
      if (queue.waiting(tenantId) >= maxWaiting) {
        throw new PipelineError(
          'INTAKE_BUSY',
          `${maxWaiting} documents of this tenant are already waiting to be checked; retry shortly`,
        )
      }
      const result = await new Promise<PrepareResult>((resolve, reject) => {
        queue.push(tenantId, { tenantId, task: { input, now: now.getTime() }, resolve, reject })
        dispatch()
      })
      return outcome(result)
    },
    load: () => ({ running, waiting: queue.size }),
    close: async () => {
      await piscina?.destroy()
    },
  }
}
