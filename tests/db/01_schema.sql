-- 01_schema.sql: what the migrations build from an empty database: the
-- schema, its tables, columns, keys, triggers and views, all owned by
-- aap_owner, and the migrations recorded.

BEGIN;
SELECT plan(87);

SELECT has_schema('aap');
SELECT schema_owner_is('aap', 'aap_owner');
SELECT tables_are('aap', ARRAY['migrations', 'batch', 'config_file', 'application',
                               'criterion_score', 'review', 'consensus', 'conflict',
                               'decision', 'chain', 'chain_head', 'assignment']);
SELECT views_are('aap', ARRAY['ranking', 'latest_batch', 'budget']);
SELECT functions_are('aap', ARRAY['is_text_map', 'token_decode', 'refuse_change',
                                  'refuse_closed_batch', 'check_batch_complete',
                                  'check_added_rows', 'check_record_numbers',
                                  'chain_link', 'add_link', 'link_chain',
                                  'cutoff_carry', 'cutoff_refunded']);

SELECT results_eq(
	'SELECT version, name FROM aap.migrations ORDER BY version',
	$$VALUES (1, '001_schema'::text), (2, '002_views'::text),
	         (3, '003_statement_checks'::text), (4, '004_record_numbers'::text),
	         (5, '005_application_batch'::text), (6, '006_ranking_names'::text),
	         (7, '007_chain'::text), (8, '008_assignments'::text),
	         (9, '009_decisions'::text), (10, '010_cutoffs'::text)$$,
	'aap.migrations records every migration once');

SELECT is_empty(
	$$SELECT c.relname FROM pg_class AS c
	  WHERE c.relnamespace = 'aap'::regnamespace
	    AND c.relowner <> 'aap_owner'::regrole$$,
	'aap_owner owns every table, view, index and sequence of aap');
SELECT is_empty(
	$$SELECT p.proname FROM pg_proc AS p
	  WHERE p.pronamespace = 'aap'::regnamespace
	    AND p.proowner <> 'aap_owner'::regrole$$,
	'aap_owner owns every function of aap');

-- Keys.
SELECT col_is_pk('aap', 'migrations', 'version', 'migrations are keyed by version');
SELECT col_is_pk('aap', 'batch', 'batch_id', 'batches are keyed by batch_id');
SELECT col_is_pk('aap', 'application', ARRAY['batch_id', 'seq'],
	'applications are keyed by batch and position');
SELECT col_is_pk('aap', 'criterion_score', ARRAY['batch_id', 'seq', 'criterion'],
	'scores are keyed by application and criterion');
SELECT col_is_pk('aap', 'config_file', ARRAY['batch_id', 'role', 'name', 'sha256'],
	'config files are keyed by batch, role, name and digest');
SELECT col_is_pk('aap', t, ARRAY['batch_id', 'seq'],
	format('%s rows are keyed by batch and position', t))
FROM unnest(ARRAY['review', 'consensus', 'conflict', 'assignment']) AS t;
SELECT col_is_unique('aap', 'batch', 'stream_sha256', 'a stream digest belongs to one batch');
SELECT col_is_unique('aap', 'batch', 'supersedes', 'a batch is superseded at most once');
SELECT col_isnt_pk('aap', 'application', 'application_id',
	'application_id alone is no key: duplicates are kept');

SELECT fk_ok('aap', 'batch', ARRAY['call_id', 'supersedes'],
             'aap', 'batch', ARRAY['call_id', 'batch_id']);
SELECT fk_ok('aap', 'config_file', 'batch_id', 'aap', 'batch', 'batch_id');
-- The large child tables have their parent checked once a statement by a
-- trigger instead (05_push.sql shows the refusals).
SELECT hasnt_fk('aap', t, format('%s has its parent checked by trigger, not by a foreign key', t))
FROM unnest(ARRAY['application', 'criterion_score', 'review', 'consensus', 'conflict',
                   'assignment']) AS t;

-- Types that fit the data.
SELECT col_type_is('aap', 'batch', 'envelope', 'numeric',
	'batch.envelope is numeric');
SELECT col_type_is('aap', 'batch', 'granted', 'numeric',
	'batch.granted is numeric');
SELECT col_type_is('aap', 'batch', 'remaining', 'numeric',
	'batch.remaining is numeric');
SELECT col_type_is('aap', 'batch', 'record_count', 'integer',
	'batch.record_count is integer');
SELECT col_type_is('aap', 'batch', 'tool_versions', 'jsonb',
	'batch.tool_versions is jsonb');
SELECT col_type_is('aap', 'batch', 'pushed_at', 'timestamp with time zone',
	'batch.pushed_at is timestamp with time zone');
SELECT col_type_is('aap', 'batch', 'pushed_by', 'text',
	'batch.pushed_by is text');
