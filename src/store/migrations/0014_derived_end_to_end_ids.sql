-- A payment's end-to-end id is derived from its cycle, entitlement and
-- attempt (SPMIS-C<cycle>-E<entitlement>-<attempt>, payments::EndToEndId),
-- so it is no longer stored: the rule that no id is issued twice is the
-- unique key on (entitlement_id, attempt), integers instead of a 27-byte
-- text, which also serves reconciliation's look-ups. A payment's updated_at
-- is set when its state changes and empty until then. Batching writes a
-- million payments at a time: each byte and index entry less counts there.
--@postgres
ALTER TABLE payments DROP COLUMN end_to_end_id;
ALTER TABLE payments ALTER COLUMN updated_at DROP NOT NULL;
UPDATE payments SET updated_at = NULL WHERE updated_at = created_at;
CREATE UNIQUE INDEX payments_attempt ON payments (entitlement_id, attempt);
--@end
--@sqlite
-- SQLite drops neither a UNIQUE column nor a NOT NULL: the table is rebuilt
-- (nothing refers to payments by foreign key), keeping its ids and the
-- AUTOINCREMENT sequence, so no id is ever handed out twice.
CREATE TEMP TABLE payments_sequence AS
  SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'payments'), 0) AS seq;
CREATE TABLE payments_rebuilt (
  id {pk},
  batch_id BIGINT NOT NULL REFERENCES payment_batches (id),
  cycle_id BIGINT NOT NULL,
  entitlement_id BIGINT NOT NULL REFERENCES entitlements (id),
  registrant_id BIGINT NOT NULL,
  attempt INTEGER NOT NULL,
  amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
  currency TEXT NOT NULL,
  name TEXT NOT NULL,
  channel TEXT NOT NULL,
  provider TEXT NOT NULL,
  account TEXT NOT NULL,
  bic TEXT,
  state TEXT NOT NULL CHECK (state IN ('pending', 'paid', 'failed')),
  reason TEXT,
  reconciliation_id BIGINT,
  created_at {timestamp} NOT NULL,
  updated_at {timestamp},
  failed_at {timestamp}
);
INSERT INTO payments_rebuilt (id, batch_id, cycle_id, entitlement_id, registrant_id, attempt,
                              amount_minor, currency, name, channel, provider, account, bic,
                              state, reason, reconciliation_id, created_at, updated_at, failed_at)
  SELECT id, batch_id, cycle_id, entitlement_id, registrant_id, attempt, amount_minor, currency,
         name, channel, provider, account, bic, state, reason, reconciliation_id, created_at,
         NULLIF(updated_at, created_at), failed_at
  FROM payments ORDER BY id;
DROP TABLE payments;
ALTER TABLE payments_rebuilt RENAME TO payments;
UPDATE sqlite_sequence SET seq = MAX(seq, (SELECT seq FROM payments_sequence))
  WHERE name = 'payments';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'payments', seq FROM payments_sequence
  WHERE seq > 0 AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'payments');
DROP TABLE payments_sequence;
CREATE UNIQUE INDEX payments_attempt ON payments (entitlement_id, attempt);
CREATE UNIQUE INDEX payments_one_live ON payments (entitlement_id) WHERE failed_at IS NULL;
CREATE INDEX payments_batch ON payments (batch_id, id);
CREATE INDEX payments_failed ON payments (entitlement_id) WHERE failed_at IS NOT NULL;
--@end
