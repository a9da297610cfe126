/**
 * Mapping again the waiting documents of a connection (a credit note whose original had no KSeF number yet), from
 * the document as it was pulled. One document's failure concerns only that document: it waits longer, and the
 * others, and the pull after them, go on.
 *
 * @module
 */
import {
  type AnyConnector,
  type ConnectorContext,
  isConnectorError,
  type SourceDocument,
} from '@ksef-hub/connector-sdk'
import type { PipelineContext } from '../context.ts'
import type { ConnectionRecord } from './connections.ts'
import { type DocumentOutcome, mapAndSubmit, record } from './documents.ts'

/** How long a waiting document whose mapping failed waits before the next try (then doubling, up to an hour). */
const REMAP_FAILURE_WAIT_MS = 60_000

/**
 * Maps again the waiting documents of a connection whose time has come (from the document as it was pulled).
 *
 * @returns how many were mapped again
 * @example
 * ```ts
 * await remapWaiting(context, connector, work, connection, 100)
 * ```
 */
export async function remapWaiting(
  context: PipelineContext,
  connector: AnyConnector,
  work: ConnectorContext<unknown, unknown>,
  connection: ConnectionRecord,
  limit: number,
): Promise<number> {
  const due = await context.db
    .selectFrom('source_documents')
    .select(['ref', 'data', 'source_updated_at', 'data_hash', 'state', 'code', 'attempts'])
    .where('connection_id', '=', connection.id)
    .where('state', '=', 'waiting')
    .where('retry_at', '<=', context.now())
    .orderBy('retry_at')
    .limit(limit)
    .execute()
  for (const row of due) {
    const document: SourceDocument = {
      ref: row.ref,
      data: row.data,
      ...(row.source_updated_at ? { updatedAt: row.source_updated_at } : {}),
    }
    let outcome: DocumentOutcome
    try {
      outcome = await mapAndSubmit(context, connector, work, connection, document)
    } catch (error) {
      // The source's limits or grant concern the whole connection: the pull handles them.
      if (isConnectorError(error) && (error.kind === 'rate_limit' || error.kind === 'auth')) throw error
      // Anything else concerns this document: it waits longer, and the others (and the pull after) go on.
      outcome = {
        state: 'waiting',
        reason: `could not be mapped again: ${(error as Error).message}`,
        retryAt: new Date(context.now().getTime() + REMAP_FAILURE_WAIT_MS),
      }
    }
    await record(context, connection, document, JSON.stringify(row.data), row.data_hash, outcome, row)
  }
  return due.length
}
