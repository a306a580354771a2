-- Registrants that are not active (inactive, deceased) are few. Reads of the
-- whole registry (eligibility runs and previews) find them through these small
-- indexes instead of testing every row's status: PostgreSQL reaches the
-- status column of a row only after every column before it.
CREATE INDEX individuals_not_active ON individuals (id) WHERE status <> 'active';
CREATE INDEX registry_groups_not_active ON registry_groups (id) WHERE status <> 'active';
