/**
 * `webhooks.*`: calls from the fake go through the SDK's `receiveWebhook`, as the hub receives them. A valid call
 * is accepted and names the documents; a call signed with another key (the connection's secrets changed by one
 * character each, the body intact), a call with one byte of its body changed, and a call received twice are
 * refused, or not acted upon twice.
 *
 * @module
 */
import type { AnyConnector } from '../../contract/definition.ts'
import type { WebhookRequest } from '../../contract/webhooks.ts'
import { receiveWebhook } from '../../webhooks/receive.ts'
import { createMemoryReplayGuard, MIN_SECRET_LENGTH } from '../host.ts'
import { fail } from '../results.ts'
import type { CheckDefinition, CheckRun, Rig } from '../session.ts'

const noWebhooks = (connector: AnyConnector) => (connector.webhooks ? undefined : 'the connector declares no webhooks')

/** The next character of the same class, so a changed value still fits a schema's pattern. */
function nextOfClass(char: string): string {
  const within = (from: string, to: string) =>
    char >= from && char <= to
      ? String.fromCharCode(char === to ? from.charCodeAt(0) : char.charCodeAt(0) + 1)
      : undefined
  return within('0', '9') ?? within('a', 'z') ?? within('A', 'Z') ?? (char === 'x' ? 'y' : 'x')
}

/**
 * Secrets with the last character of every string changed: what a caller holding another key signs with.
 *
 * @example
 * ```ts
 * otherSecrets({ webhookSecret: 'whsec_abc123' }) // { webhookSecret: 'whsec_abc124' }
 * ```
 */
export function otherSecrets(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length >= MIN_SECRET_LENGTH ? value.slice(0, -1) + nextOfClass(value.slice(-1)) : value
  }
  if (Array.isArray(value)) return value.map(otherSecrets)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, otherSecrets(item)]))
  }
  return value
}

/**
 * The body with one letter or digit changed (the one nearest the middle), so it still parses: a verifier that
 * lets it through is seen acting on it, not failing on unreadable JSON.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(tamperedBody(new TextEncoder().encode('{"id":"evt_1"}'))) // '{"id":"fvt_1"}'
 * ```
 */
export function tamperedBody(body: Uint8Array): Uint8Array {
  const copy = new Uint8Array(body)
  const middle = Math.floor(copy.length / 2)
  for (let distance = 0; distance < copy.length; distance++) {
    for (const at of [middle + distance, middle - distance]) {
      const byte = copy[at]
      if (byte === undefined) continue
      const char = String.fromCharCode(byte)
      if (/[0-9A-Za-z]/.test(char)) {
        copy[at] = nextOfClass(char).charCodeAt(0)
        return copy
      }
    }
  }
  if (copy.length > 0) copy[middle] = (copy[middle] as number) ^ 1
  return copy
}

async function signedCall(run: CheckRun): Promise<{ rig: Rig; request: WebhookRequest; refs: string[] }> {
  const rig = await run.rig()
  if (!rig.fake.webhook) fail('the fake cannot make webhook calls: implement webhook(refs) in it')
  const refs = rig.fake.mappable.slice(0, 1)
  if (refs.length === 0) fail('the fake lists no mappable document for a webhook to name')
  return { rig, request: await rig.fake.webhook(refs), refs }
}

/** The `webhooks.valid` check. */
export const webhooksValid: CheckDefinition = {
  name: 'webhooks.valid',
  notApplicable: noWebhooks,
  async run(run) {
    const { rig, request, refs } = await signedCall(run)
    const reception = await receiveWebhook(run.connector, request, rig.webhookContext(), createMemoryReplayGuard())
    if (reception.kind !== 'accepted') {
      fail(
        `a call signed as the system signs was ${reception.kind}${'reason' in reception ? `: ${reception.reason}` : ''}`,
      )
    }
    const named = reception.parsed.events.flatMap((event) => event.refs ?? [])
    const unnamed = refs.filter((ref) => !named.includes(ref))
    if (unnamed.length > 0) fail(`the accepted call's events do not name ${unnamed.join(', ')}`)
    return `accepted (delivery ${reception.parsed.deliveryId}), naming ${refs.join(', ')}; answered ${reception.answer.status}`
  },
}

/** The `webhooks.forged` check. */
export const webhooksForged: CheckDefinition = {
  name: 'webhooks.forged',
  notApplicable: noWebhooks,
  async run(run) {
    const { rig, request } = await signedCall(run)
    // Checking the call against other secrets is checking a call signed with another key against these.
    const context = rig.webhookContext(otherSecrets(rig.store.stored()))
    const reception = await receiveWebhook(run.connector, request, context, createMemoryReplayGuard())
    if (reception.kind !== 'refused') fail(`a call signed with another key was ${reception.kind}, not refused`)
    return `refused: ${reception.reason}`
  },
}

/** The `webhooks.tampered` check. */
export const webhooksTampered: CheckDefinition = {
  name: 'webhooks.tampered',
  notApplicable: noWebhooks,
  async run(run) {
    const { rig, request } = await signedCall(run)
    const tampered = { ...request, rawBody: tamperedBody(request.rawBody) }
    const reception = await receiveWebhook(run.connector, tampered, rig.webhookContext(), createMemoryReplayGuard())
    if (reception.kind !== 'refused')
      fail(`a call with one byte of its body changed was ${reception.kind}, not refused`)
    return `refused: ${reception.reason}`
  },
}

/** The `webhooks.replayed` check. */
export const webhooksReplayed: CheckDefinition = {
  name: 'webhooks.replayed',
  notApplicable: noWebhooks,
  async run(run) {
    const { rig, request } = await signedCall(run)
    const guard = createMemoryReplayGuard()
    const first = await receiveWebhook(run.connector, request, rig.webhookContext(), guard)
    if (first.kind !== 'accepted') fail(`the first delivery of a valid call was ${first.kind}, not accepted`)
    const again = await receiveWebhook(run.connector, request, rig.webhookContext(), guard)
    if (again.kind === 'accepted') {
      fail(
        `the same call received twice was accepted twice (delivery id ${first.parsed.deliveryId}, then ${again.parsed.deliveryId})`,
      )
    }
    return `the second delivery was ${again.kind}, not acted upon`
  },
}
