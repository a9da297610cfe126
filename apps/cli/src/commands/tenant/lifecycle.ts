/**
 * `ksef-hub tenant disable | enable | delete`: ending a tenant. Disabling is reversible (API keys stop working;
 * what was taken in still reaches KSeF); deleting is final and needs `--confirm ID`: secrets and access are
 * erased, the record of the tenant's invoicing (invoices, XML, UPOs, audit log) is kept. See the pipeline's
 * `tenants/lifecycle.ts` for the why.
 *
 * @module
 */
import { parseArgs } from 'node:util'
import { deleteTenant, disableTenant, enableTenant } from '@ksef-hub/pipeline'
import { type Command, EXIT } from '../../command.ts'
import { output, usageError, withHub } from './hub.ts'

function parse(args: string[], withConfirm = false) {
  return parseArgs({
    args,
    options: { json: { type: 'boolean' }, ...(withConfirm ? { confirm: { type: 'string' as const } } : {}) },
    allowPositionals: true,
  })
}

function switchCommand(verb: 'disable' | 'enable'): Command {
  const usage = `tenant ${verb} ID [--json]`
  const change = verb === 'disable' ? disableTenant : enableTenant
  return {
    summary:
      verb === 'disable'
        ? 'disable a tenant: its API keys stop working; what it submitted still reaches KSeF'
        : 'enable a disabled tenant again',
    usage,
    async run(args, io) {
      let parsed: ReturnType<typeof parse>
      try {
        parsed = parse(args)
      } catch (error) {
        return usageError(io, `tenant ${verb}`, (error as Error).message, usage)
      }
      const [id] = parsed.positionals
      if (!id) return usageError(io, `tenant ${verb}`, 'give the tenant id', usage)
      return withHub(io, `tenant ${verb}`, async ({ database }) => {
        const { changed } = await change(database.db, id, { actor: 'cli' })
        output(io, parsed.values.json as boolean, { id, changed }, [
          changed ? `tenant ${id} ${verb}d` : `tenant ${id} was already ${verb}d`,
        ])
        return EXIT.ok
      })
    },
  }
}

/** `tenant disable` */
export const disableCommand = switchCommand('disable')

/** `tenant enable` */
export const enableTenantCommand = switchCommand('enable')

const DELETE_USAGE = [
  'tenant delete ID --confirm ID [--json]',
  '  final: erases its secrets (KSeF credentials, webhook and connector secrets), revokes its API keys, ends its',
  '  webhooks; keeps its invoices, XML, UPOs, purchase invoices and the audit log. Refused while invoices are in flight.',
].join('\n')

/** `tenant delete` */
export const deleteCommand: Command = {
  summary: 'delete a tenant for good: secrets and access erased, the record of its invoicing kept',
  usage: DELETE_USAGE,
  async run(args, io) {
    let parsed: ReturnType<typeof parse>
    try {
      parsed = parse(args, true)
    } catch (error) {
      return usageError(io, 'tenant delete', (error as Error).message, DELETE_USAGE)
    }
    const [id] = parsed.positionals
    if (!id) return usageError(io, 'tenant delete', 'give the tenant id', DELETE_USAGE)
    if (parsed.values.confirm !== id) {
      return usageError(io, 'tenant delete', `give --confirm ${id} to delete tenant ${id} for good`, DELETE_USAGE)
    }
    return withHub(io, 'tenant delete', async ({ database }) => {
      const deletion = await deleteTenant(database.db, id, { actor: 'cli' })
      const { erased, kept } = deletion
      output(io, parsed.values.json as boolean, deletion, [
        `tenant ${id} deleted`,
        `erased: ${erased.secrets} secret(s), ${erased.apiKeys} API key(s) revoked, ${erased.webhookSubscriptions} webhook subscription(s) ended, ${erased.idempotencyKeys} stored answer(s)`,
        `kept: ${kept.invoices} invoice(s) with their XML and UPOs, ${kept.incomingInvoices} purchase invoice(s), ${kept.auditEntries} audit entries`,
      ])
      return EXIT.ok
    })
  },
}
