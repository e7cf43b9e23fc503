-- 08_chain.sql: the chain across batches (sql/007_chain.sql): one link per
-- batch in commit order, each the SHA-256 of the previous link followed
-- by the batch's stream digest; made by the database at commit, never
-- changed, and written by nobody else.

BEGIN;
SET LOCAL client_min_messages = warning;
SELECT plan(22);

SELECT col_is_pk('aap', 'chain', 'position', 'links are keyed by their position');
SELECT col_is_unique('aap', 'chain', 'batch_id', 'a batch has one link at most');
SELECT fk_ok('aap', 'chain', 'batch_id', 'aap', 'batch', 'batch_id');
SELECT triggers_are('aap', 'chain', ARRAY['refuse_change', 'refuse_truncate']);
SELECT triggers_are('aap', 'chain_head', ARRAY['refuse_change', 'refuse_truncate']);

SELECT table_privs_are('aap', 'chain', r, ARRAY['SELECT'],
	format('%s may only read aap.chain', r))
FROM unnest(ARRAY['aap_loader', 'aap_committee', 'aap_auditor']) AS r;
SELECT table_privs_are('aap', 'chain_head', 'aap_loader', ARRAY[]::text[],
	'aap_loader may not read aap.chain_head');
SELECT table_privs_are('aap', 'chain_head', r, ARRAY['SELECT'],
	format('%s may only read aap.chain_head', r))
FROM unnest(ARRAY['aap_committee', 'aap_auditor']) AS r;

SELECT is(aap.chain_link(repeat('0', 64), repeat('a', 64)),
	encode(sha256(convert_to(repeat('0', 64) || repeat('a', 64), 'UTF8')), 'hex'),
	'a link is the sha256 of the previous link''s hex followed by the stream''s');
SELECT results_eq(
	'SELECT position FROM aap.chain ORDER BY position',
	'SELECT generate_series(1, (SELECT count(*) FROM aap.batch))',
	'every fixture batch has a link, numbered from 1 without gaps');
SELECT is_empty(
	$$SELECT c.batch_id FROM aap.chain AS c
	  JOIN aap.batch AS b USING (batch_id)
	  LEFT JOIN aap.chain AS p ON p.position = c.position - 1
	  WHERE c.chain_sha256 <> aap.chain_link(coalesce(p.chain_sha256, repeat('0', 64)),
	                                         b.stream_sha256)$$,
	'every link follows from the one before it and its batch''s stream');
SELECT results_eq(
	'SELECT position, chain_sha256 FROM aap.chain_head',
	'SELECT position, chain_sha256 FROM aap.chain ORDER BY position DESC LIMIT 1',
	'the head is the last link');

-- A push as the loader: its link comes at commit, here made early.
SET ROLE aap_loader;
INSERT INTO aap.batch (batch_id, call_id, tool_versions, header, provenance,
                       trailer, stream_sha256, record_count)
VALUES ('chained', 'sud-ia-2025', '{}', 'application_id',
        E'#aap-stream format=1', '#trailer records=0 sha256=' || repeat('1', 64),
        repeat('2', 64), 0);
SELECT is_empty($$SELECT 1 FROM aap.chain WHERE batch_id = 'chained'$$,
	'a batch has no link before its transaction commits');
SET CONSTRAINTS aap.link_chain IMMEDIATE;
SELECT throws_ok($$UPDATE aap.chain_head SET position = 0$$, '42501', NULL,
	'aap_loader cannot move the head');
SELECT throws_ok(
	$$INSERT INTO aap.chain (position, batch_id, chain_sha256) VALUES (99, 'x', repeat('0', 64))$$,
	'42501', NULL, 'aap_loader cannot add a link');
RESET ROLE;
SELECT results_eq(
	$$SELECT chain_sha256 FROM aap.chain WHERE batch_id = 'chained'$$,
	$$SELECT aap.chain_link(c.chain_sha256, repeat('2', 64)) FROM aap.chain AS c
	  WHERE c.position = (SELECT max(position) - 1 FROM aap.chain)$$,
	'the new batch''s link follows the head');

SELECT throws_ok($$UPDATE aap.chain SET chain_sha256 = repeat('0', 64)$$, 'ZA001', NULL,
	'no link is ever changed, even by a superuser');
SELECT throws_ok($$DELETE FROM aap.chain_head$$, 'ZA001', NULL,
	'the head is never removed');
SELECT throws_ok($$TRUNCATE aap.chain$$, 'ZA001', NULL, 'the chain is never emptied');

SELECT * FROM finish();
ROLLBACK;
