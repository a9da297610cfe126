/**
 * What every `ksef` command shares: where KSeF is (`--base-url` or `--env`), who logs in (`--nip`, the token
 * from `--token` or `KSEF_TOKEN`), and how an error is printed on one line.
 *
 * @module
 */
import {
  createKsefClient,
  type KsefClient,
  type KsefEnvironmentInput,
  type KsefError,
  nipContext,
} from '@ksef-hub/ksef-client'

/** The options every `ksef` command accepts, for `parseArgs`. */
export const CONNECTION_OPTIONS = {
  'base-url': { type: 'string' },
  env: { type: 'string' },
  nip: { type: 'string' },
  token: { type: 'string' },
  'timeout-ms': { type: 'string' },
} as const

/** Usage lines of the shared options. */
export const CONNECTION_USAGE = [
  '  --base-url URL     KSeF API base, e.g. http://127.0.0.1:4010/v2 (the simulator)',
  '  --env ENV          test | demo | prod (instead of --base-url)',
  '  --nip NIP          the context (seller for send, buyer for incoming)',
  '  --token TOKEN      KSeF token; better: set KSEF_TOKEN in the environment, so it does not show in process lists',
  '  --timeout-ms N     time for one HTTP call (default 30000)',
]

/** Parsed connection settings, or a usage error. */
export type Connection = { ok: true; client: KsefClient } | { ok: false; error: string }

/**
 * Builds a client from the command line and the environment.
 *
 * @example
 * ```ts
 * const connection = connect(values, io.env)
 * ```
 */
export function connect(
  values: { 'base-url'?: string; env?: string; nip?: string; token?: string; 'timeout-ms'?: string },
  env: Readonly<Record<string, string | undefined>>,
): Connection {
  if (values['base-url'] && values.env) return { ok: false, error: 'give --base-url or --env, not both' }
  let environment: KsefEnvironmentInput
  if (values['base-url']) {
    try {
      new URL(values['base-url'])
    } catch {
      return { ok: false, error: `--base-url is not a URL: ${values['base-url']}` }
    }
    environment = { baseUrl: values['base-url'] }
  } else if (values.env === 'test' || values.env === 'demo' || values.env === 'prod') {
    environment = values.env
  } else {
    return {
      ok: false,
      error: values.env
        ? `--env must be test, demo or prod, not ${values.env}`
        : 'give --base-url URL or --env test|demo|prod',
    }
  }
  if (!values.nip || !/^\d{10}$/.test(values.nip)) return { ok: false, error: 'give --nip with a 10-digit NIP' }
  const token = values.token ?? env.KSEF_TOKEN
  if (!token) return { ok: false, error: 'give the KSeF token in KSEF_TOKEN (or --token)' }
  const timeoutMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms'])
  if (timeoutMs !== undefined && !(timeoutMs > 0)) return { ok: false, error: '--timeout-ms must be a positive number' }
  return {
    ok: true,
    client: createKsefClient({
      environment,
      context: nipContext(values.nip),
      credentials: { kind: 'token', token },
      ...(timeoutMs ? { timeoutMs } : {}),
    }),
  }
}

/**
 * One line for a failed file: `FILE<TAB>ERROR_CLASS<TAB>CODE<TAB>message` (tabs and newlines in the message
 * become spaces).
 *
 * @example
 * ```ts
 * errorLine('a.xml', error) // 'a.xml\tpermanent\t450\tinvoice ...: 450 Błąd weryfikacji semantyki'
 * ```
 */
export function errorLine(file: string, error: Pick<KsefError, 'errorClass' | 'code' | 'message'>): string {
  return [file, error.errorClass, error.code, error.message.replace(/[\t\r\n]+/g, ' ')].join('\t')
}
