/**
 * Pulling changed documents. A traversal reads the source's list from a time (inclusive) page by page, following
 * the source's page tokens, and remembers the latest change it has seen; the next traversal starts from that
 * change. The cursor the hub saves after each page holds all three, so:
 * - a crash re-reads the page whose documents were not stored yet (its token is in the saved cursor), never skips;
 * - a document changed during a traversal is found by this traversal or the next (it starts from the latest
 *   change seen, inclusive, so a document changed at that same instant is read again rather than missed);
 * - re-reading is harmless: the hub knows documents by their source id.
 *
 * @module
 */
import { ConnectorError, type PullPage, type SourceDocument } from '@ksef-hub/connector-sdk'
import { z } from 'zod'
import { asList, evaluate } from './expressions.ts'
import { type CustomContext, callSource } from './source.ts'
import { fill } from './templates.ts'

/** Where a pull stands. */
export const cursorSchema = z.object({
  /** The change time this traversal reads from, inclusive (as the source wrote it). */
  since: z.string().optional(),
  /** The source's token of the next page of this traversal; absent at a traversal's start. */
  page: z.string().optional(),
  /** The latest change time seen in this traversal so far: the next traversal starts there. */
  latest: z.string().optional(),
})

/** A pull's cursor. */
export type Cursor = z.output<typeof cursorSchema>

const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i

function instant(value: string): number | undefined {
  const at = Date.parse(value)
  return ZONED.test(value) && !Number.isNaN(at) ? at : undefined
}

function later(a: string | undefined, b: string): string {
  if (a === undefined) return b
  return (instant(b) ?? 0) > (instant(a) ?? 0) ? b : a
}

async function read(field: string, source: string, input: unknown): Promise<unknown> {
  const result = await evaluate(source, input)
  if (!result.ok)
    throw new ConnectorError('validation', `settings.pull.${field} failed on the source's answer: ${result.problem}`)
  return result.value
}

async function documentOf(context: CustomContext, item: unknown, index: number): Promise<SourceDocument> {
  const { pull } = context.settings
  const id = await read('id', pull.id, item)
  if ((typeof id !== 'string' || id === '') && typeof id !== 'number') {
    throw new ConnectorError(
      'validation',
      `settings.pull.id gave ${JSON.stringify(id) ?? 'nothing'} for document ${index + 1} of the page; an id (text or number) is needed`,
    )
  }
  const updatedAt = await read('updatedAt', pull.updatedAt, item)
  if (typeof updatedAt !== 'string' || instant(updatedAt) === undefined) {
    throw new ConnectorError(
      'validation',
      `settings.pull.updatedAt gave ${JSON.stringify(updatedAt) ?? 'nothing'} for document ${id}; a time with its zone (ISO 8601) is needed`,
    )
  }
  return { ref: String(id), updatedAt, data: item }
}

/** The time the next traversal starts from: the latest change seen, less the overlap. */
function restartFrom(latest: string | undefined, overlapSeconds: number): string | undefined {
  if (latest === undefined || overlapSeconds === 0) return latest
  return new Date((instant(latest) ?? 0) - overlapSeconds * 1000).toISOString()
}

/**
 * One page of changed documents.
 *
 * @example
 * ```ts
 * const page = await pullPage(context, undefined) // the first page ever
 * const next = await pullPage(context, page.cursor)
 * ```
 */
export async function pullPage(context: CustomContext, cursor: Cursor | undefined): Promise<PullPage<Cursor>> {
  const { pull } = context.settings
  const since = cursor?.since ?? pull.since
  const values = { since, page: cursor?.page, limit: String(pull.pageSize) }
  const query: Record<string, string> = {}
  for (const [name, template] of Object.entries(pull.query)) {
    const value = fill(template, values)
    if (value !== undefined) query[name] = value
  }
  const response = await callSource(context, { path: pull.path, query })
  const body = response.json()
  const items = asList(await read('items', pull.items, body))
  const documents = await Promise.all(items.map((item, index) => documentOf(context, item, index)))
  const latest = documents.reduce<string | undefined>(
    (seen, document) => later(seen, document.updatedAt as string),
    cursor?.latest,
  )
  const next = await read('nextPage', pull.nextPage, body)
  if (next !== undefined && next !== null && next !== '') {
    const token = String(next)
    if (token === cursor?.page) {
      // A source that hands back the token it was given would make the hub pull the same page for ever.
      throw new ConnectorError(
        'validation',
        `the source answered page token "${token}" with the same token as the next page`,
      )
    }
    return {
      documents,
      cursor: { ...(since !== undefined ? { since } : {}), page: token, ...(latest ? { latest } : {}) },
      more: true,
    }
  }
  const restart = restartFrom(latest, pull.overlapSeconds) ?? since
  return { documents, cursor: restart !== undefined ? { since: restart } : {}, more: false }
}
