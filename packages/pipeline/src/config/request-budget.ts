/**
 * Each tenant's API request budget from the configuration, so every gateway process enforces the same one.
 *
 * @module
 */
import type { RequestBudget } from '../tenants/request-budget.ts'
import type { HubConfig } from './config.ts'

/** The budget when nothing is configured. */
export const DEFAULT_REQUEST_BUDGET: RequestBudget = { requestsPerSecond: 1_000, burst: 2_000 }

/**
 * The request budget a configuration asks for; an unset burst is twice the rate.
 *
 * @example
 * ```ts
 * requestBudgetOf(loadConfig({ KSEF_HUB_TENANT_REQUESTS_PER_SECOND: '50' })) // { requestsPerSecond: 50, burst: 100 }
 * ```
 */
export function requestBudgetOf(config: HubConfig): RequestBudget {
  const requestsPerSecond = config.KSEF_HUB_TENANT_REQUESTS_PER_SECOND ?? DEFAULT_REQUEST_BUDGET.requestsPerSecond
  const burst =
    config.KSEF_HUB_TENANT_REQUEST_BURST ??
    (config.KSEF_HUB_TENANT_REQUESTS_PER_SECOND === undefined
      ? DEFAULT_REQUEST_BUDGET.burst
      : Math.max(1, Math.ceil(requestsPerSecond * 2)))
  return { requestsPerSecond, burst }
}
