/**
 * What a route handler works with: the portal's state, the caller, and the request as parsed by the front.
 *
 * @module
 */

import type { FakeClock } from '@ksef-hub/connector-sdk/testing'
import type { Auth, Principal } from './auth.ts'
import { CRM_ERRORS } from './errors.ts'
import type { Files } from './files.ts'
import type { Schema } from './schema.ts'
import type { Store } from './store.ts'

/** The portal, shared by every request. */
export interface Portal {
  readonly store: Store
  readonly schema: Schema
  readonly files: Files
  readonly auth: Auth
  readonly clock: FakeClock
  readonly portalId: number
  readonly appId: number
  /** The fake's origin, e.g. `http://127.0.0.1:40123`. */
  readonly origin: () => string
  /** Records written within this many ms are not found by search yet. */
  readonly searchLagMs: number
  /** Which properties a PATCH may change on a finalized invoice (`facts.ts`). */
  readonly finalizedEdits: 'custom' | 'none' | 'all'
  /** The next invoice number (`hs_number`) of the portal. */
  readonly nextInvoiceNumber: () => string
}

/** One API request, parsed. */
export interface ApiRequest {
  readonly method: string
  readonly url: URL
  /** The path's segments, decoded. */
  readonly segments: readonly string[]
  readonly body: Buffer
  readonly contentType: string
}

/** A request with its caller. */
export interface ApiContext extends Portal {
  readonly principal: Principal
}

/**
 * Refuses the call unless the caller holds one of `anyOf` for each entry of `required`.
 *
 * @throws {HubSpotError} 403 `MISSING_SCOPES`, naming the first scope set it lacks
 * @example
 * ```ts
 * requireScopes(context, SCOPES.read.invoices, SCOPES.read.line_items)
 * ```
 */
export function requireScopes(context: ApiContext, ...required: readonly (readonly string[])[]): void {
  for (const anyOf of required) {
    if (!anyOf.some((scope) => context.principal.scopes.has(scope))) throw CRM_ERRORS.missingScopes(anyOf)
  }
}
