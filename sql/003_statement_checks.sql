-- 003_statement_checks.sql: checks that cost per row made once per
-- statement instead, over the rows it added: the shape of
-- aap.application.fields, and the parent of every criterion_score, review,
-- consensus and conflict row (docs/database.md, "Checked once a statement");
-- and the text of stored files compressed with lz4.
-- Apply with scripts/migrate (psql --single-transaction); safe to run again.

SET client_min_messages = warning;
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aap.migrate'));
SET ROLE aap_owner;

-- Rows are only ever inserted: refuse_change refuses UPDATE, DELETE and
-- TRUNCATE of every batch table. So a parent that exists when its child is
-- inserted exists for good, and a check made once when a statement inserts
-- gives what a foreign key gives, without a lookup and a row lock per row.
-- The statement's rows are its transition table. SECURITY DEFINER because
-- the loader may not read the parent tables. Raises 23514 (check_violation)
-- for fields, 23503 (foreign_key_violation) for a missing parent.
CREATE OR REPLACE FUNCTION aap.check_added_rows()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
	b text;
	s integer;
	canonical text[];
BEGIN
	IF TG_TABLE_NAME = 'application' THEN
		-- What aap.is_text_map(fields, '^[a-z][a-z0-9_]*$') says, without
		-- its set-returning function and regular expression per key and
		-- per row: the canonical keys of one object are collected, and a
		-- row whose keys are all among them needs no regular expression;
		-- any other row is tested by aap.is_text_map itself. CASE keeps
		-- the order: "-" fails on a scalar.
		SELECT array_agg(k.key) INTO canonical
		FROM (SELECT a.fields FROM added AS a
		      WHERE jsonb_typeof(a.fields) = 'object' LIMIT 1) AS f,
		     jsonb_object_keys(f.fields) AS k(key)
		WHERE k.key ~ '^[a-z][a-z0-9_]*$';
		SELECT a.batch_id, a.seq INTO b, s
		FROM added AS a
		WHERE CASE
		      WHEN jsonb_typeof(a.fields) <> 'object' THEN true
		      WHEN a.fields @? 'strict $.* ? (@.type() != "string")' THEN true
		      WHEN a.fields - coalesce(canonical, '{}') = '{}' THEN false
		      ELSE NOT aap.is_text_map(a.fields, '^[a-z][a-z0-9_]*$')
		      END
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'cannot add rows to "%.%" for batch "%": the fields of record % are not an object of text values with canonical names',
				TG_TABLE_SCHEMA, TG_TABLE_NAME, b, s
				USING ERRCODE = 'check_violation',
				      DETAIL = 'Each key of fields matches ^[a-z][a-z0-9_]*$ and each value is a string.';
		END IF;
	ELSIF TG_TABLE_NAME = 'criterion_score' THEN
		-- EXCEPT rather than NOT EXISTS: its plan does not depend on how
		-- many rows the planner believes the batch has, so it never turns
		-- into a nested loop over both.
		FOR b IN SELECT DISTINCT a.batch_id FROM added AS a LOOP
			SELECT x.seq INTO s
			FROM (SELECT a.seq FROM added AS a WHERE a.batch_id = b
			      EXCEPT
			      SELECT p.seq FROM aap.application AS p WHERE p.batch_id = b) AS x
			LIMIT 1;
			IF FOUND THEN
				RAISE EXCEPTION 'cannot add rows to "%.%" for batch "%": it has no record %',
					TG_TABLE_SCHEMA, TG_TABLE_NAME, b, s
					USING ERRCODE = 'foreign_key_violation',
					      DETAIL = format('Key (batch_id, seq)=(%s, %s) is not present in table "aap.application".', b, s);
			END IF;
		END LOOP;
	ELSE
		SELECT a.batch_id INTO b
		FROM (SELECT DISTINCT d.batch_id FROM added AS d) AS a
		WHERE NOT EXISTS (SELECT 1 FROM aap.batch AS p WHERE p.batch_id = a.batch_id)
		LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'cannot add rows to "%.%" for batch "%": there is no such batch',
				TG_TABLE_SCHEMA, TG_TABLE_NAME, b
				USING ERRCODE = 'foreign_key_violation',
				      DETAIL = format('Key (batch_id)=(%s) is not present in table "aap.batch".', b);
		END IF;
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION aap.check_added_rows() IS
	'trigger: once per statement, the fields of new applications (23514) and the parent of new criterion_score, review, consensus and conflict rows (23503)';
REVOKE ALL ON FUNCTION aap.check_added_rows() FROM PUBLIC;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['application', 'criterion_score', 'review', 'consensus', 'conflict']
	LOOP
		EXECUTE format('CREATE OR REPLACE TRIGGER check_added_rows AFTER INSERT '
		               'ON aap.%I REFERENCING NEW TABLE AS added FOR EACH STATEMENT '
		               'EXECUTE FUNCTION aap.check_added_rows()', t);
	END LOOP;
END
$$;

-- Only now that the triggers hold: what they check is no longer checked
-- row by row.
ALTER TABLE aap.application DROP CONSTRAINT IF EXISTS application_fields_check;
ALTER TABLE aap.criterion_score DROP CONSTRAINT IF EXISTS criterion_score_batch_id_seq_fkey;
ALTER TABLE aap.review DROP CONSTRAINT IF EXISTS review_batch_id_fkey;
ALTER TABLE aap.consensus DROP CONSTRAINT IF EXISTS consensus_batch_id_fkey;
ALTER TABLE aap.conflict DROP CONSTRAINT IF EXISTS conflict_batch_id_fkey;

-- A side file may be tens of megabytes (a reviews file holds every mark):
-- lz4 stores its text several times faster than the default pglz. Values
-- already stored keep their compression; a server built without lz4 keeps
-- pglz.
DO $$
BEGIN
	ALTER TABLE aap.config_file ALTER COLUMN content SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
	NULL;
END
$$;

INSERT INTO aap.migrations (version, name) VALUES (3, '003_statement_checks')
	ON CONFLICT (version) DO NOTHING;

RESET ROLE;
