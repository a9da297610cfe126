/**
 * Receiving one webhook call for a connection, the same way in the hub and in the conformance kit: handshake
 * first, then authenticity, then the parse, then the replay guard. A call is never acted on twice.
 *
 * @module
 */
import type { WebhookContext } from '../contract/context.ts'
import type { AnyConnector } from '../contract/definition.ts'
import type { ParsedWebhook, WebhookAnswer, WebhookRequest } from '../contract/webhooks.ts'

/** Remembers delivery ids for the replay window. */
export interface ReplayGuard {
  /** Records the id; `false` when it was recorded before (a replay). */
  firstSight(deliveryId: string): Promise<boolean>
}

/** What became of a call. */
export type WebhookReception =
  /** A handshake: answer it, nothing else. */
  | { readonly kind: 'handshake'; readonly answer: WebhookAnswer }
  /** Not authentic, or unreadable: answer 401 and act on nothing. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** Authentic, but seen before: acknowledge (so the source stops retrying) and act on nothing. */
  | { readonly kind: 'replayed'; readonly answer: WebhookAnswer }
  /** Authentic and new: act on its events. */
  | { readonly kind: 'accepted'; readonly parsed: ParsedWebhook; readonly answer: WebhookAnswer }

const RECEIVED: WebhookAnswer = { status: 200, body: { received: true } }

/**
 * Runs a connector's webhook capability on a call.
 *
 * @example
 * ```ts
 * const reception = await receiveWebhook(connector, request, context, guard)
 * if (reception.kind === 'accepted') for (const event of reception.parsed.events) schedulePull(event)
 * ```
 */
export async function receiveWebhook(
  connector: AnyConnector,
  request: WebhookRequest,
  context: WebhookContext<unknown, unknown>,
  guard: ReplayGuard,
): Promise<WebhookReception> {
  const webhooks = connector.webhooks
  if (!webhooks) return { kind: 'refused', reason: `${connector.id} receives no webhooks` }
  let parsed: ParsedWebhook
  try {
    const handshake = await webhooks.handshake?.(request, context)
    if (handshake) return { kind: 'handshake', answer: handshake }
    const verdict = await webhooks.verify(request, context)
    if (!verdict.ok) return { kind: 'refused', reason: verdict.reason }
    parsed = await webhooks.parse(request, context)
  } catch (error) {
    // A connector that throws on a hostile body must not turn it into a 500: the call is refused.
    return { kind: 'refused', reason: `unreadable: ${(error as Error).message}` }
  }
  const answer = parsed.answer ?? RECEIVED
  // Outside the try: the guard's own failure (its database is down) is the hub's, not the caller's.
  if (!(await guard.firstSight(parsed.deliveryId))) return { kind: 'replayed', answer }
  return { kind: 'accepted', parsed, answer }
}
