-- Import history: every file brought into the registry, who brought it, what
-- became of its rows, and the error report a registrar downloads to fix and
-- re-upload the refused rows.

CREATE TABLE imports (
  id {pk},
  kind TEXT NOT NULL CHECK (kind IN ('areas', 'individuals', 'groups', 'memberships')),
  file_name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  format TEXT,
  state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'refused', 'failed')),
  rows_read BIGINT NOT NULL DEFAULT 0,
  rows_created BIGINT NOT NULL DEFAULT 0,
  rows_updated BIGINT NOT NULL DEFAULT 0,
  rows_unchanged BIGINT NOT NULL DEFAULT 0,
  rows_failed BIGINT NOT NULL DEFAULT 0,
  message TEXT,
  error_report TEXT,
  job_id BIGINT REFERENCES jobs (id),
  created_by TEXT NOT NULL,
  started_at {timestamp} NOT NULL,
  finished_at {timestamp}
);
CREATE INDEX imports_started ON imports (started_at);

-- Which import created a registrant or membership (provenance). No foreign
-- key: imports are never deleted, and a check per imported row would cost a
-- fifth of a bulk load on PostgreSQL.
ALTER TABLE individuals ADD COLUMN import_id BIGINT;
ALTER TABLE registry_groups ADD COLUMN import_id BIGINT;
ALTER TABLE group_memberships ADD COLUMN import_id BIGINT;
