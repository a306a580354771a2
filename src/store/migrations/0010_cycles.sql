-- Entitlement rules (a version of a program's rules like its eligibility
-- rule), cycles, entitlements, and the approvals of each cycle.

ALTER TABLE program_rules ADD COLUMN amount_fixed BIGINT;
ALTER TABLE program_rules ADD COLUMN amount_rule TEXT;
ALTER TABLE program_rules ADD COLUMN amount_cap BIGINT;
-- In-kind items per beneficiary: [{"item", "quantity", "unit"}], as JSON.
ALTER TABLE program_rules ADD COLUMN in_kind_items TEXT;
-- Cycles whose total is above this (minor units) need a second approval.
ALTER TABLE programs ADD COLUMN second_approval_above BIGINT;

CREATE TABLE cycles (
  id {pk},
  program_id BIGINT NOT NULL REFERENCES programs (id),
  sequence INTEGER NOT NULL,
  start_date {date} NOT NULL,
  end_date {date} NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('draft', 'to_approve', 'approved', 'distributing',
                                       'ended', 'cancelled')),
  -- Who generated the entitlements and submitted them: they may not approve.
  prepared_by TEXT,
  submitted_by TEXT,
  approvals_needed INTEGER NOT NULL DEFAULT 1,
  version BIGINT NOT NULL DEFAULT 1,
  created_by TEXT NOT NULL,
  created_at {timestamp} NOT NULL,
  updated_at {timestamp} NOT NULL,
  UNIQUE (program_id, sequence)
);

CREATE TABLE entitlements (
  id {pk},
  cycle_id BIGINT NOT NULL REFERENCES cycles (id),
  registrant_id BIGINT NOT NULL,
  amount_minor BIGINT NOT NULL CHECK (amount_minor >= 0),
  currency TEXT NOT NULL,
  -- In-kind items as JSON, for in-kind programs.
  items TEXT,
  state TEXT NOT NULL CHECK (state IN ('draft', 'pending_approval', 'approved', 'paid', 'failed',
                                       'cancelled')),
  rule_version INTEGER NOT NULL,
  -- What the amount was computed from, as JSON.
  inputs TEXT NOT NULL,
  approved_at {timestamp},
  created_at {timestamp} NOT NULL,
  updated_at {timestamp} NOT NULL,
  -- At most one entitlement per beneficiary per cycle, whatever happens.
  UNIQUE (cycle_id, registrant_id)
);
CREATE INDEX entitlements_state ON entitlements (cycle_id, state);

CREATE TABLE cycle_approvals (
  id {pk},
  cycle_id BIGINT NOT NULL REFERENCES cycles (id),
  level INTEGER NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
  actor TEXT NOT NULL,
  role TEXT,
  comment TEXT NOT NULL DEFAULT '',
  at {timestamp} NOT NULL
);
CREATE INDEX cycle_approvals_cycle ON cycle_approvals (cycle_id, id);
