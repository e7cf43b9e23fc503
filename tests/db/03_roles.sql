-- 03_roles.sql: the roles and what each may do, by catalog and by trying:
-- the loader adds batches and reads only what it needs, the committee and
-- the auditor only read, nobody else gets in.

BEGIN;
SELECT plan(92);

SELECT results_eq(
	$$SELECT rolname::text COLLATE "default", rolcanlogin, rolsuper, rolcreatedb, rolcreaterole,
	         rolreplication, rolbypassrls
	  FROM pg_roles WHERE rolname ~ '^aap_(owner|loader|committee|auditor)$'
	  ORDER BY rolname$$,
	$$VALUES ('aap_auditor', true, false, false, false, false, false),
	         ('aap_committee', true, false, false, false, false, false),
	         ('aap_loader', true, false, false, false, false, false),
	         ('aap_owner', false, false, false, false, false, false)$$,
	'the owner cannot log in; no aap role has a special power');
SELECT is_empty(
	$$SELECT m.roleid::regrole, m.member::regrole FROM pg_auth_members AS m
	  WHERE m.roleid::regrole::text ~ '^aap_' OR m.member::regrole::text ~ '^aap_'$$,
	'no aap role is a member of another');

-- Schema.
SELECT schema_privs_are('aap', 'aap_owner', ARRAY['CREATE', 'USAGE']);
SELECT schema_privs_are('aap', r, ARRAY['USAGE'],
	format('%s may use the schema aap and create nothing in it', r))
FROM unnest(ARRAY['aap_loader', 'aap_committee', 'aap_auditor']) AS r;
CREATE ROLE aap_test_nobody;
SELECT schema_privs_are('aap', 'aap_test_nobody', ARRAY[]::text[],
	'a role outside aap (PUBLIC) may not use the schema aap');

-- Loader: inserts, and reads the batch id, call, digest and predecessor.
SELECT table_privs_are('aap', 'batch', 'aap_loader', ARRAY[]::text[],
	'aap_loader has no table-wide privilege on aap.batch');
SELECT column_privs_are('aap', 'batch', c, 'aap_loader', ARRAY['INSERT', 'SELECT'],
	format('aap_loader may insert and read aap.batch.%s', c))
FROM unnest(ARRAY['batch_id', 'call_id', 'supersedes', 'stream_sha256']) AS c;
SELECT column_privs_are('aap', 'batch', c, 'aap_loader', ARRAY['INSERT'],
	format('aap_loader may insert aap.batch.%s only', c))
FROM unnest(ARRAY['tool_versions', 'header', 'provenance', 'trailer',
                  'record_count', 'envelope', 'granted', 'remaining']) AS c;
SELECT column_privs_are('aap', 'batch', c, 'aap_loader', ARRAY[]::text[],
	format('aap_loader may not set aap.batch.%s', c))
FROM unnest(ARRAY['pushed_by', 'pushed_at']) AS c;
SELECT table_privs_are('aap', t, 'aap_loader', ARRAY['INSERT'],
	format('aap_loader may only insert into aap.%s', t))
FROM unnest(ARRAY['config_file', 'application', 'criterion_score',
                  'review', 'consensus', 'conflict', 'decision']) AS t;
SELECT table_privs_are('aap', 'migrations', 'aap_loader', ARRAY['SELECT'],
	'aap_loader may read the schema version');
SELECT table_privs_are('aap', v, 'aap_loader', ARRAY[]::text[],
	format('aap_loader may not read aap.%s', v))
FROM unnest(ARRAY['ranking', 'latest_batch', 'budget']) AS v;

-- Committee and auditor: read only.
SELECT table_privs_are('aap', t, r, ARRAY['SELECT'],
	format('%s may only read aap.%s', r, t))
FROM unnest(ARRAY['aap_committee', 'aap_auditor']) AS r,
     unnest(ARRAY['batch', 'config_file', 'application', 'criterion_score',
                  'review', 'consensus', 'conflict', 'decision',
                  'ranking', 'latest_batch', 'budget']) AS t;
SELECT table_privs_are('aap', 'migrations', 'aap_committee', ARRAY[]::text[],
	'aap_committee may not read the migrations');
SELECT table_privs_are('aap', 'migrations', 'aap_auditor', ARRAY['SELECT'],
	'aap_auditor may read the migrations');
