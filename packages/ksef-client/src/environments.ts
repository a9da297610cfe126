/**
 * KSeF environments as data: TEST, DEMO, PROD (FACTS.md §1) and any custom base URL (the simulator).
 *
 * @module
 */

/** The named KSeF environments. */
export type KsefEnvironmentName = 'test' | 'demo' | 'prod'

/** Where the client talks to. */
export interface KsefEnvironment {
  /** `test`, `demo`, `prod`, or `custom` for any other base URL. */
  readonly name: KsefEnvironmentName | 'custom'
  /** The API base, including the `/v2` prefix, without a trailing slash. */
  readonly apiBaseUrl: string
  /** The QR verification host used for KOD I and KOD II links. */
  readonly qrBaseUrl: string
}

/**
 * The official environments.
 *
 * @example
 * ```ts
 * KSEF_ENVIRONMENTS.prod.qrBaseUrl // 'https://qr.ksef.mf.gov.pl'
 * ```
 */
export const KSEF_ENVIRONMENTS: Readonly<Record<KsefEnvironmentName, KsefEnvironment>> = {
  test: { name: 'test', apiBaseUrl: 'https://api-test.ksef.mf.gov.pl/v2', qrBaseUrl: 'https://qr-test.ksef.mf.gov.pl' },
  demo: { name: 'demo', apiBaseUrl: 'https://api-demo.ksef.mf.gov.pl/v2', qrBaseUrl: 'https://qr-demo.ksef.mf.gov.pl' },
  prod: { name: 'prod', apiBaseUrl: 'https://api.ksef.mf.gov.pl/v2', qrBaseUrl: 'https://qr.ksef.mf.gov.pl' },
}

/** A named environment, or a custom base URL (and optionally its QR host; TEST's by default). */
export type KsefEnvironmentInput = KsefEnvironmentName | KsefEnvironment | { baseUrl: string; qrBaseUrl?: string }

/**
 * Resolves configuration to an environment.
 *
 * @example
 * ```ts
 * resolveEnvironment('demo').apiBaseUrl // 'https://api-demo.ksef.mf.gov.pl/v2'
 * resolveEnvironment({ baseUrl: 'http://127.0.0.1:4010/v2/' }).apiBaseUrl // 'http://127.0.0.1:4010/v2'
 * ```
 */
export function resolveEnvironment(input: KsefEnvironmentInput): KsefEnvironment {
  if (typeof input === 'string') {
    const found = KSEF_ENVIRONMENTS[input]
    if (!found) throw new TypeError(`unknown KSeF environment "${String(input)}" (test, demo or prod)`)
    return found
  }
  if ('apiBaseUrl' in input) return input
  const url = new URL(input.baseUrl)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`base URL must be http(s), not ${url.protocol}`)
  }
  return {
    name: 'custom',
    apiBaseUrl: input.baseUrl.replace(/\/+$/, ''),
    qrBaseUrl: (input.qrBaseUrl ?? KSEF_ENVIRONMENTS.test.qrBaseUrl).replace(/\/+$/, ''),
  }
}
