/**
 * Mapping again the waiting documents of a connection (a credit note whose original had no KSeF number yet, a
 * document a person asked to retry): read again from the source when the connector can read one document (what
 * made it fail may have been fixed elsewhere in the source), otherwise as it was pulled. One document's failure
 * concerns only that document: it waits longer, and the others, and the pull after them, go on.
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
import { unkeepable } from './document-checks.ts'
import { type DocumentOutcome, hashOf, mapAndSubmit, record } from './documents.ts'

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
    let document: SourceDocument = {
      ref: row.ref,
      data: row.data,
      ...(row.source_updated_at ? { updatedAt: row.source_updated_at } : {}),
    }
    let json = JSON.stringify(row.data)
    let hash = row.data_hash
    let outcome: DocumentOutcome
    try {
      const read = connector.pull?.document
      const fresh = read ? await read(work, row.ref) : document
      if (fresh) {
        // Under the ref it is recorded by, whatever the connector answered.
        document = { ...fresh, ref: row.ref }
        json = JSON.stringify(fresh.data ?? null)
        hash = hashOf(json)
        const problem = unkeepable(document, json)
        // A document that cannot be kept is recorded without its data, as a pull records it.
        if (problem) json = 'null'
        outcome = problem ?? (await mapAndSubmit(context, connector, work, connection, document))
      } else {
        outcome = { state: 'skipped', reason: 'the source system no longer has this document' }
      }
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
    await record(context, connection, document, json, hash, outcome, row)
  }
  return due.length
}
