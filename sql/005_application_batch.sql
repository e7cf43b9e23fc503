-- 005_application_batch.sql: the batch of every application is checked
-- once a statement, by the trigger that already reads each statement's
-- applications against aap.batch, instead of by a foreign key that looks
-- the batch up and locks it for every row (docs/database.md, "Checked once
-- a statement").
-- Apply with scripts/migrate (psql --single-transaction); safe to run again.

SET client_min_messages = warning;
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aap.migrate'));
SET ROLE aap_owner;

-- This replaces 004's aap.check_record_numbers() whole, as migrations do.
-- What 004 checks, and first that the batch exists: a row of added with no
-- batch is refused with 23503 (foreign_key_violation), as the foreign key
-- refused it. Rows are only ever inserted and a batch is never deleted,
-- so a batch that exists when its applications are inserted exists for
-- good (003_statement_checks.sql says the same of the other tables).
CREATE OR REPLACE FUNCTION aap.check_record_numbers()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
	b text;
	s integer;
	n integer;
BEGIN
	SELECT a.batch_id, a.seq, x.record_count INTO b, s, n
	FROM added AS a
	LEFT JOIN aap.batch AS x ON x.batch_id = a.batch_id
	WHERE x.batch_id IS NULL OR a.seq > x.record_count
	LIMIT 1;
	IF FOUND AND n IS NULL THEN
		RAISE EXCEPTION 'cannot add rows to "%.%" for batch "%": there is no such batch',
			TG_TABLE_SCHEMA, TG_TABLE_NAME, b
			USING ERRCODE = 'foreign_key_violation',
			      DETAIL = format('Key (batch_id)=(%s) is not present in table "aap.batch".', b);
	ELSIF FOUND THEN
		RAISE EXCEPTION 'cannot add record % to batch "%": its record_count is %',
			s, b, n
			USING ERRCODE = 'check_violation',
			      DETAIL = 'The records of a batch are numbered from 1 to its record_count.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION aap.check_record_numbers() IS
	'trigger: once per statement, refuses an application whose batch does not exist (23503) or numbered above its batch''s record_count (23514)';
REVOKE ALL ON FUNCTION aap.check_record_numbers() FROM PUBLIC;

-- Only now that the trigger holds: the foreign key goes.
ALTER TABLE aap.application DROP CONSTRAINT IF EXISTS application_batch_id_fkey;

INSERT INTO aap.migrations (version, name) VALUES (5, '005_application_batch')
	ON CONFLICT (version) DO NOTHING;

RESET ROLE;
