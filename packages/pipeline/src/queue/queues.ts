/**
 * The pipeline's queues: one per step of an invoice's life and per tenant chore, each with a dead-letter queue
 * that keeps what failed too often for an operator to inspect and replay.
 *
 * @module
 */
import type { Queue } from 'pg-boss'

/** Queue names. */
export const QUEUES = {
  /** Send an invoice to KSeF (batched per tenant by the worker). */
  submit: 'invoice.submit',
  /** Give each invoice of a large bulk intake its submit job (one job per committed group, fanned out later). */
  submitMany: 'invoice.submit-many',
  /** Find out what happened to an invoice whose send may or may not have reached KSeF. */
  reconcileInvoice: 'invoice.reconcile',
  /** Poll a KSeF session for the status of its invoices. */
  pollSession: 'session.poll',
  /** Download and store an invoice's UPO. */
  upo: 'invoice.upo',
  /** Hand KSeF number, acceptance date and UPO back to the source system. */
  writeBack: 'invoice.writeback',
  /** Compare the hub's records with KSeF's for a tenant. */
  reconcileTenant: 'tenant.reconcile',
  /** Pull a tenant's purchase invoices from KSeF. */
  incoming: 'tenant.incoming',
  /** Deliver an event to a tenant's webhook. */
  webhook: 'webhook.deliver',
  /** Close online sessions that are idle or about to expire. */
  closeSessions: 'sessions.close',
  /** Alert on invoices stuck past their expected time. */
  stuck: 'invoices.stuck',
  /** Pull a connection's changed documents (at most one waiting per connection). */
  connectionPull: 'connection.pull',
  /** Import an incoming invoice into a connection's system (a bill). */
  connectionImport: 'connection.import',
  /** Ask for the pulls whose time has come; forget old webhook deliveries. */
  connectionsSchedule: 'connections.schedule',
} as const

/** A queue name. */
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]

/** The dead-letter queue of a queue. */
export const deadLetterOf = (name: QueueName): string => `${name}.dead`

type QueueOptions = Omit<Queue, 'name'>

const common: QueueOptions = {
  retryLimit: 10,
  retryDelay: 10,
  retryBackoff: true,
  retryDelayMax: 600,
  expireInSeconds: 900,
  // A worker killed mid-job stops its heartbeat; the supervisor then retries the job within about a minute
  // instead of waiting out expireInSeconds. startBoss may change it per deployment.
  heartbeatSeconds: 30,
  retentionSeconds: 14 * 24 * 3600,
  deleteAfterSeconds: 7 * 24 * 3600,
}

/** Options per queue; every queue has its dead-letter queue. */
export const QUEUE_OPTIONS: Readonly<Record<QueueName, QueueOptions>> = {
  // Batches of thousands take minutes to build, encrypt and upload.
  [QUEUES.submit]: { ...common, expireInSeconds: 3600, retryLimit: 12 },
  // Only a database failure can fail a fan-out: retried for hours rather than parked (its invoices would wait).
  [QUEUES.submitMany]: { ...common, retryLimit: 100, retryDelayMax: 300, expireInSeconds: 300 },
  [QUEUES.reconcileInvoice]: { ...common, retryLimit: 30, retryDelay: 15 },
  // At most one poll waiting per session (the singleton key is the session reference).
  [QUEUES.pollSession]: { ...common, retryLimit: 50, retryDelayMax: 300, policy: 'short' },
  [QUEUES.upo]: { ...common, retryLimit: 20 },
  [QUEUES.writeBack]: { ...common, retryLimit: 15, retryDelayMax: 3600 },
  [QUEUES.reconcileTenant]: { ...common, retryLimit: 3, expireInSeconds: 3600, policy: 'short' },
  [QUEUES.incoming]: { ...common, retryLimit: 3, expireInSeconds: 3600, policy: 'short' },
  [QUEUES.webhook]: { ...common, retryLimit: 12, retryDelay: 5, retryDelayMax: 3600 },
  [QUEUES.closeSessions]: { ...common, retryLimit: 2 },
  [QUEUES.stuck]: { ...common, retryLimit: 2 },
  // A source that is down for minutes or hours: its pull is retried for about a day with backoff up to 10 minutes
  // (and the schedule asks again); at most one pull waits per connection (the singleton key is its id).
  [QUEUES.connectionPull]: { ...common, retryLimit: 150, retryDelay: 5, retryDelayMax: 600, policy: 'short' },
  [QUEUES.connectionImport]: { ...common, retryLimit: 15, retryDelayMax: 3600 },
  [QUEUES.connectionsSchedule]: { ...common, retryLimit: 2 },
}
