-- Payments: where each beneficiary is paid (payment details), the batches
-- sent to each financial service provider, one payment per attempt at an
-- entitlement, and the status files reconciled against them.

-- The account a program pays from, for ISO 20022 payment files.
ALTER TABLE programs ADD COLUMN funding_account TEXT;
ALTER TABLE programs ADD COLUMN funding_bic TEXT;

CREATE TABLE payment_details (
  registrant_kind TEXT NOT NULL CHECK (registrant_kind IN ('individual', 'group')),
  registrant_id BIGINT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('bank_transfer', 'mobile_money', 'cash')),
  -- The financial service provider (a bank, a mobile money operator) or, for
  -- cash, the distribution point.
  provider TEXT NOT NULL,
  -- IBAN or account number, wallet number (MSISDN); empty for cash.
  account TEXT NOT NULL DEFAULT '',
  bic TEXT,
  -- Whom the provider pays, when not the registrant's own name.
  holder_name TEXT,
  version BIGINT NOT NULL DEFAULT 1,
  updated_by TEXT NOT NULL,
  updated_at {timestamp} NOT NULL,
  PRIMARY KEY (registrant_kind, registrant_id)
);

CREATE TABLE payment_batches (
  id {pk},
  cycle_id BIGINT NOT NULL REFERENCES cycles (id),
  sequence INTEGER NOT NULL,
  channel TEXT NOT NULL,
  provider TEXT NOT NULL,
  payments BIGINT NOT NULL DEFAULT 0,
  total_minor BIGINT NOT NULL DEFAULT 0,
  currency TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at {timestamp} NOT NULL,
  exported_at {timestamp},
  UNIQUE (cycle_id, sequence)
);

-- One row per attempt to pay an entitlement. Everything a payment file shows
-- is copied here when the batch is made, so exporting it again gives the
-- same bytes whatever changed since.
CREATE TABLE payments (
  id {pk},
  batch_id BIGINT NOT NULL REFERENCES payment_batches (id),
  cycle_id BIGINT NOT NULL,
  entitlement_id BIGINT NOT NULL REFERENCES entitlements (id),
  registrant_id BIGINT NOT NULL,
  attempt INTEGER NOT NULL,
  -- The idempotency key sent to the provider and matched on reconciliation.
  end_to_end_id TEXT NOT NULL UNIQUE,
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
  updated_at {timestamp} NOT NULL
);
-- An entitlement has at most one payment that is not failed: it can never be
-- paid twice, whatever runs twice or crashes.
CREATE UNIQUE INDEX payments_one_live ON payments (entitlement_id) WHERE state <> 'failed';
CREATE INDEX payments_batch ON payments (batch_id, id);
-- Failed attempts, to number a re-issue; small, as most payments succeed.
CREATE INDEX payments_failed ON payments (entitlement_id) WHERE state = 'failed';
-- Whom a household's payment is made out to: its current head, read from
-- the index alone.
CREATE INDEX group_memberships_head_person ON group_memberships (group_id, individual_id)
  WHERE role = 'head' AND end_date IS NULL;

CREATE TABLE reconciliations (
  id {pk},
  file_name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  format TEXT NOT NULL,
  lines BIGINT NOT NULL DEFAULT 0,
  paid BIGINT NOT NULL DEFAULT 0,
  failed BIGINT NOT NULL DEFAULT 0,
  pending BIGINT NOT NULL DEFAULT 0,
  unchanged BIGINT NOT NULL DEFAULT 0,
  problems BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('running', 'done')),
  created_by TEXT NOT NULL,
  created_at {timestamp} NOT NULL,
  finished_at {timestamp}
);

-- Every change of a payment's state: before, after, why, from which file.
CREATE TABLE payment_events (
  id {pk},
  payment_id BIGINT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  reason TEXT,
  reconciliation_id BIGINT,
  actor TEXT NOT NULL,
  at {timestamp} NOT NULL
);
CREATE INDEX payment_events_payment ON payment_events (payment_id, id);

-- What a reconciliation refused to apply, line by line, for the finance
-- officer to take up with the provider.
CREATE TABLE reconciliation_problems (
  reconciliation_id BIGINT NOT NULL REFERENCES reconciliations (id),
  line BIGINT NOT NULL,
  end_to_end_id TEXT NOT NULL,
  problem TEXT NOT NULL
);
CREATE INDEX reconciliation_problems_by ON reconciliation_problems (reconciliation_id, line);
