-- 09_cutoffs.sql: a batch's cut-off (sql/010_cutoffs.sql): its columns and
-- constraints, what aap_loader may do, and the checks aap-push asks of the
-- database, on the fixture batches (sud-ia-2025-r1, superseded by r2,
-- which left 5000.00; neither has a cut-off).

BEGIN;
SET LOCAL client_min_messages = warning;
SELECT plan(14);

SELECT has_column('aap', 'batch', 'cutoff_id', 'a batch records its cut-off');
SELECT has_column('aap', 'batch', 'carried', 'a batch records what it carried');
SELECT has_column('aap', 'batch', 'carried_from', 'a batch records the batch it carried from');
SELECT fk_ok('aap', 'batch', ARRAY['call_id', 'carried_from'],
             'aap', 'batch', ARRAY['call_id', 'batch_id']);
SELECT column_privs_are('aap', 'batch', 'cutoff_id', 'aap_loader', ARRAY['INSERT'],
	'aap_loader may only insert a batch''s cut-off');
SELECT function_privs_are('aap', 'cutoff_carry', ARRAY['text', 'text', 'numeric', 'text[]', 'text'],
	'aap_committee', ARRAY[]::text[], 'aap_committee may not run aap.cutoff_carry');
SELECT function_privs_are('aap', 'cutoff_refunded', ARRAY['text', 'text'],
	'aap_loader', ARRAY['EXECUTE'], 'aap_loader may run aap.cutoff_refunded');

SELECT throws_ok(
	$$INSERT INTO aap.batch (batch_id, call_id, tool_versions, header, provenance,
	                         trailer, stream_sha256, record_count, carried)
	  VALUES ('cut-x', 'sud-ia-2025', '{}', 'application_id', '#aap-stream format=1',
	          '#trailer records=0 sha256=' || repeat('0', 64), repeat('1', 64), 0, 10.00)$$,
	'23514', NULL, 'an amount carried comes with a cut-off');

SELECT results_eq(
	$$SELECT * FROM aap.cutoff_carry('sud-ia-2025', 'first', 0, '{}', NULL)$$,
	$$VALUES (NULL::text, NULL::text)$$,
	'a first cut-off carries nothing, from no batch');
SELECT results_eq(
	$$SELECT problem FROM aap.cutoff_carry('sud-ia-2025', 'first', 10.00, '{}', NULL)$$,
	$$VALUES ('it carries 10.00 but names no batch of an earlier cut-off'::text)$$,
	'an amount carried from no batch is refused');
SELECT results_eq(
	$$SELECT problem FROM aap.cutoff_carry('sud-ia-2025', 'second', 5000.00,
	        ARRAY['first:' || encode(sha256('stream sud-ia-2025 r2'), 'hex')], NULL)$$,
	$$VALUES ('the stream it carries from for cut-off "first" is batch "sud-ia-2025-r2", of cut-off "none"'::text)$$,
	'a stream of another cut-off is refused');
SELECT results_eq(
	$$SELECT problem FROM aap.cutoff_carry('sud-ia-2025', 'second', 5000.00,
	        ARRAY['first:' || repeat('a', 64)], NULL)$$,
	$$VALUES (format('the stream of cut-off "first" it carries from (sha256 %s) is no stored batch of call "sud-ia-2025"',
	                 repeat('a', 64)))$$,
	'a stream that is not stored is refused');
SELECT results_eq(
	$$SELECT problem FROM aap.cutoff_carry('nord-vert-2025', 'second', 5000.00,
	        ARRAY['first:' || encode(sha256('stream sud-ia-2025 r2'), 'hex')], NULL)$$,
	$$VALUES ('the stream of cut-off "first" it carries from (sha256 '
	          || encode(sha256('stream sud-ia-2025 r2'), 'hex')
	          || ') is no stored batch of call "nord-vert-2025"')$$,
	'a stream of another call is refused');
SELECT is(aap.cutoff_refunded('sud-ia-2025-r2', NULL), NULL,
	'a batch without a cut-off funds nothing funded earlier');

SELECT * FROM finish();
ROLLBACK;
