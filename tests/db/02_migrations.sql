-- 02_migrations.sql: migrating again, and re-applying every migration file
-- and roles.sql by hand, left every object as it was. tests/db/run took the
-- snapshots: aap_test.objects_first after the first migration,
-- aap_test.objects_again after all the re-runs.

BEGIN;
SELECT plan(5);

SELECT isnt_empty('SELECT * FROM aap_test.objects_first',
	'the first snapshot holds objects');
SELECT set_eq(
	'SELECT DISTINCT kind FROM aap_test.objects_first',
	ARRAY['schema', 'relation', 'column', 'constraint', 'trigger', 'function',
	      'view', 'comment', 'role', 'migration'],
	'the snapshot covers every kind of object');
SELECT set_eq(
	'SELECT * FROM aap_test.objects_again',
	'SELECT * FROM aap_test.objects_first',
	're-applying the migrations and roles.sql changed no object');
SELECT set_eq(
	'SELECT * FROM aap_test.objects',
	'SELECT * FROM aap_test.objects_first',
	'pushing batches changed no object');
SELECT results_eq(
	$$SELECT name, id FROM aap_test.objects_again WHERE kind = 'migration' ORDER BY 1$$,
	$$VALUES ('1', '001_schema'), ('10', '010_cutoffs'), ('2', '002_views'), ('3', '003_statement_checks'),
	         ('4', '004_record_numbers'), ('5', '005_application_batch'),
	         ('6', '006_ranking_names'), ('7', '007_chain'), ('8', '008_assignments'),
	         ('9', '009_decisions')$$,
	'each migration is recorded once');

SELECT * FROM finish();
ROLLBACK;
