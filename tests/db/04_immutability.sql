-- 04_immutability.sql: the rows of a committed batch cannot change. UPDATE
-- and DELETE are refused by row triggers and TRUNCATE by statement triggers
-- with SQLSTATE ZA001, for the superuser and the owner too; the other roles
-- lack the privilege (42501). Nothing can be added to a committed batch.
-- The batches were committed by tests/db/run before this file.

BEGIN;
SET LOCAL client_min_messages = warning;
SELECT plan(126);

CREATE TEMPORARY TABLE batch_table (name text PRIMARY KEY);
INSERT INTO batch_table VALUES ('batch'), ('config_file'), ('application'),
	('criterion_score'), ('review'), ('consensus'), ('conflict');
GRANT SELECT ON batch_table TO PUBLIC;

SELECT cmp_ok(
	(SELECT count(*) FROM aap.batch WHERE batch_id = 'sud-ia-2025-r1'), '=', 1::bigint,
	'the committed batch sud-ia-2025-r1 is there');
SELECT isnt_empty(format('SELECT 1 FROM aap.%I WHERE batch_id = %L', name, 'sud-ia-2025-r1'),
	format('aap.%s holds rows of the committed batch', name))
FROM batch_table ORDER BY name;

-- The superuser that runs the tests, then the owner.
SELECT throws_ok(format('UPDATE aap.%I SET batch_id = batch_id', name), 'ZA001',
	format('cannot update rows of "aap.%s": a committed batch is immutable', name),
	format('the superuser cannot update aap.%s', name))
FROM batch_table ORDER BY name;
SELECT throws_ok(format('DELETE FROM aap.%I', name), 'ZA001',
	format('cannot delete rows of "aap.%s": a committed batch is immutable', name),
	format('the superuser cannot delete from aap.%s', name))
FROM batch_table ORDER BY name;
SELECT throws_ok(format('TRUNCATE aap.%I CASCADE', name), 'ZA001', NULL,
	format('the superuser cannot truncate aap.%s', name))
FROM batch_table ORDER BY name;
SELECT throws_ok('TRUNCATE aap.conflict', 'ZA001',
	'cannot truncate "aap.conflict": a committed batch is immutable',
	'the refusal of TRUNCATE names the table');

SET ROLE aap_owner;
SELECT throws_ok(format('UPDATE aap.%I SET batch_id = batch_id', name), 'ZA001', NULL,
	format('aap_owner cannot update aap.%s', name))
FROM batch_table ORDER BY name;
SELECT throws_ok(format('DELETE FROM aap.%I', name), 'ZA001', NULL,
	format('aap_owner cannot delete from aap.%s', name))
FROM batch_table ORDER BY name;
SELECT throws_ok(format('TRUNCATE aap.%I CASCADE', name), 'ZA001', NULL,
	format('aap_owner cannot truncate aap.%s', name))
FROM batch_table ORDER BY name;
SELECT throws_ok(
	$$UPDATE aap.application SET decision = 'funded', award = 1000.00
	  WHERE batch_id = 'sud-ia-2025-r1' AND seq = 2$$,
	'ZA001', NULL, 'aap_owner cannot change a decision in place');
RESET ROLE;

-- The other roles have no privilege to try.
CREATE FUNCTION pg_temp.try_changes_as(r name) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	t text;
BEGIN
	EXECUTE format('SET LOCAL ROLE %I', r);
	FOR t IN SELECT name FROM batch_table ORDER BY name LOOP
		RETURN NEXT throws_ok(format('UPDATE aap.%I SET batch_id = batch_id', t),
			'42501', NULL, format('%s cannot update aap.%s', r, t));
		RETURN NEXT throws_ok(format('DELETE FROM aap.%I', t),
			'42501', NULL, format('%s cannot delete from aap.%s', r, t));
		RETURN NEXT throws_ok(format('TRUNCATE aap.%I CASCADE', t),
			'42501', NULL, format('%s cannot truncate aap.%s', r, t));
	END LOOP;
	RESET ROLE;
