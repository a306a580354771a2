-- Browser sessions, API clients (OAuth2 client credentials), the key that
-- signs their tokens, and tokens revoked before they expire.

CREATE TABLE sessions (
  -- SHA-256 of the cookie's token: a copy of this table signs nobody in.
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id),
  csrf_token TEXT NOT NULL,
  created_at {timestamp} NOT NULL,
  expires_at {timestamp} NOT NULL,
  revoked_at {timestamp}
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_clients (
  id {pk},
  client_id TEXT NOT NULL UNIQUE,
  -- Argon2id of the secret, which is shown once when the client is created.
  secret_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  disabled {bool} NOT NULL DEFAULT FALSE,
  created_at {timestamp} NOT NULL
);

-- The Ed25519 key pair that signs access tokens; every server of a cluster
-- reads the same one.
CREATE TABLE signing_keys (
  id {pk},
  public_key TEXT NOT NULL,
  secret_key TEXT NOT NULL,
  created_at {timestamp} NOT NULL
);

CREATE TABLE revoked_tokens (
  token_id TEXT PRIMARY KEY,
  revoked_at {timestamp} NOT NULL,
  expires_at {timestamp} NOT NULL
);
