/**
 * What becomes of each document a pull finds: mapped by its connector and taken in as an invoice (the same intake
 * as the API: validated in full, stored once per source document), or kept with the reason it cannot be one
 * (unmappable, invalid, refused, skipped), or kept waiting to be mapped again. Each outcome is recorded on the
 * document, so a person sees what to fix, and an unchanged document pulled again is not mapped again.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import {
  type AnyConnector,
  type ConnectorContext,
  isMappingError,
  isNotReadyError,
  type SourceDocument,
} from '@ksef-hub/connector-sdk'
import type { Fa3Issue } from '@ksef-hub/fa3'
import { appendAudit } from '../audit/audit.ts'
import type { PipelineContext } from '../context.ts'
import type { SourceDocumentState } from '../db/connections-schema.ts'
import { isPipelineError } from '../errors.ts'
import { emitEvents } from '../events/events.ts'
import { submitInvoice } from '../invoices/intake.ts'
import type { ConnectionRecord } from './connections.ts'
import { storableJson, storableText, unkeepable } from './document-checks.ts'

export { MAX_DOCUMENT_BYTES } from './document-checks.ts'

/** What happened to one document. */
export interface DocumentOutcome {
  readonly state: SourceDocumentState
  readonly invoiceId?: string
  readonly code?: string
  readonly field?: string
  readonly reason?: string
  readonly fix?: string
  readonly issues?: readonly unknown[]
  readonly retryAt?: Date
}

/** The digest by which a document pulled again is known to be unchanged. */
export const hashOf = (json: string): string => createHash('sha256').update(json).digest('base64url')

/** States that end a document's journey until the source changes it. */
const SETTLED = new Set<SourceDocumentState>(['submitted', 'skipped', 'unmappable', 'invalid', 'refused'])

/** Maps a document and takes its invoice in; what happened, for {@link record}. */
export async function mapAndSubmit(
  context: PipelineContext,
  connector: AnyConnector,
  work: ConnectorContext<unknown, unknown>,
  connection: ConnectionRecord,
  document: SourceDocument,
): Promise<DocumentOutcome> {
  let mapped: Awaited<ReturnType<NonNullable<AnyConnector['map']>>>
  try {
    mapped = await (connector.map as NonNullable<AnyConnector['map']>)(work, document)
  } catch (error) {
    if (isMappingError(error)) {
      return {
        state: 'unmappable',
        code: error.code,
        field: error.field,
        reason: error.message,
        ...(error.fix ? { fix: error.fix } : {}),
        ...(error.issues.length ? { issues: error.issues } : {}),
      }
    }
    if (isNotReadyError(error)) {
      return {
        state: 'waiting',
        reason: error.message,
        retryAt: new Date(context.now().getTime() + (error.retryAfterMs ?? 30_000)),
      }
    }
    // Any other failure (the source is down, a 429) stops the page: it is read again, nothing is skipped.
    throw error
  }
  if ('skip' in mapped) return { state: 'skipped', reason: mapped.skip }
  try {
    const outcome = await submitInvoice(context, {
      tenantId: connection.tenantId,
      invoice: mapped.invoice,
      source: connection.name,
      sourceRef: document.ref,
      validation: 'full',
      actor: `connection:${connection.name}`,
    })
    return { state: 'submitted', invoiceId: outcome.id }
  } catch (error) {
    if (isPipelineError(error, 'INVOICE_INVALID')) {
      const issues = (error.details.issues ?? []) as Fa3Issue[]
      const first = issues.find((issue) => issue.severity === 'error')
      // Refused before the model's checks (the document's ref as a sourceRef): the error names the field itself.
      const field = first?.path ?? (typeof error.details.field === 'string' ? error.details.field : undefined)
      return {
        state: 'invalid',
        code: 'INVOICE_INVALID',
        ...(field ? { field } : {}),
        reason: error.message,
        fix: 'correct the document in the source system; the hub maps it again when it changes',
        issues,
      }
    }
    if (
      isPipelineError(error) &&
      ['DUPLICATE_INVOICE_NUMBER', 'WRONG_SELLER', 'IDEMPOTENCY_CONFLICT'].includes(error.code)
    ) {
      const invoiceId = typeof error.details.invoiceId === 'string' ? error.details.invoiceId : undefined
      return {
        state: 'refused',
        code: error.code,
        reason: error.message,
        ...(invoiceId && error.code === 'IDEMPOTENCY_CONFLICT' ? { invoiceId } : {}),
      }
    }
    throw error
  }
}

/** What was recorded of a document before. */
export interface Previous {
  readonly state: SourceDocumentState
  readonly code: string | null
  readonly attempts: number
}

/** The longest wait between two mappings of a waiting document. */
const MAX_WAIT_MS = 3600_000

