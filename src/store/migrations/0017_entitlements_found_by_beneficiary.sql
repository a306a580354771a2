-- Entitlements were indexed by cycle while still to settle (approved or
-- failed), so that batching found them without reading paid ones. Every
-- payment reconciled as paid took its entitlement out of that index: a
-- million index deletions in a reconciliation of a million lines, about a
-- second of it. A cycle's entitlements are found through its unique key
-- (cycle_id, registrant_id) instead, which no change of state touches;
-- batching reads them in beneficiary order.
DROP INDEX entitlements_open;
