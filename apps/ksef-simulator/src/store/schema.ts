/**
 * The tables of the store. Dates are ISO-8601 UTC strings with milliseconds, so they sort as text.
 *
 * @module
 */

/** DDL run at every start (idempotent). */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS challenges (
  challenge TEXT PRIMARY KEY,
  timestamp_ms INTEGER NOT NULL,
  client_ip TEXT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS auth_operations (
  reference_number TEXT PRIMARY KEY,
  start_date TEXT NOT NULL,
  method TEXT NOT NULL,
  context_type TEXT NOT NULL,
  context_value TEXT NOT NULL,
  subject_type TEXT,
  subject_value TEXT,
  ksef_token_reference TEXT,
  document_hash TEXT,
  status_code INTEGER NOT NULL,
  status_description TEXT NOT NULL,
  status_details TEXT,
  permissions TEXT NOT NULL DEFAULT '[]',
  allowed_ips TEXT,
  auth_token_valid_until TEXT NOT NULL,
  redeemed INTEGER NOT NULL DEFAULT 0,
  refresh_valid_until TEXT,
  last_refresh_date TEXT,
  revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS ksef_tokens (
  reference_number TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  context_type TEXT NOT NULL,
  context_value TEXT NOT NULL,
  author_type TEXT NOT NULL,
  author_value TEXT NOT NULL,
  permissions TEXT NOT NULL,
  description TEXT NOT NULL,
  status TEXT NOT NULL,
  date_created TEXT NOT NULL,
  last_use_date TEXT
);

CREATE TABLE IF NOT EXISTS grants (
  context_type TEXT NOT NULL,
  context_value TEXT NOT NULL,
  subject_type TEXT NOT NULL,
  subject_value TEXT NOT NULL,
  permission TEXT NOT NULL,
  description TEXT NOT NULL,
  PRIMARY KEY (context_type, context_value, subject_type, subject_value, permission)
);

CREATE TABLE IF NOT EXISTS testdata (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (kind, key)
);

CREATE TABLE IF NOT EXISTS sessions (
  reference_number TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  context_type TEXT NOT NULL,
  context_value TEXT NOT NULL,
  auth_reference TEXT NOT NULL,
  form_code TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  status_description TEXT NOT NULL,
  status_details TEXT,
  date_created TEXT NOT NULL,
  date_updated TEXT NOT NULL,
  date_closed TEXT,
  valid_until TEXT,
  symmetric_key BLOB,
  iv BLOB,
  offline_mode INTEGER NOT NULL DEFAULT 0,
  batch_file TEXT,
  upload_deadline TEXT,
  processing INTEGER NOT NULL DEFAULT 0,
  upo_pages TEXT
);
CREATE INDEX IF NOT EXISTS sessions_by_context ON sessions (context_type, context_value, type, date_created);

CREATE TABLE IF NOT EXISTS batch_parts (
  session_reference TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (session_reference, ordinal)
);

CREATE TABLE IF NOT EXISTS invoices (
  reference_number TEXT PRIMARY KEY,
  session_reference TEXT,
  ordinal INTEGER NOT NULL,
  status_code INTEGER NOT NULL,
  status_description TEXT NOT NULL,
  status_details TEXT,
  status_extensions TEXT,
  invoice_hash TEXT NOT NULL,
  invoice_size INTEGER NOT NULL,
  file_name TEXT,
  invoice_number TEXT,
  invoice_type TEXT,
  seller_nip TEXT,
  buyer_nip TEXT,
  third_party_nips TEXT,
  authorized_nip TEXT,
  duplicate_key TEXT,
  ksef_number TEXT UNIQUE,
  invoicing_date TEXT NOT NULL,
  acquisition_date TEXT,
  permanent_storage_date TEXT,
  issue_date TEXT,
  invoicing_mode TEXT,
  offline_mode INTEGER NOT NULL DEFAULT 0,
  hash_of_corrected_invoice TEXT,
  metadata TEXT,
  content BLOB,
  decrypt_error INTEGER NOT NULL DEFAULT 0,
  not_before_ms INTEGER
);
CREATE INDEX IF NOT EXISTS invoices_by_session ON invoices (session_reference, ordinal);
CREATE UNIQUE INDEX IF NOT EXISTS invoices_accepted_key ON invoices (duplicate_key) WHERE ksef_number IS NOT NULL;
CREATE INDEX IF NOT EXISTS invoices_by_key ON invoices (duplicate_key);
CREATE INDEX IF NOT EXISTS invoices_by_hash ON invoices (invoice_hash);
CREATE INDEX IF NOT EXISTS invoices_by_seller ON invoices (seller_nip, acquisition_date);
CREATE INDEX IF NOT EXISTS invoices_by_buyer ON invoices (buyer_nip, acquisition_date);
CREATE INDEX IF NOT EXISTS invoices_pending ON invoices (status_code) WHERE status_code < 200;

CREATE TABLE IF NOT EXISTS exports (
  reference_number TEXT PRIMARY KEY,
  context_type TEXT NOT NULL,
  context_value TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  status_description TEXT NOT NULL,
  status_details TEXT,
  request TEXT NOT NULL,
  package TEXT,
  date_created TEXT NOT NULL,
  completed_date TEXT,
  expiration_date TEXT,
  symmetric_key BLOB,
  iv BLOB
);

CREATE TABLE IF NOT EXISTS export_parts (
  export_reference TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  content BLOB NOT NULL,
  PRIMARY KEY (export_reference, ordinal)
);

CREATE TABLE IF NOT EXISTS context_settings (
  context TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (context, kind)
);
`
