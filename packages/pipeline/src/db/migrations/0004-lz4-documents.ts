/**
 * The invoice documents (`model`, `xml`) are compressed with lz4 where the server has it. A ~2.3 kB model is just
 * past PostgreSQL's TOAST threshold, so every row is compressed on the way in; pglz cost ~8 µs of server CPU per
 * invoice in the bulk benchmark, lz4 a fraction of that. A server built without lz4 (the embedded PGlite) keeps
 * pglz: the migration must not fail there.
 *
 * @module
 */
import type { Migration } from './migration.ts'

/** Migration 0004: lz4 for the invoice documents, where available. */
export const lz4Documents: Migration = {
  name: '0004-lz4-documents',
  up: [
    `do $$
    begin
      alter table hub.invoices alter column model set compression lz4, alter column xml set compression lz4;
    exception when feature_not_supported then
      raise notice 'lz4 is not available on this server; invoice documents keep the default compression';
    end
    $$`,
  ],
}