/** Records what happened to a document (and tells the tenant of a new problem). */
export async function record(
  context: PipelineContext,
  connection: ConnectionRecord,
  document: SourceDocument,
  json: string,
  hash: string,
  given: DocumentOutcome,
  previous: Previous | undefined,
): Promise<void> {
  // A connector's message may quote the source (a zero byte in a customer's name): stored as text it can keep.
  const outcome: DocumentOutcome = {
    ...given,
    ...(given.code ? { code: storableText(given.code) } : {}),
    ...(given.field ? { field: storableText(given.field) } : {}),
    ...(given.reason ? { reason: storableText(given.reason) } : {}),
    ...(given.fix ? { fix: storableText(given.fix) } : {}),
  }
  const keep = outcome.state === 'submitted' ? null : json
  const attempts = outcome.state === 'waiting' ? (previous?.state === 'waiting' ? previous.attempts + 1 : 1) : 0
  // A wait that keeps failing backs off (an original stuck for hours is looked at hourly, not every 30 s).
  const retryAt = outcome.retryAt
    ? new Date(
        context.now().getTime() +
          Math.min(MAX_WAIT_MS, (outcome.retryAt.getTime() - context.now().getTime()) * 2 ** (attempts - 1)),
      )
    : null
  const values = {
    state: outcome.state,
    invoice_id: outcome.invoiceId ?? null,
    data: keep,
    data_hash: hash,
    source_updated_at: document.updatedAt ?? null,
    code: outcome.code ?? null,
    field: outcome.field ?? null,
    reason: outcome.reason?.slice(0, 2000) ?? null,
    fix: outcome.fix?.slice(0, 2000) ?? null,
    issues: outcome.issues ? storableJson(outcome.issues) : null,
    retry_at: retryAt,
    attempts,
    updated_at: new Date(),
  }
  await context.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('source_documents')
      .values({ connection_id: connection.id, ref: document.ref, tenant_id: connection.tenantId, ...values })
      .onConflict((conflict) =>
        conflict.columns(['connection_id', 'ref']).doUpdateSet((update) => ({
          ...values,
          // An invoice once made of the document stays linked whatever its later versions become.
          invoice_id: outcome.invoiceId ?? update.ref('source_documents.invoice_id'),
        })),
      )
      .execute()
    if (outcome.state !== 'unmappable' && outcome.state !== 'invalid') return
    // Told once per distinct problem: a document pulled again with the same problem is not news.
    await appendAudit(trx, {
      tenantId: connection.tenantId,
      kind: `document.${outcome.state}`,
      actor: `connection:${connection.name}`,
      details: { connection: connection.name, ref: document.ref, code: outcome.code, field: outcome.field },
    })
    if (previous?.state !== outcome.state || previous.code !== (outcome.code ?? null)) {
      await emitEvents(trx, context.boss, [
        {
          tenantId: connection.tenantId,
          type: 'document.unmappable',
          data: {
            connection: connection.name,
            ref: document.ref,
            code: outcome.code,
            field: outcome.field,
            reason: outcome.reason,
            fix: outcome.fix,
          },
        },
      ])
    }
  })
}

/**
 * Takes in the documents of one pull page, one by one; a document unchanged since it settled is passed over.
 *
 * @throws whatever the connector throws other than a mapping error or a wait: the page is then read again
 * @example
 * ```ts
 * const counts = await takeDocuments(context, connector, work, connection, page.documents)
 * ```
 */
export async function takeDocuments(
  context: PipelineContext,
  connector: AnyConnector,
  work: ConnectorContext<unknown, unknown>,
  connection: ConnectionRecord,
  documents: readonly SourceDocument[],
): Promise<Record<SourceDocumentState | 'unchanged', number>> {
  const counts = { submitted: 0, skipped: 0, unmappable: 0, invalid: 0, waiting: 0, refused: 0, unchanged: 0 }
  for (const pulled of documents) {
    // Recorded under a ref the database can store; a ref that had to change is the document's problem (below).
    const document: SourceDocument = {
      ...pulled,
      ref: storableText(pulled.ref),
      ...(pulled.updatedAt ? { updatedAt: storableText(pulled.updatedAt) } : {}),
    }
    const json = JSON.stringify(pulled.data ?? null)
    const hash = hashOf(json)
    // Looked up before the checks of what can be kept: an oversized document pulled again unchanged was recorded
    // (and its document.unmappable event emitted) on every pull.
    const known = await context.db
      .selectFrom('source_documents')
      .select(['state', 'data_hash', 'code', 'attempts'])
      .where('connection_id', '=', connection.id)
      .where('ref', '=', document.ref)
      .executeTakeFirst()
    if (known && known.data_hash === hash && (SETTLED.has(known.state) || known.state === 'waiting')) {
      counts.unchanged++
      continue
    }
    const problem = unkeepable(pulled, json)
    if (problem) {
      await record(context, connection, document, 'null', hash, problem, known)
      counts.unmappable++
      continue
    }
    const outcome = await mapAndSubmit(context, connector, work, connection, document)
    await record(context, connection, document, json, hash, outcome, known)
    counts[outcome.state]++
  }
  return counts
}
