/**
 * `ksef-hub tenant list | rotate-key | credentials | enable-connector`: managing existing tenants.
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util'
import {
  checkKsefCertificate,
  enableConnector,
  getTenant,
  ksefCredentialsKind,
  listTenants,
  rotateApiKey,
  setKsefCredentials,
} from '@ksef-hub/pipeline'
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
        // Parsed and checked before it is stored: the worker would find a bad one only when it signs in to KSeF.
        checkKsefCertificate(pair, new Date())
        await setKsefCredentials(database.db, keys, id, pair)
      }
      const kind = token ? 'token' : 'certificate'
      output(io, values.json as boolean, { id, credentials: kind }, [`KSeF ${kind} of ${id} stored encrypted`])
      return EXIT.ok
    })
  },
}

const CONNECTOR_USAGE = [
  'tenant enable-connector ID CONNECTOR [--setting KEY=JSON]... [--secret NAME=ENV_VAR]... [--disable] [--json]',
  '  --setting KEY=VALUE   a connector setting (VALUE parsed as JSON when it parses, else a string)',
  '  --secret NAME=VAR     a connector secret, read from environment variable VAR (never from the command line)',
].join('\n')

function pairs(list: string[] | undefined, option: string): [string, string][] {
  return (list ?? []).map((item) => {
    const at = item.indexOf('=')
    if (at < 1) throw new Error(`${option} must be NAME=VALUE, not ${item}`)
    return [item.slice(0, at), item.slice(at + 1)]
  })
}

/** `tenant enable-connector` */
export const enableConnectorCommand: Command = {
  summary: 'enable (or disable) a connector for a tenant, with settings and secrets',
  usage: CONNECTOR_USAGE,
  async run(args, io) {
    let parsed: ReturnType<typeof parse>
    let settings: Record<string, unknown>
    let secrets: Record<string, string>
    try {
      parsed = parse(args, {
        setting: { type: 'string', multiple: true },
        secret: { type: 'string', multiple: true },
        disable: { type: 'boolean' },
      })
      settings = Object.fromEntries(
        pairs(parsed.values.setting as string[] | undefined, '--setting').map(([key, value]) => {
          try {
            return [key, JSON.parse(value)]
          } catch {
            return [key, value]
          }
        }),
      )
      secrets = Object.fromEntries(
        pairs(parsed.values.secret as string[] | undefined, '--secret').map(([name, variable]) => {
          const value = io.env[variable]
          if (!value) throw new Error(`environment variable ${variable} (for --secret ${name}) is not set`)
          return [name, value]
        }),
      )
    } catch (error) {
      return usageError(io, 'tenant enable-connector', (error as Error).message, CONNECTOR_USAGE)
    }
    const [id, connector] = parsed.positionals
    if (!id || !connector)
      return usageError(io, 'tenant enable-connector', 'give the tenant id and the connector', CONNECTOR_USAGE)
    return withHub(io, 'tenant enable-connector', async ({ database, keys }) => {
      await getTenant(database.db, id)
      const result = await enableConnector(database.db, keys, id, connector, {
        enabled: !parsed.values.disable,
        settings,
        secrets,
      })
      output(io, parsed.values.json as boolean, { id, ...result, secrets: Object.keys(secrets) }, [
        `connector ${connector} ${result.enabled ? 'enabled' : 'disabled'} for ${id}` +
          (Object.keys(secrets).length ? ` (secrets stored encrypted: ${Object.keys(secrets).join(', ')})` : ''),
      ])
      return EXIT.ok
    })
  },
}
