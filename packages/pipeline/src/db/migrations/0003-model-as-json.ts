/**
 * The invoice model is kept as `json` (checked and stored as sent) rather than `jsonb`: nothing queries inside it,
 * it is only read back whole, and converting ~2.5 kB of JSON to jsonb was the largest single cost of taking an
 * invoice in (about 40 % of the database's time per invoice in the bulk benchmark).
 *
 * @module
 */
import type { Migration } from './migration.ts'

/** Migration 0003: `invoices.model` as `json`. */
export const modelAsJson: Migration = {
  name: '0003-model-as-json',
  up: ['alter table hub.invoices alter column model type json using model::json'],
}