END
$$;
SELECT * FROM pg_temp.try_changes_as('aap_loader');
SELECT * FROM pg_temp.try_changes_as('aap_committee');
SELECT * FROM pg_temp.try_changes_as('aap_auditor');
SELECT is(current_user::text, session_user::text, 'back to the superuser');

-- Nothing joins a committed batch, whoever adds it.
SET ROLE aap_loader;
SELECT throws_ok(
	$$INSERT INTO aap.application (batch_id, seq, application_id, fields,
	                               source_file, source_line, admissible)
	  VALUES ('sud-ia-2025-r1', 5, 'A-999', '{}', 'late.csv', 2, true)$$,
	'ZA001',
	'cannot add rows to "aap.application" for batch "sud-ia-2025-r1": a committed batch is immutable',
	'aap_loader cannot add an application to a committed batch');
SELECT throws_ok(
	$$INSERT INTO aap.criterion_score (batch_id, seq, criterion, score)
	  VALUES ('sud-ia-2025-r1', 3, 'novelty', 20)$$,
	'ZA001', NULL, 'aap_loader cannot add a score to a committed batch');
SELECT throws_ok(
	$$INSERT INTO aap.config_file (batch_id, role, name, sha256, content)
	  VALUES ('sud-ia-2025-r1', 'call', 'extra.csv',
	          encode(sha256(''), 'hex'), '')$$,
	'ZA001', NULL, 'aap_loader cannot add a file to a committed batch');
SELECT throws_ok(
	$$INSERT INTO aap.review (batch_id, seq, application_id, reviewer, criterion, mark)
	  VALUES ('sud-ia-2025-r1', 3, 'A-002', 'rev3', 'innovation', 20)$$,
	'ZA001', NULL, 'aap_loader cannot add a review to a committed batch');
SELECT throws_ok(
	$$INSERT INTO aap.consensus (batch_id, seq, application_id, criterion, score, author)
	  VALUES ('sud-ia-2025-r1', 2, 'A-001', 'impact', 20, 'chair')$$,
	'ZA001', NULL, 'aap_loader cannot add a consensus to a committed batch');
SELECT throws_ok(
	$$INSERT INTO aap.conflict (batch_id, seq, reviewer, application_id)
	  VALUES ('sud-ia-2025-r1', 2, 'rev1', 'A-001')$$,
	'ZA001', NULL, 'aap_loader cannot add a conflict to a committed batch');
RESET ROLE;
SET ROLE aap_owner;
SELECT throws_ok(
	$$INSERT INTO aap.conflict (batch_id, seq, reviewer, application_id)
	  VALUES ('sud-ia-2025-r1', 2, 'rev1', 'A-001')$$,
	'ZA001', NULL, 'aap_owner cannot add rows to a committed batch');
RESET ROLE;
SELECT throws_ok(
	$$INSERT INTO aap.conflict (batch_id, seq, reviewer, application_id)
	  VALUES ('sud-ia-2025-r1', 2, 'rev1', 'A-001')$$,
	'ZA001', NULL, 'the superuser cannot add rows to a committed batch');

-- Rows of a batch being pushed are just as immutable.
INSERT INTO aap.batch (batch_id, call_id, tool_versions, header, provenance,
                       trailer, stream_sha256, record_count)
VALUES ('fresh', 'sud-ia-2025', '{}', 'application_id', E'#aap-stream format=1\n#stage',
        '#trailer records=1 sha256=' || repeat('0', 64), repeat('f', 64), 1);
INSERT INTO aap.application (batch_id, seq, application_id, fields, source_file,
                             source_line, admissible)
VALUES ('fresh', 1, 'F-1', '{}', 'f.csv', 2, true);
SELECT throws_ok($$UPDATE aap.application SET admissible = false WHERE batch_id = 'fresh'$$,
	'ZA001', NULL, 'rows of a batch being pushed cannot be updated either');
SELECT throws_ok($$DELETE FROM aap.batch WHERE batch_id = 'fresh'$$,
	'ZA001', NULL, 'a batch being pushed cannot be deleted either');

SELECT * FROM finish();
ROLLBACK;
