-- 05_push.sql: pushing a batch as aap_loader does: what it may insert, what
-- the keys refuse (a known batch id or stream, a second correction of the
-- same batch, a correction across calls) and what is checked at commit
-- (record count, numbering, amount granted).

BEGIN;
SET LOCAL client_min_messages = warning;
SELECT plan(38);

-- The INSERT of a batch row of call sud-ia-2025 unless told otherwise.
CREATE FUNCTION pg_temp.batch_sql(id text, records integer,
                                  supersedes text DEFAULT NULL,
                                  call text DEFAULT 'sud-ia-2025',
                                  envelope numeric DEFAULT NULL,
                                  granted numeric DEFAULT NULL)
RETURNS text LANGUAGE sql AS $$
	SELECT format(
		'INSERT INTO aap.batch (batch_id, call_id, supersedes, tool_versions, header, '
		'provenance, trailer, stream_sha256, record_count, envelope, granted, remaining) '
		'VALUES (%L, %L, %L, %L, %L, %L, %L, %L, %s, %L, %L, %L)',
		id, call, supersedes, '{"aap-push": "0.1.0"}',
		'application_id,title,source_file,source_line,findings,admissible,total,rank,rank_reason,decision,award',
		E'#aap-stream format=1\n#stage name=aap-score version=0.1.0 call=' || call,
		'#trailer records=' || records || ' sha256=' || encode(sha256(convert_to('t ' || id, 'UTF8')), 'hex'),
		encode(sha256(convert_to('s ' || id, 'UTF8')), 'hex'),
		records, envelope, granted, envelope - granted)
$$;

-- The INSERT of application seq of batch id, funded when award > 0.
CREATE FUNCTION pg_temp.application_sql(id text, seq integer, award numeric DEFAULT 0)
RETURNS text LANGUAGE sql AS $$
	SELECT format(
		'INSERT INTO aap.application (batch_id, seq, application_id, fields, '
		'source_file, source_line, findings, admissible, total, rank, rank_reason, '
		'decision, award) VALUES (%L, %s, %L, %L, %L, %s, %L, true, 15.00, %s, %L, %L, %L)',
		id, seq, 'P-' || seq, '{"title": "t"}', 'p.csv', seq + 1, '', seq, '',
		CASE WHEN award > 0 THEN 'funded' ELSE 'not_funded' END, award)
$$;

