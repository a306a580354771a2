-- The audit trail grows by every read of personal data. Its entries are in
-- time order already (seq), so a time filter scans in seq order; one index
-- fewer keeps appends cheap.
DROP INDEX audit_log_at;
