-- An entitlement's inputs were a JSON text on every row: the cycle's start
-- (the date ages are counted at), the rule version's fixed amount and cap,
-- what the amount rule gave, and whether the cap applied. All but what the
-- rule gave are the cycle's or the rule version's (a version is never
-- changed once written), so only that is kept, as an integer; the rest is
-- read from the cycle and program_rules, and whether the cap applied follows
-- from them. A cycle of a million entitlements is written once, and
-- rewritten at submission, approval and reconciliation: the rows are about
-- 80 bytes narrower.
ALTER TABLE entitlements ADD COLUMN amount_from_rule BIGINT NOT NULL DEFAULT 0;
--@postgres
UPDATE entitlements SET amount_from_rule = (inputs::jsonb ->> 'from_rule')::bigint;
--@end
--@sqlite
UPDATE entitlements SET amount_from_rule = json_extract(inputs, '$.from_rule');
--@end
ALTER TABLE entitlements DROP COLUMN inputs;