-- Runs the statements, then the checks deferred to commit.
CREATE FUNCTION pg_temp.push(statements text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	s text;
BEGIN
	FOREACH s IN ARRAY statements LOOP
		EXECUTE s;
	END LOOP;
	SET CONSTRAINTS ALL IMMEDIATE;
	SET CONSTRAINTS ALL DEFERRED;
END
$$;

-- Runs the statements with the deferred checks made as each one ends, as a
-- loader may ask.
CREATE FUNCTION pg_temp.push_immediate(statements text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	s text;
BEGIN
	SET CONSTRAINTS ALL IMMEDIATE;
	FOREACH s IN ARRAY statements LOOP
		EXECUTE s;
	END LOOP;
	SET CONSTRAINTS ALL DEFERRED;
END
$$;

SET ROLE aap_loader;

-- A correction of the latest batch, statement by statement, each under its
-- own savepoint as lives_ok runs it.
SELECT lives_ok(pg_temp.batch_sql('sud-ia-2025-r3', 2, 'sud-ia-2025-r2',
                                  envelope => 100000.00, granted => 50000.00),
	'aap_loader can push a batch that supersedes the latest one');
SELECT lives_ok(pg_temp.application_sql('sud-ia-2025-r3', 1, 50000.00),
	'aap_loader can add an application to the batch it pushes');
SELECT lives_ok(pg_temp.application_sql('sud-ia-2025-r3', 2),
	'aap_loader can add a second application');
SELECT lives_ok(
	$$INSERT INTO aap.criterion_score (batch_id, seq, criterion, score, spread)
	  VALUES ('sud-ia-2025-r3', 1, 'innovation', 15.00, NULL),
	         ('sud-ia-2025-r3', 2, 'innovation', NULL, NULL)$$,
	'aap_loader can add scores');
SELECT lives_ok(
	$$INSERT INTO aap.config_file (batch_id, role, name, sha256, content)
	  VALUES ('sud-ia-2025-r3', 'conflicts', 'conflicts.csv',
	          encode(sha256(convert_to(E'reviewer,application_id\n', 'UTF8')), 'hex'),
	          E'reviewer,application_id\n')$$,
	'aap_loader can add a configuration file');
SELECT lives_ok(
	$$INSERT INTO aap.review (batch_id, seq, application_id, reviewer, criterion, mark)
	  VALUES ('sud-ia-2025-r3', 1, 'P-1', 'rev1', 'innovation', 15)$$,
	'aap_loader can add a review');
SELECT lives_ok(
	$$INSERT INTO aap.consensus (batch_id, seq, application_id, criterion, score, author)
	  VALUES ('sud-ia-2025-r3', 1, 'P-1', 'innovation', 15, 'chair')$$,
	'aap_loader can add a consensus');
SELECT lives_ok(
	$$INSERT INTO aap.conflict (batch_id, seq, reviewer, application_id)
	  VALUES ('sud-ia-2025-r3', 1, 'rev2', 'P-2')$$,
	'aap_loader can add a conflict');
SELECT lives_ok('SET CONSTRAINTS ALL IMMEDIATE',
	'the batch passes the checks made at commit');
SET CONSTRAINTS ALL DEFERRED;
RESET ROLE;

SELECT results_eq(
	$$SELECT pushed_by, pushed_at FROM aap.batch WHERE batch_id = 'sud-ia-2025-r3'$$,
	$$VALUES (session_user::text COLLATE "default", now())$$,
	'a batch records the login user that pushed it and when');
SELECT results_eq(
	$$SELECT call_id, batch_id FROM aap.latest_batch WHERE call_id = 'sud-ia-2025'$$,
	$$VALUES ('sud-ia-2025', 'sud-ia-2025-r3')$$,
	'the correction is now the latest batch of its call');

-- What the keys refuse.
SET ROLE aap_loader;
SELECT throws_ok(
	replace(pg_temp.batch_sql('sud-ia-2025-r1', 0), encode(sha256(convert_to('s sud-ia-2025-r1', 'UTF8')), 'hex'), repeat('1', 64)),
	'23505', NULL, 'a batch id is pushed once');
SELECT throws_ok(
	replace(pg_temp.batch_sql('again', 1), encode(sha256(convert_to('s again', 'UTF8')), 'hex'),
	        encode(sha256('stream sud-ia-2025 r1'), 'hex')),
	'23505', NULL, 'a stream is pushed once, whatever the batch id');
SELECT throws_ok(pg_temp.batch_sql('fork', 0, 'sud-ia-2025-r1'), '23505', NULL,
	'a batch already superseded cannot be superseded again');
SELECT throws_ok(pg_temp.batch_sql('cross', 0, 'nord-vert-2025-v1'), '23503', NULL,
	'a batch cannot supersede one of another call');
SELECT throws_ok(pg_temp.batch_sql('orphan', 0, 'no-such-batch'), '23503', NULL,
	'a batch cannot supersede one that does not exist');
SELECT throws_ok(pg_temp.application_sql('no-such-batch', 1), '23503',
	'cannot add rows to "aap.application" for batch "no-such-batch": there is no such batch',
	'an application needs its batch');
SELECT throws_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[pg_temp.batch_sql('mixed', 1),
	             pg_temp.application_sql('mixed', 1) || ', ' ||
	             substring(pg_temp.application_sql('no-such-batch', 1) FROM ' VALUES (.*)$')]),
	'23503', 'cannot add rows to "aap.application" for batch "no-such-batch": there is no such batch',
	'an application needs its batch, even beside applications that have theirs');
SELECT throws_ok(
	$$INSERT INTO aap.config_file (batch_id, role, name, sha256, content)
	  VALUES ('no-such-batch', 'call', 'call.csv', encode(sha256(''), 'hex'), '')$$,
	'23503', NULL, 'a configuration file needs its batch');
-- The tables below have no foreign key: check_added_rows looks for the
-- parents once a statement, over all the rows it added.
SELECT throws_ok(
	$$INSERT INTO aap.criterion_score (batch_id, seq, criterion, score)
	  VALUES ('sud-ia-2025-r3', 1, 'impact', 10), ('sud-ia-2025-r3', 3, 'impact', 10),
	         ('sud-ia-2025-r3', 2, 'impact', 10)$$,
	'23503', 'cannot add rows to "aap.criterion_score" for batch "sud-ia-2025-r3": it has no record 3',
	'a score needs its application, even among scores that have theirs');
SELECT throws_ok(
	$$INSERT INTO aap.criterion_score (batch_id, seq, criterion, score)
	  VALUES ('no-such-batch', 1, 'impact', 10)$$,
	'23503', 'cannot add rows to "aap.criterion_score" for batch "no-such-batch": it has no record 1',
	'a score needs its batch');
SELECT throws_ok(
	$$INSERT INTO aap.review (batch_id, seq, application_id, reviewer, criterion, mark)
	  VALUES ('no-such-batch', 1, 'P-1', 'rev1', 'innovation', 15)$$,
	'23503', 'cannot add rows to "aap.review" for batch "no-such-batch": there is no such batch',
	'a review needs its batch');
SELECT throws_ok(
	$$INSERT INTO aap.review (batch_id, seq, application_id, reviewer, criterion, mark)
	  VALUES ('sud-ia-2025-r3', 2, 'P-1', 'rev2', 'innovation', 14),
	         ('no-such-batch', 1, 'P-1', 'rev1', 'innovation', 15)$$,
	'23503', 'cannot add rows to "aap.review" for batch "no-such-batch": there is no such batch',
	'a review needs its batch, even beside reviews that have theirs');
