-- Secondary indexes dropped for the length of a bulk load (rebuilding them
-- at the end is faster than maintaining them row by row), with their
-- definitions, so that any start after a crash puts them back.

CREATE TABLE suspended_indexes (
  name TEXT PRIMARY KEY,
  definition TEXT NOT NULL,
  suspended_at {timestamp} NOT NULL
);
