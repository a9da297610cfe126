/**
 * Every migration, in order. Add new ones at the end; never edit one that has shipped.
 *
 * @module
 */
import { initial } from './0001-initial.ts'
import { gateway } from './0002-gateway.ts'
import { modelAsJson } from './0003-model-as-json.ts'
import { lz4Documents } from './0004-lz4-documents.ts'
import { requestBudgets } from './0005-request-budgets.ts'
import { connections } from './0006-connections.ts'
import { tenantDeletion } from './0007-tenant-deletion.ts'
import type { Migration } from './migration.ts'

/** The migrations of the hub's schema. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  gateway,
  modelAsJson,
  lz4Documents,
  requestBudgets,
  connections,
  tenantDeletion,
]

export type { Migration } from './migration.ts'
