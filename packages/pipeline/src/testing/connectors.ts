/**
 * A small connector for the pipeline's and the apps' tests: settings and secrets with a schema, a webhook signed
 * with HMAC-SHA256 over the raw body, and a write-back that records its calls.
 *
 * @module
 */
import {
  type AnyConnector,
  defineConnector,
  hmacSha256,
  SDK_VERSION,
  safeEqual,
  type WriteBackResult,
} from '@ksef-hub/connector-sdk'
import { z } from 'zod'

/** What the test connector saw. */
export interface TestConnectorCalls {
  readonly writeBacks: { readonly ref: string; readonly result: WriteBackResult }[]
}

/**
 * A connector `id` for tests (default `test-crm`): settings `{ pipeline?: string, baseUrl?: url }`, secrets
 * `{ accessToken: string, webhookSecret?: string }`; webhooks signed as `x-test-signature: <hex HMAC of the body>`
 * with `webhookSecret` (checked after `verifyDelayMs`), naming `{ deliveryId, refs, account? }`; the account of a
 * connection is its `pipeline`.
 *
 * @example
 * ```ts
 * const calls = { writeBacks: [] }
 * const registry = connectorRegistry([testConnector('test-crm', calls)])
 * ```
 */
export function testConnector(
  id = 'test-crm',
  calls: TestConnectorCalls = { writeBacks: [] },
  options: { readonly verifyDelayMs?: number } = {},
): AnyConnector {
  return defineConnector({
    id,
    displayName: `Test CRM (${id})`,
    version: '1.0.0',
    sdkVersion: SDK_VERSION,
    settings: z.object({ pipeline: z.string().optional(), baseUrl: z.url().optional() }),
    secrets: z.object({ accessToken: z.string().min(1), webhookSecret: z.string().optional() }),
    hosts: (settings) => (settings.baseUrl ? [settings.baseUrl] : []),
    account: (settings) => settings.pipeline,
    async writeBack(_context, document, result) {
      calls.writeBacks.push({ ref: document.ref, result })
      return { method: 'field' }
    },
    webhooks: {
      async verify(request, context) {
        if (options.verifyDelayMs) await new Promise((resolve) => setTimeout(resolve, options.verifyDelayMs))
        const secret = context.secrets.webhookSecret
        const given = request.headers['x-test-signature']
        if (!secret || !given) return { ok: false, reason: 'unsigned' }
        const expected = hmacSha256(secret, request.rawBody).toString('hex')
        return safeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'signature' }
      },
      parse(request) {
        const body = JSON.parse(Buffer.from(request.rawBody).toString('utf8')) as {
          deliveryId: string
          refs?: string[]
          account?: string
        }
        return {
          deliveryId: body.deliveryId,
          events: [{ refs: body.refs ?? [], ...(body.account ? { account: body.account } : {}) }],
        }
      },
    },
  })
}
