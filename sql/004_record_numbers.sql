-- 004_record_numbers.sql: an application's number is never above its
-- batch's record count, checked as each statement adds applications, so
-- that the completeness of a batch holds whenever its check runs
-- (docs/database.md, "Pushing a batch").
-- Apply with scripts/migrate (psql --single-transaction); safe to run again.

SET client_min_messages = warning;
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aap.migrate'));
SET ROLE aap_owner;

-- check_batch_complete runs when the transaction's deferred checks run:
-- at commit, or earlier if the transaction says SET CONSTRAINTS ALL
-- IMMEDIATE. Run early, over a batch row declaring no record, it passes,
-- and nothing would check applications added after it. Records are
-- numbered from 1 and (batch_id, seq) is the key, so refusing any number
-- above record_count bounds the count whenever rows come. SECURITY
-- DEFINER because the loader may not read aap.batch. Raises 23514
-- (check_violation).
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
	JOIN aap.batch AS x ON x.batch_id = a.batch_id
	WHERE a.seq > x.record_count
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'cannot add record % to batch "%": its record_count is %',
			s, b, n
			USING ERRCODE = 'check_violation',
			      DETAIL = 'The records of a batch are numbered from 1 to its record_count.';
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION aap.check_record_numbers() IS
	'trigger: once per statement, refuses an application numbered above its batch''s record_count (23514)';
REVOKE ALL ON FUNCTION aap.check_record_numbers() FROM PUBLIC;

-- Triggers of one event fire in the order of their names: this one after
-- refuse_closed_batch, whose ZA001 says more about rows for a committed
-- batch.
CREATE OR REPLACE TRIGGER seq_within_record_count AFTER INSERT ON aap.application
	REFERENCING NEW TABLE AS added FOR EACH STATEMENT
	EXECUTE FUNCTION aap.check_record_numbers();

INSERT INTO aap.migrations (version, name) VALUES (4, '004_record_numbers')
	ON CONFLICT (version) DO NOTHING;

RESET ROLE;
