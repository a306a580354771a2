-- Background jobs: persisted so progress survives a restart and a crash is
-- noticed (a running job whose heartbeat stopped).

CREATE TABLE jobs (
  id {pk},
  kind TEXT NOT NULL,
  parameters {json} NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  progress_done BIGINT NOT NULL DEFAULT 0,
  progress_total BIGINT NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at {timestamp} NOT NULL,
  started_at {timestamp},
  finished_at {timestamp},
  heartbeat_at {timestamp},
  -- "host:pid" of the process running it, to tell a crashed run from a live one.
  worker TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  cancel_requested {bool} NOT NULL DEFAULT FALSE,
  result {json},
  error TEXT
);
CREATE INDEX jobs_state ON jobs (state, id);
