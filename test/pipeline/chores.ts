/**
 * Running the worker's scheduled chores on demand in tests (the hub starts without cron schedules).
 *
 * @module
 */
import type { QueueName } from '@ksef-hub/pipeline'
import type { Hub } from './hub.ts'

/**
 * Sends one run of a chore and waits until the worker completed it.
 *
 * @example
 * ```ts
 * await runChore(hub, QUEUES.stuck)
 * ```
 */
export async function runChore(hub: Hub, queue: QueueName, data: object = {}): Promise<void> {
  const jobId = await hub.context.boss.send(queue, data)
  if (!jobId) throw new Error(`no ${queue} job was created`)
  const deadline = Date.now() + 30_000
  for (;;) {
    const job = await hub.context.boss.getJobById(queue, jobId)
    if (job?.state === 'completed') return
    if (job?.state === 'failed' || Date.now() > deadline) {
      throw new Error(`${queue} job ${jobId} is ${job?.state}: ${JSON.stringify(job?.output)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
