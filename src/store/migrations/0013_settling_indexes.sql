-- Reconciliation settles up to millions of payments at a time; settling one
-- should touch as few index entries as possible.
-- * The rule of one live payment per entitlement keys on when a payment
--   failed (failed_at), which paying it does not change, instead of on its
--   state, which it does.
-- * Entitlements are indexed by cycle only while still to be settled
--   (approved, or failed and awaiting a re-issue): what payment batches read
--   and what keeps a cycle open. Paying one removes its entry instead of
--   moving it, and draft entitlements cost no entry at all.
ALTER TABLE payments ADD COLUMN failed_at {timestamp};
UPDATE payments SET failed_at = updated_at WHERE state = 'failed';
DROP INDEX payments_one_live;
CREATE UNIQUE INDEX payments_one_live ON payments (entitlement_id) WHERE failed_at IS NULL;
DROP INDEX payments_failed;
CREATE INDEX payments_failed ON payments (entitlement_id) WHERE failed_at IS NOT NULL;
DROP INDEX entitlements_state;
CREATE INDEX entitlements_open ON entitlements (cycle_id, id) WHERE state IN ('approved', 'failed');
