/**
 * The wall between KSeF environments: a tenant is bound to one environment, and a custom base URL may not be an
 * official KSeF host of any other environment. A TEST tenant's invoices must never reach DEMO or PROD (and the
 * reverse), however its URL is written.
 *
 * @module
 */

import { PipelineError } from '../errors.ts'
import type { Environment } from '../tenants/tenants.ts'

// The official hosts, kept here rather than imported from ksef-client so that the gateway side holds its own
// copy of the wall (FACTS.md §1): a typo in one place cannot open it in the other.
const OFFICIAL_API_HOSTS: Readonly<Record<Environment, string>> = {
  test: 'api-test.ksef.mf.gov.pl',
  demo: 'api-demo.ksef.mf.gov.pl',
  prod: 'api.ksef.mf.gov.pl',
}
const MF_DOMAIN = 'ksef.mf.gov.pl'

/**
 * Checks that a base URL may be used by a tenant of an environment.
 *
 * @throws {@link PipelineError} `CONFIGURATION` when the URL is not http(s) or is a KSeF host other than the
 *   environment's own API host
 * @example
 * ```ts
 * assertBaseUrlAllowed('test', 'http://127.0.0.1:4010/v2') // ok: the simulator
 * assertBaseUrlAllowed('test', 'https://api.ksef.mf.gov.pl/v2') // throws: that is PROD
 * ```
 */
export function assertBaseUrlAllowed(environment: Environment, baseUrl: string | null | undefined): void {
  if (baseUrl === null || baseUrl === undefined) return
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw new PipelineError('CONFIGURATION', `ksefBaseUrl "${baseUrl}" is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PipelineError('CONFIGURATION', `ksefBaseUrl must be http(s), not ${url.protocol}`)
  }
  // Hostnames are case-insensitive and may end with a dot; URL lower-cases, the dot we strip.
  const host = url.hostname.replace(/\.$/, '')
  const isMf = host === MF_DOMAIN || host.endsWith(`.${MF_DOMAIN}`)
  if (!isMf) return
  if (host === OFFICIAL_API_HOSTS[environment] && url.protocol === 'https:') return
  const owner = (Object.keys(OFFICIAL_API_HOSTS) as Environment[]).find((name) => OFFICIAL_API_HOSTS[name] === host)
  throw new PipelineError(
    'CONFIGURATION',
    owner
      ? `a ${environment.toUpperCase()} tenant cannot use ${host}: that is the ${owner.toUpperCase()} KSeF`
      : `a ${environment.toUpperCase()} tenant cannot use ${host}: only https://${OFFICIAL_API_HOSTS[environment]} is its official KSeF host`,
  )
}
