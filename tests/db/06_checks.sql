-- 06_checks.sql: the CHECK constraints, a second line of defence behind the
-- stages: each refuses a value the stream contract rules out (23514), and
-- the values it allows are stored exactly.

BEGIN;
SET LOCAL client_min_messages = warning;
SELECT plan(65);

-- A batch row with one column replaced by a bad value.
CREATE FUNCTION pg_temp.batch_with(col text, val text) RETURNS text
LANGUAGE sql AS $$
	SELECT format('INSERT INTO aap.batch (%s) VALUES (%s)',
		string_agg(c, ', ' ORDER BY n),
		string_agg(CASE WHEN c = col THEN val ELSE v END, ', ' ORDER BY n))
	FROM unnest(
		ARRAY['batch_id', 'call_id', 'supersedes', 'tool_versions', 'header',
		      'provenance', 'trailer', 'stream_sha256', 'record_count',
		      'envelope', 'granted', 'remaining'],
		ARRAY['''probe''', '''sud-ia-2025''', 'NULL', '''{"aap-push": "0.1.0"}''',
		      '''application_id,title''', 'E''#aap-stream format=1\n#stage name=aap-ingest''',
		      '''#trailer records=0 sha256='' || repeat(''0'', 64)', 'repeat(''c'', 64)', '0',
		      '1000.00', '400.00', '600.00'])
		WITH ORDINALITY AS t(c, v, n)
$$;

SELECT lives_ok(pg_temp.batch_with('batch_id', '''probe'''),
	'the probe batch itself is valid');
SELECT throws_ok(pg_temp.batch_with(c, v), '23514', NULL, d)
FROM (VALUES
	('batch_id', '''bad id''', 'a batch id is made of [A-Za-z0-9._-]'),
	('batch_id', '''''', 'a batch id is not empty'),
	('call_id', '''a/b''', 'a call id is made of [A-Za-z0-9._-]'),
	('supersedes', '''probe''', 'a batch does not supersede itself'),
	('tool_versions', '''{"aap-score": 1}''', 'tool versions are text'),
	('tool_versions', '''["0.1.0"]''', 'tool versions are an object'),
	('header', '''title,application_id''', 'the header starts with application_id'),
	('header', '''application_id,Title''', 'header names are [a-z0-9_]+'),
	('provenance', '''#stage name=x''', 'provenance starts with #aap-stream'),
	('provenance', 'E''#aap-stream format=1\n''', 'provenance has no final newline'),
	('provenance', 'E''#aap-stream format=1\nstage b''', 'every provenance line starts with #'),
	('provenance', 'E''#aap-stream format=1\n#stage name=aap-score truncation-check=off''',
	 'a stream read without its truncation check is refused'),
	('trailer', '''records=0 sha256='' || repeat(''0'', 64)', 'the trailer is a #trailer line'),
	('trailer', '''#trailer records=0 sha256='' || repeat(''0'', 64) || E''\n''',
	 'the trailer is one line'),
	('trailer', '''#trailer records=3 sha256='' || repeat(''0'', 64)',
	 'the trailer counts the records of the batch'),
	('trailer', '''#trailer records=00 sha256='' || repeat(''0'', 64)',
	 'the trailer count is read as written'),
	('trailer', '''#trailer input=x records=0 sha256='' || repeat(''0'', 64)',
	 'the trailer count comes first'),
	('trailer', '''#trailer records=0''', 'the trailer ends with its digest'),
	('trailer', '''#trailer records=0 sha256='' || repeat(''A'', 64)',
	 'the trailer digest is lower-case hex'),
	('stream_sha256', 'repeat(''C'', 64)', 'a stream digest is lower-case hex'),
	('stream_sha256', 'repeat(''c'', 63)', 'a stream digest has 64 digits'),
	('record_count', '-1', 'a record count is not negative'),
	('envelope', '1000.001', 'an envelope has at most 2 decimals'),
	('envelope', '-1000.00', 'an envelope is not negative'),
	('granted', '400.10', 'the remaining amount is the envelope less the amount granted'),
	('remaining', '-600.00', 'the remaining amount is not negative')
) AS t(c, v, d);

-- A batch being pushed, for the rows below.
INSERT INTO aap.batch (batch_id, call_id, tool_versions, header, provenance,
                       trailer, stream_sha256, record_count)
VALUES ('checks', 'sud-ia-2025', '{}', 'application_id,title', E'#aap-stream format=1\n#stage',
        '#trailer records=10 sha256=' || repeat('0', 64), repeat('d', 64), 10);

-- An application row with one column replaced by a bad value; seq 9 unless
-- told otherwise.
CREATE FUNCTION pg_temp.application_with(col text, val text, seq integer DEFAULT 9)
RETURNS text LANGUAGE sql AS $$
	SELECT format('INSERT INTO aap.application (%s) VALUES (%s)',
		string_agg(c, ', ' ORDER BY n),
		string_agg(CASE WHEN c = col THEN val ELSE v END, ', ' ORDER BY n))
	FROM unnest(
		ARRAY['batch_id', 'seq', 'application_id', 'fields', 'source_file',
		      'source_line', 'findings', 'admissible', 'total', 'rank',
		      'rank_reason', 'decision', 'award'],
		ARRAY['''checks''', seq::text, '''C-1''', '''{"title": "t"}''', '''c.csv''',
		      '2', '''''', 'true', '12.5', '3', '''''', '''not_funded''', '0.00'])
		WITH ORDINALITY AS t(c, v, n)
$$;

SELECT lives_ok(pg_temp.application_with('seq', '9'),
	'the probe application itself is valid');
SELECT throws_ok(pg_temp.application_with(c, v), '23514', NULL, d)
FROM (VALUES
	('seq', '0', 'positions start at 1'),
	('source_file', '''in/c.csv''', 'the source file is a base name'),
	('source_line', '0', 'source lines start at 1'),
	('findings', '''fatal:x''', 'a finding is an error or a warning'),
	('findings', '''error''', 'a finding has a code'),
	('findings', '''error:x;''', 'findings have no empty item'),
	('findings', '''error:Bad_Code''', 'a finding code is [a-z0-9_]+'),
	('findings', '''error:missing:title''', 'an application with an error finding is not admissible'),
	('total', '-1', 'a total is not negative'),
	('rank', '0', 'ranks start at 1'),
	('decision', '''maybe''', 'a decision is one of the six'),
	('award', '10.005', 'an award has at most 2 decimals'),
	('award', '10.00', 'only a funded application has an award'),
	('award', 'NULL', 'a decision comes with an award'),
	('admissible', 'false', 'an inadmissible application is not ranked'),
	('decision', '''inadmissible''', 'an admissible application is not declared inadmissible')
) AS t(c, v, d);
SELECT throws_ok(
	$$INSERT INTO aap.application (batch_id, seq, application_id, fields, source_file,
	  source_line, admissible, total, rank, decision, award)
	  VALUES ('checks', 8, 'C-2', '{}', 'c.csv', 3, true, 10, NULL, 'reserve', 0)$$,
	'23514', NULL, 'a reserve application is ranked');
SELECT throws_ok(
	$$INSERT INTO aap.application (batch_id, seq, application_id, fields, source_file,
	  source_line, admissible, total, rank, decision, award)
	  VALUES ('checks', 8, 'C-2', '{}', 'c.csv', 3, true, 10, NULL, 'funded', 100.00)$$,
	'23514', NULL, 'a funded application is ranked');
-- fields are checked once a statement, over every row it adds, after the
-- keys: a free position.
SELECT throws_ok(pg_temp.application_with('fields', v, 7), '23514', NULL, d)
FROM (VALUES
	('''{"Title": "t"}''', 'field names are canonical'),
	('''{"title": 3}''', 'field values are text'),
	('''"title"''', 'fields are an object'),
	('''{"title": ["t"]}''', 'a field value is not an array'),
	('''{"title": {"fr": "t"}}''', 'a field value is not an object'),
	('''{"title": null}''', 'a field value is not null')
) AS t(v, d);
SELECT throws_ok(
	$$INSERT INTO aap.application (batch_id, seq, application_id, fields, source_file,
	  source_line, admissible)
	  VALUES ('checks', 5, 'C-5', '{"title": "t"}', 'c.csv', 6, true),
	         ('checks', 6, 'C-6', '{"title": "t", "Title": "u"}', 'c.csv', 7, true)$$,
	'23514',
	'cannot add rows to "aap.application" for batch "checks": the fields of record 6 are not an object of text values with canonical names',
	'a field name is canonical in every row a statement adds');
SELECT lives_ok(
	$$INSERT INTO aap.application (batch_id, seq, application_id, fields, source_file,
	  source_line, admissible)
	  VALUES ('checks', 5, 'C-5', '{"title": "t"}', 'c.csv', 6, true),
	         ('checks', 6, 'C-6', '{"summary": "s", "amount_2": ""}', 'c.csv', 7, true)$$,
	'rows of one statement may have different canonical fields');

-- What the constraints allow is stored exactly.
INSERT INTO aap.application (batch_id, seq, application_id, fields, source_file,
                             source_line, findings, admissible, total, rank,
                             rank_reason, decision, award)
VALUES ('checks', 1, 'C-1', '{"title": "Été", "amount": ""}', 'c.csv', 2,
        'warning:long_text:title:over 2000 characters: see page 2;warning:odd:amount',
        true, 16.50, 1, 'tie broken by innovation', 'funded', 1000.00),
       ('checks', 2, 'C-1', '{}', 'c.csv', 5, 'error:duplicate:application_id',
        false, NULL, NULL, '', 'inadmissible', 0.00);
SELECT is((SELECT count(*)::integer FROM aap.application
           WHERE batch_id = 'checks' AND application_id = 'C-1'), 3,
	'an application id may repeat within a batch');
SELECT results_eq(
	$$SELECT total::text, award::text, finding_list FROM aap.application
	  WHERE batch_id = 'checks' AND seq = 1$$,
	$$VALUES ('16.50', '1000.00',
	          ARRAY['warning:long_text:title:over 2000 characters: see page 2',
	                'warning:odd:amount'])$$,
	'decimals keep their written scale; findings are split on ";"');
SELECT is((SELECT fields ->> 'title' FROM aap.application
           WHERE batch_id = 'checks' AND seq = 1), 'Été',
	'field values are text, in UTF-8');

SELECT throws_ok(
	$$INSERT INTO aap.criterion_score (batch_id, seq, criterion, score, spread)
	  VALUES ('checks', 1, 'Innovation', 1, 0)$$,
	'23514', NULL, 'a criterion name is canonical');
SELECT throws_ok(
	$$INSERT INTO aap.criterion_score (batch_id, seq, criterion, score, spread)
	  VALUES ('checks', 1, 'innovation', 1, -0.5)$$,
	'23514', NULL, 'a spread is not negative');
SELECT throws_ok(
	$$INSERT INTO aap.review (batch_id, seq, application_id, reviewer, criterion, mark)
	  VALUES ('checks', 1, 'C-1', 'rev1', 'innovation', -1)$$,
	'23514', NULL, 'a mark is not negative');
SELECT throws_ok(
	$$INSERT INTO aap.review (batch_id, seq, application_id, reviewer, criterion, mark)
	  VALUES ('checks', 1, 'C-1', 'rev1', 'innovation', NULL)$$,
	'23502', NULL, 'a review has a mark');
SELECT throws_ok(
	$$INSERT INTO aap.config_file (batch_id, role, name, sha256, content)
	  VALUES ('checks', 'call', 'fields.csv', encode(sha256('a'), 'hex'), 'b')$$,
	'23514', NULL, 'a configuration file digest is the digest of its content');
SELECT throws_ok(
	$$INSERT INTO aap.config_file (batch_id, role, name, sha256, content)
	  VALUES ('checks', 'notes', 'notes.txt', encode(sha256('a'), 'hex'), 'a')$$,
	'23514', NULL, 'a configuration file has one of the four roles');
SELECT throws_ok(
	$$INSERT INTO aap.config_file (batch_id, role, name, sha256, content)
	  VALUES ('checks', 'call', '../fields.csv', encode(sha256('a'), 'hex'), 'a')$$,
	'23514', NULL, 'a configuration file name is a base name');
SELECT lives_ok(
	$$INSERT INTO aap.config_file (batch_id, role, name, sha256, content)
	  VALUES ('checks', 'call', 'fields.csv',
	          encode(sha256(convert_to(E'nom,libellé\r\n', 'UTF8')), 'hex'),
	          E'nom,libellé\r\n')$$,
	'a configuration file is stored with its digest, line endings and all');

SELECT * FROM finish();
ROLLBACK;
