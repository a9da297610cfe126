/**
 * `ksef-hub connector enable`: create or change a tenant's connection, its settings and secrets checked against
 * the connector's schemas before anything is stored. Secrets come from environment variables, never the command
 * line. (`tenant enable-connector` is the same command under its earlier name.)
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { getTenant, saveConnection } from '@ksef-hub/pipeline'
import { parse as parseYaml } from 'yaml'
import { type Command, EXIT } from '../../command.ts'
import { output, usageError, withHub } from '../tenant/hub.ts'
import { registryOf } from './hub.ts'

const USAGE = [
  'connector enable TENANT CONNECTOR [--name NAME] [--settings FILE] [--setting KEY=VALUE]... [--secret NAME=ENV_VAR]...',
  '                 [--import-incoming] [--disable] [--json]',
  '  --name NAME           the connection (default: the connector id); two names connect two accounts',
  '  --settings FILE       settings from a JSON or YAML file (a custom connector mapping, a tax table)',
  '  --setting KEY=VALUE   one setting (VALUE parsed as JSON when it parses, else a string); after --settings',
  '  --secret NAME=VAR     a secret, read from environment variable VAR (never from the command line)',
].join('\n')

function pairs(list: readonly string[] | undefined, option: string): [string, string][] {
  return (list ?? []).map((item) => {
    const at = item.indexOf('=')
    if (at < 1) throw new Error(`${option} must be NAME=VALUE, not ${item}`)
    return [item.slice(0, at), item.slice(at + 1)]
  })
}

/** The options `connector enable` takes. */
interface Options {
  readonly values: {
    readonly name?: string | undefined
    readonly settings?: string | undefined
    readonly setting?: string[] | undefined
    readonly secret?: string[] | undefined
    readonly 'import-incoming'?: boolean | undefined
    readonly disable?: boolean | undefined
    readonly json?: boolean | undefined
  }
  readonly positionals: string[]
}

const asJson = (value: string): unknown => {
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

/** The `connector enable` command (also `tenant enable-connector`). */
export function enableCommand(name = 'connector enable'): Command {
  const usage = USAGE.replace('connector enable', name)
  return {
    summary: "create or change a tenant's connection, with settings and secrets checked by its connector",
    usage,
    async run(args, io) {
      let parsed: Options
      let secrets: Record<string, string>
      try {
        parsed = parseArgs({
          args,
          allowPositionals: true,
          options: {
            name: { type: 'string' },
            settings: { type: 'string' },
            setting: { type: 'string', multiple: true },
            secret: { type: 'string', multiple: true },
            'import-incoming': { type: 'boolean' },
            disable: { type: 'boolean' },
            json: { type: 'boolean' },
          },
        })
        secrets = Object.fromEntries(
          pairs(parsed.values.secret, '--secret').map(([secret, variable]) => {
            const value = io.env[variable]
            if (!value) throw new Error(`environment variable ${variable} (for --secret ${secret}) is not set`)
            return [secret, value]
          }),
        )
      } catch (error) {
        return usageError(io, name, (error as Error).message, usage)
      }
      const { values, positionals } = parsed
      const [tenantId, connector] = positionals
      if (!tenantId || !connector) return usageError(io, name, 'give the tenant id and the connector', usage)
      let settings: Record<string, unknown> | undefined
      if (values.settings || values.setting) {
        try {
          const file = values.settings ? parseYaml(await readFile(resolve(io.cwd, values.settings), 'utf8')) : {}
          settings = {
            ...(file as Record<string, unknown>),
            ...Object.fromEntries(pairs(values.setting, '--setting').map(([key, value]) => [key, asJson(value)])),
          }
        } catch (error) {
          return usageError(io, name, (error as Error).message, usage)
        }
      }
      const registry = await registryOf(io)
      return withHub(io, name, async ({ database, keys }) => {
        await getTenant(database.db, tenantId)
        const given = Object.keys(secrets).length > 0
        const connection = await saveConnection(
          database.db,
          keys,
          registry,
          tenantId,
          {
            ...(values.name ? { name: values.name } : {}),
            connector,
            enabled: !values.disable,
            ...(values['import-incoming'] !== undefined ? { importIncoming: values['import-incoming'] } : {}),
            ...(settings ? { settings } : {}),
            ...(given ? { secrets } : {}),
          },
          'cli',
        )
        output(io, values.json, { ...connection, secrets: Object.keys(secrets) }, [
          `connection ${connection.name} (${connection.connector}) ${connection.enabled ? 'enabled' : 'disabled'} for ${tenantId}` +
            (given ? ` (secrets stored encrypted: ${Object.keys(secrets).join(', ')})` : ''),
        ])
        return EXIT.ok
      })
    },
  }
}
