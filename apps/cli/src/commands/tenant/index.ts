/**
 * The `tenant` command group: create, list, rotate an API key, set credentials, enable a connector, show status,
 * print the tenant-file schema, reconcile the tenant files, re-wrap secrets after a master-key rotation. Every command takes `--json`.
 *
 * @module
 */
import type { CommandGroup } from '../../command.ts'
import { enableCommand } from '../connector/enable.ts'
import { createCommand } from './create.ts'
import { deleteCommand, disableCommand, enableTenantCommand } from './lifecycle.ts'
import { credentialsCommand, listCommand, rotateKeyCommand } from './manage.ts'
import { applyCommand, rewrapSecretsCommand, schemaCommand, statusCommand } from './status.ts'

/** `ksef-hub tenant ...` */
export const tenantCommands: CommandGroup = {
  summary: 'Tenants: create, list, keys, credentials, connectors, status, tenant files, disable, enable, delete',
  commands: {
    create: createCommand,
    list: listCommand,
    'rotate-key': rotateKeyCommand,
    disable: disableCommand,
    enable: enableTenantCommand,
    delete: deleteCommand,
    credentials: credentialsCommand,
    'enable-connector': enableCommand('tenant enable-connector'),
    status: statusCommand,
    schema: schemaCommand,
    apply: applyCommand,
    'rewrap-secrets': rewrapSecretsCommand,
  },
}
