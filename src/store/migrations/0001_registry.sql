-- The registry: areas, individuals, groups and their memberships, the
-- configuration that shapes them, and the field-level history of every change.

CREATE TABLE areas (
  id {pk},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  level INTEGER NOT NULL CHECK (level >= 0),
  parent_id BIGINT REFERENCES areas (id),
  -- "/1/5/23/": the ids from the root down to this area, for sub-area queries.
  path TEXT NOT NULL,
  boundary {json},
  created_at {timestamp} NOT NULL,
  updated_at {timestamp} NOT NULL
);
CREATE INDEX areas_parent ON areas (parent_id);

CREATE TABLE group_kinds (
  code TEXT PRIMARY KEY,
  label TEXT NOT NULL
);
INSERT INTO group_kinds (code, label) VALUES ('household', 'Household');

CREATE TABLE membership_roles (
  code TEXT PRIMARY KEY,
  label TEXT NOT NULL
);
INSERT INTO membership_roles (code, label) VALUES
  ('head', 'Head'), ('spouse', 'Spouse'), ('child', 'Child'),
  ('other_relative', 'Other relative'), ('non_relative', 'Non-relative');

CREATE TABLE custom_fields (
  registrant_kind TEXT NOT NULL CHECK (registrant_kind IN ('individual', 'group')),
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('integer', 'decimal', 'boolean', 'date', 'text', 'choice')),
  choices {json},
  required {bool} NOT NULL DEFAULT FALSE,
  PRIMARY KEY (registrant_kind, name)
);

CREATE TABLE individuals (
  id {pk},
  external_id TEXT UNIQUE,
  given_name TEXT NOT NULL DEFAULT '',
  family_name TEXT NOT NULL DEFAULT '',
  other_names TEXT NOT NULL DEFAULT '',
  -- Lower-cased "given other family", for name search.
  search_name TEXT NOT NULL DEFAULT '',
  sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
  birth_date {date},
  phone TEXT,
  email TEXT,
  address TEXT,
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  area_id BIGINT REFERENCES areas (id),
  disability {bool} NOT NULL DEFAULT FALSE,
  custom {json} NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'deceased')),
  version BIGINT NOT NULL DEFAULT 1,
  created_at {timestamp} NOT NULL,
  updated_at {timestamp} NOT NULL
);
CREATE INDEX individuals_area ON individuals (area_id, id);
CREATE INDEX individuals_family_name ON individuals (family_name, id);
CREATE INDEX individuals_birth_date ON individuals (birth_date, id);
CREATE INDEX individuals_created_at ON individuals (created_at, id);

CREATE TABLE id_documents (
  id {pk},
  individual_id BIGINT NOT NULL REFERENCES individuals (id),
  type TEXT NOT NULL,
  number TEXT NOT NULL,
  issuer TEXT,
  expiry {date}
);
CREATE INDEX id_documents_individual ON id_documents (individual_id);
-- A national ID belongs to one person only.
CREATE UNIQUE INDEX id_documents_national_id ON id_documents (number) WHERE type = 'national_id';

CREATE TABLE registry_groups (
  id {pk},
  external_id TEXT UNIQUE,
  kind TEXT NOT NULL REFERENCES group_kinds (code),
  name TEXT NOT NULL DEFAULT '',
  area_id BIGINT REFERENCES areas (id),
  custom {json} NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
  version BIGINT NOT NULL DEFAULT 1,
  created_at {timestamp} NOT NULL,
  updated_at {timestamp} NOT NULL
);
CREATE INDEX registry_groups_area ON registry_groups (area_id, id);

CREATE TABLE group_memberships (
  id {pk},
  group_id BIGINT NOT NULL REFERENCES registry_groups (id),
  individual_id BIGINT NOT NULL REFERENCES individuals (id),
  role TEXT NOT NULL REFERENCES membership_roles (code),
  start_date {date},
  end_date {date},
  created_at {timestamp} NOT NULL,
  updated_at {timestamp} NOT NULL
);
CREATE INDEX group_memberships_group ON group_memberships (group_id);
CREATE INDEX group_memberships_individual ON group_memberships (individual_id);
-- A group has one current head, and a person is a current member of a group once.
CREATE UNIQUE INDEX group_memberships_one_head
  ON group_memberships (group_id) WHERE role = 'head' AND end_date IS NULL;
CREATE UNIQUE INDEX group_memberships_current
  ON group_memberships (group_id, individual_id) WHERE end_date IS NULL;

-- One row per created registrant or changed field: who changed what, when.
CREATE TABLE registrant_history (
  id {pk},
  registrant_kind TEXT NOT NULL,
  registrant_id BIGINT NOT NULL,
  action TEXT NOT NULL,
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  actor TEXT NOT NULL,
  changed_at {timestamp} NOT NULL
);
CREATE INDEX registrant_history_registrant ON registrant_history (registrant_kind, registrant_id, id);
