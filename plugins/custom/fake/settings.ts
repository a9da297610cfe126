/**
 * The custom connector's settings for a fake source: its URL, its tax codes and seller, the seller's KSeF start
 * and its webhooks' delivery id; everything else is the connector's defaults, which read the fake's shape.
 *
 * @module
 */
import { FAKE_KSEF_START_DATE, FAKE_SELLER, FAKE_TAX_CODES } from './catalog.ts'

/**
 * Settings of a connection to the fake source at `url`.
 *
 * @example
 * ```ts
 * const settings = connectorSettings(erp.url, { pull: { pageSize: 5 } })
 * ```
 */
export function connectorSettings(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    baseUrl: url,
    taxCodes: { ...FAKE_TAX_CODES },
    seller: FAKE_SELLER,
    ksefStartDate: FAKE_KSEF_START_DATE,
    webhooks: { idField: 'id' },
    ...extra,
  }
}
