/**
 * Pulling as the hub pulls: page after page, each in a new context, every cursor stored as JSON and checked with
 * the connector's cursor schema before it is handed back.
 *
 * @module
 */
import type { AnyConnector } from '../../contract/definition.ts'
import type { PullPage, SourceDocument } from '../../contract/documents.ts'
import { fail } from '../results.ts'
import type { Rig } from '../session.ts'

/** More pages than any fake needs: a connector still answering `more` after this many is looping. */
export const MAX_PAGES = 200

/**
 * The cursor as the hub hands it back after storing it: through JSON, then the connector's cursor schema.
 *
 * @example
 * ```ts
 * const next = storedCursor(connector, page.cursor)
 * ```
 */
export function storedCursor(connector: AnyConnector, cursor: unknown): unknown {
  if (cursor === undefined) fail('a pull page returned no cursor: the hub would have nothing to resume from')
  const stored = JSON.parse(JSON.stringify(cursor)) as unknown
  const checked = connector.pull?.cursor.safeParse(stored)
  if (!checked?.success) {
    fail(`the cursor ${JSON.stringify(cursor)} does not pass the connector's cursor schema once stored as JSON`)
  }
  return checked.data
}

/**
 * One page, checked for shape.
 *
 * @example
 * ```ts
 * const first = await pullPage(connector, rig, undefined)
 * ```
 */
export async function pullPage(connector: AnyConnector, rig: Rig, cursor: unknown): Promise<PullPage<unknown>> {
  if (!connector.pull) fail('the connector does not pull')
  const page = await connector.pull.page(rig.context(), cursor)
  if (!Array.isArray(page?.documents) || typeof page.more !== 'boolean') {
    fail('a pull page must have `documents` (an array) and `more` (a boolean)')
  }
  for (const document of page.documents) {
    if (typeof document?.ref !== 'string' || document.ref === '') fail('a pulled document has no `ref`')
  }
  return page
}

/** What a whole pull found. */
export interface Pulled {
  /** Each document by ref, as last seen. */
  readonly documents: Map<string, SourceDocument>
  readonly pages: number
}

/**
 * Pulls every page from `cursor` (default: the first pull ever) until the connector says there is no more.
 *
 * @example
 * ```ts
 * const { documents, pages } = await pullAll(connector, rig)
 * ```
 */
export async function pullAll(connector: AnyConnector, rig: Rig, cursor?: unknown): Promise<Pulled> {
  const documents = new Map<string, SourceDocument>()
  let next = cursor
  for (let pages = 1; pages <= MAX_PAGES; pages++) {
    const page = await pullPage(connector, rig, next)
    for (const document of page.documents) documents.set(document.ref, document)
    next = storedCursor(connector, page.cursor)
    if (!page.more) return { documents, pages }
  }
  fail(`the pull still had more after ${MAX_PAGES} pages: does the cursor advance?`)
}