SELECT col_has_default('aap', 'batch', 'pushed_by', 'batch.pushed_by has a default');
SELECT col_has_default('aap', 'batch', 'pushed_at', 'batch.pushed_at has a default');
SELECT col_is_null('aap', 'batch', 'supersedes', 'batch.supersedes may be null');
SELECT col_not_null('aap', 'batch', 'stream_sha256', 'batch.stream_sha256 is not null');
SELECT col_type_is('aap', 'application', 'fields', 'jsonb',
	'application.fields is jsonb');
SELECT col_type_is('aap', 'application', 'source_line', 'integer',
	'application.source_line is integer');
SELECT col_type_is('aap', 'application', 'findings', 'text',
	'application.findings is text');
SELECT col_type_is('aap', 'application', 'finding_list', 'text[]',
	'application.finding_list is text[]');
SELECT col_type_is('aap', 'application', 'admissible', 'boolean',
	'application.admissible is boolean');
SELECT col_type_is('aap', 'application', 'total', 'numeric',
	'application.total is numeric');
SELECT col_type_is('aap', 'application', 'rank', 'integer',
	'application.rank is integer');
SELECT col_type_is('aap', 'application', 'award', 'numeric',
	'application.award is numeric');
SELECT col_is_null('aap', 'application', c,
	format('application.%s may be null: the stream was not scored', c))
FROM unnest(ARRAY['total', 'rank', 'rank_reason', 'decision', 'award']) AS c;
SELECT col_type_is('aap', 'criterion_score', 'score', 'numeric',
	'criterion_score.score is numeric');
SELECT col_type_is('aap', 'criterion_score', 'spread', 'numeric',
	'criterion_score.spread is numeric');
SELECT col_type_is('aap', 'review', 'mark', 'numeric',
	'review.mark is numeric');
SELECT col_type_is('aap', 'consensus', 'score', 'numeric',
	'consensus.score is numeric');
SELECT col_type_is('aap', 'config_file', 'content', 'text',
	'config_file.content is text');

-- Immutability triggers on every table that holds a batch.
SELECT triggers_are('aap', 'batch',
	ARRAY['refuse_change', 'refuse_truncate', 'check_batch_complete', 'link_chain']);
SELECT triggers_are('aap', 'config_file',
	ARRAY['refuse_change', 'refuse_truncate', 'refuse_closed_batch']);
SELECT triggers_are('aap', 'application',
	ARRAY['refuse_change', 'refuse_truncate', 'refuse_closed_batch', 'check_added_rows',
	      'seq_within_record_count']);
SELECT triggers_are('aap', t,
	ARRAY['refuse_change', 'refuse_truncate', 'refuse_closed_batch', 'check_added_rows'])
FROM unnest(ARRAY['criterion_score', 'review', 'consensus', 'conflict', 'decision',
                   'assignment']) AS t;
SELECT trigger_is('aap', 'application', 'seq_within_record_count', 'aap', 'check_record_numbers');
SELECT trigger_is('aap', t, 'check_added_rows', 'aap', 'check_added_rows')
FROM unnest(ARRAY['application', 'criterion_score', 'review', 'consensus', 'conflict',
                  'decision', 'assignment']) AS t;
SELECT is(
	(SELECT count(*)::integer FROM pg_trigger AS t
	 JOIN pg_class AS c ON c.oid = t.tgrelid
	 WHERE c.relnamespace = 'aap'::regnamespace AND t.tgname = 'check_added_rows'
	   AND t.tgtype & (1 | 2 | 4 | 8 | 16 | 32 | 64) = 4 AND t.tgnewtable = 'added'),
	7, 'check_added_rows fires after each INSERT statement, over the rows it added');
SELECT trigger_is('aap', t, 'refuse_change', 'aap', 'refuse_change')
FROM unnest(ARRAY['batch', 'config_file', 'application', 'criterion_score',
                  'review', 'consensus', 'conflict', 'decision', 'assignment']) AS t;
SELECT is_empty(
	$$SELECT t.tgname FROM pg_trigger AS t
	  JOIN pg_class AS c ON c.oid = t.tgrelid
	  WHERE c.relnamespace = 'aap'::regnamespace AND t.tgenabled <> 'O'$$,
	'every trigger of aap is enabled');
SELECT is(
	(SELECT count(*)::integer FROM pg_trigger AS t
	 JOIN pg_class AS c ON c.oid = t.tgrelid
	 WHERE c.relnamespace = 'aap'::regnamespace AND t.tgname = 'refuse_change'
	   AND t.tgtype & (1 | 2 | 8 | 16) = (1 | 2 | 8 | 16)),
	10, 'refuse_change fires before UPDATE and DELETE of each row of each batch table and of aap.chain');
SELECT is(
	(SELECT count(*)::integer FROM pg_trigger AS t
	 JOIN pg_class AS c ON c.oid = t.tgrelid
	 WHERE c.relnamespace = 'aap'::regnamespace AND t.tgname = 'refuse_truncate'
	   AND t.tgtype & (1 | 2 | 32) = (2 | 32)),
	11, 'refuse_truncate fires before TRUNCATE of each batch table, aap.chain and aap.chain_head');

SELECT * FROM finish();
ROLLBACK;
