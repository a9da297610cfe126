/**
 * `ksef-hub tenant create`: a new tenant with its first API key (printed once), optionally its KSeF token.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import {
  assertBaseUrlAllowed,
  createTenant,
  type Environment,
  issueApiKey,
  setKsefCredentials,
} from '@ksef-hub/pipeline'
import { type Command, EXIT } from '../../command.ts'
import { output, usageError, withHub } from './hub.ts'

const USAGE = [
  'tenant create --name NAME --nip NIP --environment test|demo|prod [--id ID] [--ksef-base-url URL]',
  '              [--ksef-token TOKEN] [--json]',
  '',
  '  --ksef-token T     the tenant’s KSeF token (or set KSEF_TOKEN, which keeps it out of process lists)',
  '  --ksef-base-url U  a custom KSeF (the simulator); never an official host of another environment',
  '  --json             print {"id", "apiKey"}',
].join('\n')

/** The command. */
export const createCommand: Command = {
  summary: 'create a tenant and print its API key',
  usage: USAGE,
  async run(args, io) {
    let values: Record<string, string | boolean | undefined>
    try {
      values = parseArgs({
        args,
        options: {
          id: { type: 'string' },
          name: { type: 'string' },
          nip: { type: 'string' },
          environment: { type: 'string' },
          'ksef-base-url': { type: 'string' },
          'ksef-token': { type: 'string' },
          json: { type: 'boolean' },
        },
      }).values
    } catch (error) {
      return usageError(io, 'tenant create', (error as Error).message, USAGE)
    }
    const { name, nip, environment } = values as { name?: string; nip?: string; environment?: string }
    if (!name || !nip || !environment)
      return usageError(io, 'tenant create', '--name, --nip and --environment are required', USAGE)
    if (environment !== 'test' && environment !== 'demo' && environment !== 'prod') {
      return usageError(io, 'tenant create', `--environment must be test, demo or prod, not ${environment}`, USAGE)
    }
    const baseUrl = values['ksef-base-url'] as string | undefined
    const token = (values['ksef-token'] as string | undefined) ?? io.env.KSEF_TOKEN
    return withHub(io, 'tenant create', async ({ database, keys }) => {
      assertBaseUrlAllowed(environment as Environment, baseUrl)
      const issued = await database.db.transaction().execute(async (trx) => {
        const tenant = await createTenant(trx, {
          ...(typeof values.id === 'string' ? { id: values.id } : {}),
          name,
          nip,
          environment: environment as Environment,
          ksefBaseUrl: baseUrl ?? null,
        })
        if (token) await setKsefCredentials(trx, keys, tenant.id, { token })
        return { id: tenant.id, apiKey: (await issueApiKey(trx, tenant.id)).apiKey }
      })
      output(io, values.json as boolean | undefined, issued, [
        `tenant ${issued.id} created (${environment.toUpperCase()}${token ? ', KSeF token stored encrypted' : ', no KSeF credentials yet'})`,
        `API key (shown once): ${issued.apiKey}`,
      ])
      return EXIT.ok
    })
  },
}
