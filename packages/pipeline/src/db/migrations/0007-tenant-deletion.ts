/**
 * A tenant can be deleted: `tenants.deleted_at` marks it for good (see `tenants/lifecycle.ts` for what deletion
 * erases and what it keeps). The row itself stays: the invoices, UPOs and the audit log that are kept refer to it.
 *
 * @module
 */
import type { Migration } from './migration.ts'

/** Migration 0007: `hub.tenants.deleted_at`. */
export const tenantDeletion: Migration = {
  name: '0007-tenant-deletion',
  up: [`alter table hub.tenants add column deleted_at timestamptz`],
}
