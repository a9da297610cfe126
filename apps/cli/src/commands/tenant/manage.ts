/**
 * `ksef-hub tenant list | rotate-key | credentials`: managing existing tenants (`enable-connector` is `connector enable`).
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util'
import { getTenant, ksefCredentialsKind, listTenants, rotateApiKey, setKsefCredentials } from '@ksef-hub/pipeline'
import { type Command, EXIT } from '../../command.ts'
import { output, usageError, withHub } from './hub.ts'

type Values = Record<string, string | boolean | string[] | undefined>

function parse(args: string[], options: ParseArgsOptionsConfig): { values: Values; positionals: string[] } {
  const parsed = parseArgs({ args, options: { ...options, json: { type: 'boolean' } }, allowPositionals: true })
  return { values: parsed.values as Values, positionals: parsed.positionals }
}

/** `tenant list` */
export const listCommand: Command = {
  summary: 'list tenants (never their secrets)',
  usage: 'tenant list [--json]',
  async run(args, io) {
    let values: Values
    try {
      values = parse(args, {}).values
    } catch (error) {
      return usageError(io, 'tenant list', (error as Error).message, this.usage)
    }
    return withHub(io, 'tenant list', async ({ database }) => {
      const tenants = await listTenants(database.db)
      const rows = []
      for (const tenant of tenants) {
        rows.push({
          id: tenant.id,
          name: tenant.name,
          nip: tenant.nip,
          environment: tenant.environment,
          ksefBaseUrl: tenant.ksefBaseUrl,
          credentials: await ksefCredentialsKind(database.db, tenant.id),
          disabled: tenant.disabled,
        })
      }
      output(
        io,
        values.json as boolean,
        rows,
        rows.map((row) =>
          [row.id, row.nip, row.environment, row.credentials, row.ksefBaseUrl ?? '-', row.name].join('\t'),
        ),
      )
      return EXIT.ok
    })
  },
}

const ROTATE_USAGE = 'tenant rotate-key ID [--grace-seconds N] [--json]   (old keys stop working after N s, default 0)'

/** `tenant rotate-key` */
export const rotateKeyCommand: Command = {
  summary: 'issue a new API key and revoke the old ones',
  usage: ROTATE_USAGE,
  async run(args, io) {
    let parsed: ReturnType<typeof parse>
    try {
      parsed = parse(args, { 'grace-seconds': { type: 'string' } })
    } catch (error) {
      return usageError(io, 'tenant rotate-key', (error as Error).message, ROTATE_USAGE)
    }
    const [id] = parsed.positionals
    const grace = Number(parsed.values['grace-seconds'] ?? 0)
    if (!id) return usageError(io, 'tenant rotate-key', 'give the tenant id', ROTATE_USAGE)
    if (!Number.isInteger(grace) || grace < 0)
      return usageError(io, 'tenant rotate-key', '--grace-seconds must be >= 0', ROTATE_USAGE)
    return withHub(io, 'tenant rotate-key', async ({ database }) => {
      const issued = await rotateApiKey(database.db, id, { graceSeconds: grace })
      output(io, parsed.values.json as boolean, { id, apiKey: issued.apiKey }, [
        `new API key for ${id} (shown once): ${issued.apiKey}`,
        grace ? `older keys stop working in ${grace} s` : 'older keys no longer work',
      ])
      return EXIT.ok
    })
  },
}

const CREDENTIALS_USAGE = [
  'tenant credentials ID (--ksef-token TOKEN | --certificate FILE --private-key FILE) [--json]',
  '  the token may also come from KSEF_TOKEN (keeps it out of process lists); stored encrypted, never printed',
].join('\n')

/** `tenant credentials` */
export const credentialsCommand: Command = {
  summary: "set a tenant's KSeF token or certificate (stored encrypted)",
  usage: CREDENTIALS_USAGE,
  async run(args, io) {
    let parsed: ReturnType<typeof parse>
    try {
      parsed = parse(args, {
        'ksef-token': { type: 'string' },
        certificate: { type: 'string' },
        'private-key': { type: 'string' },
      })
    } catch (error) {
      return usageError(io, 'tenant credentials', (error as Error).message, CREDENTIALS_USAGE)
    }
    const [id] = parsed.positionals
    const { values } = parsed
    const token = (values['ksef-token'] as string | undefined) ?? (values.certificate ? undefined : io.env.KSEF_TOKEN)
    if (!id) return usageError(io, 'tenant credentials', 'give the tenant id', CREDENTIALS_USAGE)
    if (!token && !(values.certificate && values['private-key'])) {
      return usageError(
        io,
        'tenant credentials',
        'give --ksef-token (or KSEF_TOKEN), or --certificate and --private-key',
        CREDENTIALS_USAGE,
      )
    }
    return withHub(io, 'tenant credentials', async ({ database, keys }) => {
      await getTenant(database.db, id)
      if (token) {
        await setKsefCredentials(database.db, keys, id, { token })
      } else {
        const pair = {
          certificate: await readFile(resolve(io.cwd, values.certificate as string), 'utf8'),
          privateKey: await readFile(resolve(io.cwd, values['private-key'] as string), 'utf8'),
        }
        // Parsed and checked before it is stored (by setKsefCredentials, for every way in).
        await setKsefCredentials(database.db, keys, id, pair)
      }
      const kind = token ? 'token' : 'certificate'
      output(io, values.json as boolean, { id, credentials: kind }, [`KSeF ${kind} of ${id} stored encrypted`])
      return EXIT.ok
    })
  },
}
