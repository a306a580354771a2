-- Programs, their versioned rules, and who is in them: program memberships
-- with their state and every change of state.

CREATE TABLE programs (
  id {pk},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('unconditional_cash', 'conditional_cash', 'emergency',
                                     'agricultural_support', 'in_kind')),
  target TEXT NOT NULL CHECK (target IN ('individuals', 'groups')),
  period_from {date},
  period_to {date},
  max_beneficiaries BIGINT CHECK (max_beneficiaries > 0),
  budget_minor BIGINT CHECK (budget_minor >= 0),
  currency TEXT NOT NULL DEFAULT '',
  institution TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL CHECK (state IN ('draft', 'active', 'ended')),
  dialect TEXT NOT NULL CHECK (dialect IN ('standard', 'openspp')),
  -- The current rule version (program_rules).
  rule_version INTEGER NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  created_by TEXT NOT NULL,
  created_at {timestamp} NOT NULL,
  updated_at {timestamp} NOT NULL
);

-- Every version of a program's rules; a version is never changed, so a
-- decision that names it can be replayed.
CREATE TABLE program_rules (
  program_id BIGINT NOT NULL REFERENCES programs (id),
  version INTEGER NOT NULL,
  eligibility TEXT NOT NULL,
  priority TEXT,
  created_by TEXT NOT NULL,
  created_at {timestamp} NOT NULL,
  PRIMARY KEY (program_id, version)
);

CREATE TABLE program_memberships (
  id {pk},
  program_id BIGINT NOT NULL REFERENCES programs (id),
  -- An individual's or a group's id, as the program's target says.
  registrant_id BIGINT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('draft', 'enrolled', 'paused', 'exited', 'graduated',
                                       'not_eligible', 'duplicated')),
  rule_version INTEGER,
  reason TEXT NOT NULL DEFAULT '',
  -- The priority the last run computed, for ordering applicants.
  priority DOUBLE PRECISION,
  enrolled_at {timestamp},
  updated_at {timestamp} NOT NULL,
  UNIQUE (program_id, registrant_id)
);
CREATE INDEX program_memberships_state ON program_memberships (program_id, state, id);

CREATE TABLE program_membership_events (
  id {pk},
  membership_id BIGINT NOT NULL REFERENCES program_memberships (id),
  from_state TEXT,
  to_state TEXT NOT NULL,
  reason TEXT NOT NULL,
  rule_version INTEGER,
  actor TEXT NOT NULL,
  -- The eligibility run (job) that made the change, when one did.
  job_id BIGINT,
  at {timestamp} NOT NULL
);
CREATE INDEX program_membership_events_membership ON program_membership_events (membership_id, id);

-- The Logic Pack: named constants and named rules that every program's rules
-- may use, in order (a rule sees the names before it).
CREATE TABLE logic_pack (
  position INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  -- A constant as JSON (a number, text or true/false), or a CEL expression.
  constant_json TEXT,
  expression TEXT,
  CHECK ((constant_json IS NULL) <> (expression IS NULL))
);
