-- SQLite (3.40) checks `state IN ('a', 'b', 'c')` in a CHECK constraint by
-- looking the value up in a temporary index, which costs about 1 µs a row
-- (bench/sqlite_checks.sh): most of a second of a million-row write of
-- entitlements or payments, and again at each change of their state. The
-- same rule written as `state = 'a' OR state = 'b' OR ...` costs next to
-- nothing. So the checks of the tables written a million rows at a time
-- (individuals, program memberships, payment details, entitlements,
-- payments) are rewritten that way; they accept and refuse exactly the same
-- values.
--
-- SQLite cannot alter a CHECK constraint, and rebuilding these tables
-- would copy every row (and entitlements is referred to by payments). A
-- constraint is part of the table's stored CREATE statement only, so the
-- statement's text is replaced, as SQLite's documentation of ALTER TABLE
-- describes for changing constraints: every row already satisfies the new
-- checks, since they are the old ones. PostgreSQL checks IN lists fast and
-- keeps its constraints as they are.
--@sqlite
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(replace(sql,
  'CHECK (sex IN (''female'', ''male'', ''other'', ''unknown''))',
  'CHECK (sex = ''female'' OR sex = ''male'' OR sex = ''other'' OR sex = ''unknown'')'),
  'CHECK (status IN (''active'', ''inactive'', ''deceased''))',
  'CHECK (status = ''active'' OR status = ''inactive'' OR status = ''deceased'')')
WHERE type = 'table' AND name = 'individuals';
UPDATE sqlite_schema
SET sql = replace(sql,
  'CHECK (state IN (''draft'', ''enrolled'', ''paused'', ''exited'', ''graduated'',
                                       ''not_eligible'', ''duplicated''))',
  'CHECK (state = ''draft'' OR state = ''enrolled'' OR state = ''paused'' OR
                       state = ''exited'' OR state = ''graduated'' OR state = ''not_eligible'' OR
                       state = ''duplicated'')')
WHERE type = 'table' AND name = 'program_memberships';
UPDATE sqlite_schema
SET sql = replace(sql,
  'CHECK (channel IN (''bank_transfer'', ''mobile_money'', ''cash''))',
  'CHECK (channel = ''bank_transfer'' OR channel = ''mobile_money'' OR channel = ''cash'')')
WHERE type = 'table' AND name = 'payment_details';
UPDATE sqlite_schema
SET sql = replace(sql,
  'CHECK (state IN (''draft'', ''pending_approval'', ''approved'', ''paid'', ''failed'',
                                       ''cancelled''))',
  'CHECK (state = ''draft'' OR state = ''pending_approval'' OR state = ''approved'' OR
                       state = ''paid'' OR state = ''failed'' OR state = ''cancelled'')')
WHERE type = 'table' AND name = 'entitlements';
UPDATE sqlite_schema
SET sql = replace(sql,
  'CHECK (state IN (''pending'', ''paid'', ''failed''))',
  'CHECK (state = ''pending'' OR state = ''paid'' OR state = ''failed'')')
WHERE type = 'table' AND name = 'payments';
-- Reads the new statements back into this connection's schema (and ends
-- writable_schema); the table created and dropped changes the schema's
-- version, so that other connections read them again too.
PRAGMA writable_schema = RESET;
CREATE TABLE schema_checks_rewritten (done INTEGER);
DROP TABLE schema_checks_rewritten;
--@end
