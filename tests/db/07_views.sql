-- 07_views.sql: the views the committee reads, on the committed fixture
-- batches: a ranking, the latest batch of each call, the budget.

BEGIN;
SET LOCAL client_min_messages = warning;
SELECT plan(8);

SET ROLE aap_committee;

SELECT results_eq(
	$$SELECT rank, seq, application_id, admissible, total, decision, award, rank_reason
	  FROM aap.ranking WHERE batch_id = 'sud-ia-2025-r1'$$,
	$$VALUES (1, 1, 'A-001', true, 16.50, 'funded', 60000.00, ''),
	         (2, 2, 'A-002', true, 14.00, 'reserve', 0.00, 'budget exhausted'),
	         (NULL, 3, 'A-003', false, NULL, 'inadmissible', 0.00, ''),
	         (NULL, 4, 'A-003', false, NULL, 'inadmissible', 0.00, '')$$,
	'the ranking lists the ranked applications by rank, then the others in stream order');
SELECT results_eq(
	$$SELECT DISTINCT call_id FROM aap.ranking WHERE batch_id = 'sud-ia-2025-r1'$$,
	$$VALUES ('sud-ia-2025')$$,
	'the ranking names the call');
SELECT results_eq(
	$$SELECT rank, application_id, decision FROM aap.ranking
	  WHERE batch_id = 'nord-vert-2025-v1'$$,
	$$VALUES (NULL::integer, 'N-1', NULL::text)$$,
	'an unscored batch lists its applications without rank or decision');
SELECT results_eq(
	$$SELECT application_id, applicant, title FROM aap.ranking
	  WHERE batch_id = 'sud-ia-2025-r1'$$,
	$$VALUES ('A-001', NULL::text, 'Vision'::text), ('A-002', NULL, 'Sols'),
	         ('A-003', NULL, ''), ('A-003', NULL, 'Eau')$$,
	'the ranking shows the title from the field the batch names, and no applicant when it names none');

SELECT results_eq(
	'SELECT call_id, batch_id, supersedes, record_count, pushed_by FROM aap.latest_batch',
	$$VALUES ('nord-vert-2025', 'nord-vert-2025-v1', NULL, 1, 'aap_loader'),
	         ('sud-ia-2025', 'sud-ia-2025-r2', 'sud-ia-2025-r1', 2, 'aap_loader')$$,
	'the latest batch of a call is the one no other supersedes');

SELECT results_eq(
	'SELECT batch_id, envelope, granted, remaining, awarded, funded FROM aap.budget',
	$$VALUES ('nord-vert-2025-v1', NULL::numeric, NULL::numeric, NULL::numeric,
	          NULL::numeric, 0::bigint),
	         ('sud-ia-2025-r1', 100000.00, 60000.00, 40000.00, 60000.00, 1::bigint),
	         ('sud-ia-2025-r2', 100000.00, 95000.00, 5000.00, 95000.00, 2::bigint)$$,
	'the budget of each batch: envelope, granted, remaining, awards and funded count');

RESET ROLE;

-- A later push naming no predecessor becomes the latest of its call.
INSERT INTO aap.batch (batch_id, call_id, tool_versions, header, provenance,
                       trailer, stream_sha256, record_count, pushed_at)
VALUES ('nord-vert-2025-v2', 'nord-vert-2025', '{}', 'application_id', E'#aap-stream format=1\n#stage',
        '#trailer records=0 sha256=' || repeat('0', 64), repeat('e', 64), 0, now() + interval '1 second');
SELECT results_eq(
	$$SELECT batch_id FROM aap.latest_batch WHERE call_id = 'nord-vert-2025'$$,
	$$VALUES ('nord-vert-2025-v2')$$,
	'without a predecessor named, the newest batch is the latest');

SET ROLE aap_auditor;
SELECT results_eq(
	$$SELECT role, name, sha256 = encode(sha256(convert_to(content, 'UTF8')), 'hex')
	  FROM aap.config_file WHERE batch_id = 'sud-ia-2025-r1' ORDER BY role, name$$,
	$$VALUES ('call', 'fields.csv', true), ('reviews', 'réviews 1.csv', true)$$,
	'an auditor can check each configuration file against its digest');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