SELECT throws_ok(
	$$INSERT INTO aap.consensus (batch_id, seq, application_id, criterion, score, author)
	  VALUES ('no-such-batch', 1, 'P-1', 'innovation', 15, 'chair')$$,
	'23503', 'cannot add rows to "aap.consensus" for batch "no-such-batch": there is no such batch',
	'a consensus needs its batch');
SELECT throws_ok(
	$$INSERT INTO aap.conflict (batch_id, seq, reviewer, application_id)
	  VALUES ('no-such-batch', 1, 'rev2', 'P-2')$$,
	'23503', 'cannot add rows to "aap.conflict" for batch "no-such-batch": there is no such batch',
	'a conflict needs its batch');

-- What is checked at commit.
SELECT throws_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[pg_temp.batch_sql('short', 2), pg_temp.application_sql('short', 1)]),
	'23514', 'batch "short" is incomplete: 2 records expected, 1 present',
	'a batch must hold as many applications as its trailer says');
SELECT throws_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[pg_temp.batch_sql('gap', 2), pg_temp.application_sql('gap', 1),
	             pg_temp.application_sql('gap', 3)]),
	'23514', 'cannot add record 3 to batch "gap": its record_count is 2',
	'the applications of a batch are numbered from 1 without gaps');
SELECT throws_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[pg_temp.batch_sql('greedy', 1, envelope => 1000.00, granted => 900.00),
	             pg_temp.application_sql('greedy', 1, 500.00)]),
	'23514', 'batch "greedy" grants 900.00 but its awards sum to 500.00',
	'the amount granted is the sum of the awards');
SELECT lives_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[pg_temp.batch_sql('empty', 0, call => 'empty-call')]),
	'a batch of no record is complete');
SELECT throws_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[pg_temp.batch_sql('over', 1, call => 'over-call'),
	             pg_temp.application_sql('over', 1), pg_temp.application_sql('over', 2)]),
	'23514', 'cannot add record 2 to batch "over": its record_count is 1',
	'a record numbered above the batch''s count is refused as it comes');
SELECT throws_ok(
	format('SELECT pg_temp.push_immediate(%L)',
	       ARRAY[pg_temp.batch_sql('sealed', 0, call => 'sealed-call'),
	             pg_temp.application_sql('sealed', 1)]),
	'23514', 'cannot add record 1 to batch "sealed": its record_count is 0',
	'the completeness check made early lets no record in after it');

-- The provenance names the call and every file read, by digest.
SELECT throws_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[replace(pg_temp.batch_sql('foreign', 0), 'call=sud-ia-2025', 'call=nord-vert-2025')]),
	'23514', 'batch "foreign" is of call "sud-ia-2025" but a stage ran for "nord-vert-2025"',
	'every stage of a batch ran for its call');
SELECT throws_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[replace(pg_temp.batch_sql('bare', 0), 'call=sud-ia-2025',
	                     'call=sud-ia-2025 file=call:call%202.csv:' || repeat('a', 64))]),
	'23514', 'batch "bare" lacks the file call:call 2.csv its provenance names',
	'every file the provenance names is stored');
SELECT throws_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[replace(pg_temp.batch_sql('odd', 0), 'call=sud-ia-2025',
	                     'call=sud-ia-2025 file=call.csv')]),
	'23514', 'batch "odd" has a malformed provenance token "file=call.csv"',
	'a file token names a role, a file and a digest');
SELECT lives_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[replace(pg_temp.batch_sql('twice', 0), 'call=sud-ia-2025',
	                     'call=sud-ia-2025 file=call:call%20v.csv:'
	                     || encode(sha256('v1'), 'hex')
	                     || ' file=call:call%20v.csv:' || encode(sha256('v2'), 'hex')),
	             $$INSERT INTO aap.config_file (batch_id, role, name, sha256, content)
	               VALUES ('twice', 'call', 'call v.csv', encode(sha256('v1'), 'hex'), 'v1'),
	                      ('twice', 'call', 'call v.csv', encode(sha256('v2'), 'hex'), 'v2')$$]),
	'two versions of one file read by two stages are both kept');
SELECT lives_ok(
	format('SELECT pg_temp.push(%L)',
	       ARRAY[pg_temp.batch_sql('validated', 1, call => 'other-call'),
	             $$INSERT INTO aap.application (batch_id, seq, application_id, fields,
	               source_file, source_line, admissible)
	               VALUES ('validated', 1, 'V-1', '{}', 'v.csv', 2, false)$$]),
	'a stream pushed after aap-validate leaves the scoring columns null');
RESET ROLE;

SELECT results_eq(
	$$SELECT total, rank, rank_reason, decision, award FROM aap.application
	  WHERE batch_id = 'validated'$$,
	$$VALUES (NULL::numeric, NULL::integer, NULL::text, NULL::text, NULL::numeric)$$,
	'an unscored application has no total, rank, decision or award');
SELECT is((SELECT findings FROM aap.application WHERE batch_id = 'validated'), '',
	'findings default to the empty text');

SELECT * FROM finish();
ROLLBACK;
