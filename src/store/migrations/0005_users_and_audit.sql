-- Users, the roles and scopes that limit them, API clients, and the audit
-- trail: an append-only, hash-chained log of every write.

CREATE TABLE users (
  id {pk},
  username TEXT NOT NULL UNIQUE,
  -- Argon2id, in libsodium's self-describing string form.
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  disabled {bool} NOT NULL DEFAULT FALSE,
  created_at {timestamp} NOT NULL,
  updated_at {timestamp} NOT NULL
);

-- A user limited to areas sees and changes only registrants there (and in
-- their sub-areas); one with no rows here is not limited by area.
CREATE TABLE user_areas (
  user_id BIGINT NOT NULL REFERENCES users (id),
  area_id BIGINT NOT NULL REFERENCES areas (id),
  PRIMARY KEY (user_id, area_id)
);

-- Likewise for programs, by program code (programs come later).
CREATE TABLE user_programs (
  user_id BIGINT NOT NULL REFERENCES users (id),
  program_code TEXT NOT NULL,
  PRIMARY KEY (user_id, program_code)
);

CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at {timestamp} NOT NULL,
  actor TEXT NOT NULL,
  request_id TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  before_value TEXT,
  after_value TEXT,
  -- The hash of the entry before (all zeros for the first) and of this one
  -- (over its fields and prev_hash): an edited, inserted or removed entry
  -- breaks the chain.
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_at ON audit_log (at, seq);

-- The end of the chain: appends lock this row, so they take turns, and a
-- removed last entry is noticed.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq BIGINT NOT NULL,
  last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The log is append-only for the application: updates and deletes are refused.
--@sqlite
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'the audit log is append-only');
END;
--@end
--@postgres
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
--@end
