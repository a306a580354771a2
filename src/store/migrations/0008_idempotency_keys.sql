-- POST requests sent with an Idempotency-Key: the first one's response, so
-- that a retry gets the same answer instead of doing the work twice.
CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  -- Null while the first request is still being answered.
  status INTEGER,
  content_type TEXT,
  body TEXT,
  location TEXT,
  created_at {timestamp} NOT NULL,
  PRIMARY KEY (principal, idempotency_key)
);
