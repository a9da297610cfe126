/**
 * `ksef-hub connector status` and `connector sync`: how a tenant's connections are doing (last pull, cursor age,
 * errors, needs_reauth, documents that could not become invoices and why), and a pull now.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { connectionStatus, getConnection, listConnections, listSourceDocuments, requestPull } from '@ksef-hub/pipeline'
import { type Command, EXIT } from '../../command.ts'
import { output, usageError, withHub } from '../tenant/hub.ts'
import { withContext } from './hub.ts'

const STATUS_USAGE = 'connector status TENANT [CONNECTION] [--json]'
const SYNC_USAGE = 'connector sync TENANT CONNECTION [--json]'

/** What both commands take: positionals and `--json`. */
interface Parsed {
  readonly values: { readonly json?: boolean | undefined }
  readonly positionals: string[]
}

const age = (seconds: number | null) => (seconds === null ? 'never' : `${seconds} s ago`)

/** `connector status` */
export const statusCommand: Command = {
  summary: "show a tenant's connections: pulls, errors, needs_reauth, documents, write-backs, imports",
  usage: STATUS_USAGE,
  async run(args, io) {
    let parsed: Parsed
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } })
    } catch (error) {
      return usageError(io, 'connector status', (error as Error).message, STATUS_USAGE)
    }
    const [tenantId, only] = parsed.positionals
    if (!tenantId) return usageError(io, 'connector status', 'give the tenant id', STATUS_USAGE)
    return withHub(io, 'connector status', async ({ database }) => {
      const names = only ? [only] : (await listConnections(database.db, tenantId)).map((connection) => connection.name)
      const statuses = []
      for (const name of names) {
        const status = await connectionStatus(database.db, tenantId, name, new Date())
        const unmappable = await listSourceDocuments(database.db, tenantId, name, { state: 'unmappable', limit: 20 })
        statuses.push({ ...status, unmappable })
      }
      const lines = statuses.flatMap((status) => [
        `${status.name} (${status.connector})  ${status.enabled ? status.status : 'disabled'}${status.statusReason ? `: ${status.statusReason}` : ''}`,
        `  last pull ${status.lastPullFinishedAt?.toISOString() ?? 'never'}, cursor moved ${age(status.cursorAgeSeconds)}${status.pulling ? ', pulling now' : ''}`,
        `  documents: ${Object.entries(status.documents)
          .map(([state, count]) => `${state} ${count}`)
          .join(', ')}`,
        `  write-backs: ${Object.entries(status.writeBacks)
          .map(([state, count]) => `${state} ${count}`)
          .join(', ')}   imports: ${Object.entries(status.imports)
          .map(([state, count]) => `${state} ${count}`)
          .join(', ')}`,
        ...(status.lastError ? [`  last error (${status.lastErrorAt?.toISOString()}): ${status.lastError}`] : []),
        ...status.unmappable.map(
          (document) => `  ${document.ref}: ${document.reason}${document.fix ? ` -> ${document.fix}` : ''}`,
        ),
      ])
      output(
        io,
        parsed.values.json,
        only ? statuses[0] : statuses,
        lines.length ? lines : [`${tenantId} has no connections`],
      )
      return EXIT.ok
    })
  },
}

/** `connector sync` */
export const syncCommand: Command = {
  summary: 'pull a connection now (the running hub takes the pull)',
  usage: SYNC_USAGE,
  async run(args, io) {
    let parsed: Parsed
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } })
    } catch (error) {
      return usageError(io, 'connector sync', (error as Error).message, SYNC_USAGE)
    }
    const [tenantId, name] = parsed.positionals
    if (!tenantId || !name) return usageError(io, 'connector sync', 'give the tenant id and the connection', SYNC_USAGE)
    return withHub(io, 'connector sync', async (hub) => {
      const connection = await getConnection(hub.database.db, tenantId, name)
      if (!connection.enabled || connection.status !== 'active') {
        output(io, parsed.values.json, { requested: false, status: connection.status, enabled: connection.enabled }, [
          `connection ${connection.name} is ${connection.enabled ? 'waiting for re-authorization (set its secrets again)' : 'disabled'}: nothing pulled`,
        ])
        return EXIT.failed
      }
      await withContext(hub, (context) =>
        requestPull(context, { tenantId, connectionId: connection.id, reason: 'api' }),
      )
      output(io, parsed.values.json, { requested: true }, [`a pull of ${connection.name} is queued`])
      return EXIT.ok
    })
  },
}