SELECT is_empty(
	$$SELECT c.relname FROM pg_class AS c
	  WHERE c.relnamespace = 'aap'::regnamespace AND c.relkind IN ('r', 'v')
	    AND has_table_privilege('aap_test_nobody', c.oid, 'SELECT')$$,
	'a role outside aap (PUBLIC) may read no table or view');

-- Trying, as the loader.
SET ROLE aap_loader;
SELECT lives_ok(
	$$SELECT batch_id, call_id, supersedes, stream_sha256 FROM aap.batch$$,
	'aap_loader can tell whether a batch id or a stream is already pushed');
SELECT lives_ok('SELECT max(version) FROM aap.migrations',
	'aap_loader can read the schema version');
SELECT throws_ok(format('SELECT * FROM aap.%I', t), '42501', NULL,
	format('aap_loader cannot read aap.%s', t))
FROM unnest(ARRAY['config_file', 'application', 'criterion_score', 'review',
                  'consensus', 'conflict', 'decision', 'ranking', 'latest_batch',
                  'budget']) AS t;
SELECT throws_ok('SELECT pushed_by FROM aap.batch', '42501', NULL,
	'aap_loader cannot read who pushed a batch');
SELECT throws_ok('SELECT provenance FROM aap.batch', '42501', NULL,
	'aap_loader cannot read the provenance of a batch');
SELECT throws_ok(
	$$INSERT INTO aap.batch (batch_id, call_id, tool_versions, header, provenance,
	                         trailer, stream_sha256, record_count, pushed_by)
	  VALUES ('forged', 'sud-ia-2025', '{}', 'application_id', E'#aap-stream format=1\n#stage',
	          '#trailer records=0 sha256=' || repeat('0', 64), repeat('0', 64), 0, 'someone_else')$$,
	'42501', NULL, 'aap_loader cannot say who pushed a batch');
SELECT throws_ok(
	$$INSERT INTO aap.batch (batch_id, call_id, tool_versions, header, provenance,
	                         trailer, stream_sha256, record_count, pushed_at)
	  VALUES ('forged', 'sud-ia-2025', '{}', 'application_id', E'#aap-stream format=1\n#stage',
	          '#trailer records=0 sha256=' || repeat('0', 64), repeat('0', 64), 0, now() - interval '1 year')$$,
	'42501', NULL, 'aap_loader cannot say when a batch was pushed');
SELECT throws_ok('INSERT INTO aap.migrations (version, name) VALUES (99, $$x$$)',
	'42501', NULL, 'aap_loader cannot record a migration');
SELECT throws_ok('CREATE TABLE aap.extra (x integer)', '42501', NULL,
	'aap_loader cannot create objects in aap');
RESET ROLE;

-- Trying, as committee and auditor.
SET ROLE aap_committee;
SELECT lives_ok(format('SELECT * FROM aap.%I', t),
	format('aap_committee can read aap.%s', t))
FROM unnest(ARRAY['batch', 'application', 'ranking', 'latest_batch', 'budget']) AS t;
SELECT throws_ok('SELECT * FROM aap.migrations', '42501', NULL,
	'aap_committee cannot read the migrations');
SELECT throws_ok(
	$$INSERT INTO aap.conflict (batch_id, seq, reviewer, application_id)
	  VALUES ('sud-ia-2025-r1', 99, 'x', 'y')$$,
	'42501', NULL, 'aap_committee cannot insert');
RESET ROLE;
SET ROLE aap_auditor;
SELECT lives_ok(format('SELECT * FROM aap.%I', t),
	format('aap_auditor can read aap.%s', t))
FROM unnest(ARRAY['migrations', 'batch', 'config_file', 'application',
                  'criterion_score', 'review', 'consensus', 'conflict']) AS t;
SELECT throws_ok(
	$$INSERT INTO aap.batch (batch_id, call_id, tool_versions, header, provenance,
	                         trailer, stream_sha256, record_count)
	  VALUES ('audit', 'sud-ia-2025', '{}', 'application_id', E'#aap-stream format=1\n#stage',
	          '#trailer records=0 sha256=' || repeat('0', 64), repeat('0', 64), 0)$$,
	'42501', NULL, 'aap_auditor cannot insert');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
