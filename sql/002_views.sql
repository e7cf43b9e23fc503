-- 002_views.sql: the views a committee reads directly: the ranking of each
-- batch, the latest batch of each call, the budget of each batch.
-- Apply with scripts/migrate (psql --single-transaction); safe to run again.

SET client_min_messages = warning;
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aap.migrate'));
SET ROLE aap_owner;

-- Every application of every batch: the ranked ones by rank, then the others
-- in stream order. 006_ranking_names.sql makes it again with the applicant's
-- name and the project's title, so it is made here only when absent: this
-- file re-applied after 006 leaves 006's view as it is.
DO $do$
BEGIN
	IF pg_catalog.to_regclass('aap.ranking') IS NULL THEN
		CREATE VIEW aap.ranking AS
		SELECT a.batch_id,
		       b.call_id,
		       a.rank,
		       a.seq,
		       a.application_id,
		       a.admissible,
		       a.total,
		       a.decision,
		       a.award,
		       a.rank_reason
		FROM aap.application AS a
		JOIN aap.batch AS b ON b.batch_id = a.batch_id
		ORDER BY a.batch_id, a.rank NULLS LAST, a.seq;
		COMMENT ON VIEW aap.ranking IS
			'applications of each batch, ranked ones first by rank, then the others in stream order';
	END IF;
END
$do$;

-- The batch of each call that no other batch supersedes; when several are
-- left (pushes that named no predecessor), the newest.
CREATE OR REPLACE VIEW aap.latest_batch AS
SELECT DISTINCT ON (b.call_id)
       b.call_id,
       b.batch_id,
       b.supersedes,
       b.record_count,
       b.pushed_by,
       b.pushed_at
FROM aap.batch AS b
WHERE NOT EXISTS (SELECT 1 FROM aap.batch AS s WHERE s.supersedes = b.batch_id)
ORDER BY b.call_id, b.pushed_at DESC, b.batch_id DESC;
COMMENT ON VIEW aap.latest_batch IS
	'per call, the newest batch that no other batch supersedes';

-- granted and remaining are what the batch declared; awarded is recomputed
-- from its applications (null when the stream was not scored).
CREATE OR REPLACE VIEW aap.budget AS
SELECT b.batch_id,
       b.call_id,
       b.envelope,
       b.granted,
       b.remaining,
       sum(a.award) AS awarded,
       count(a.seq) FILTER (WHERE a.decision = 'funded') AS funded
FROM aap.batch AS b
LEFT JOIN aap.application AS a ON a.batch_id = b.batch_id
GROUP BY b.batch_id
ORDER BY b.call_id, b.pushed_at, b.batch_id;
COMMENT ON VIEW aap.budget IS
	'per batch: envelope, amount granted and remaining, awards recomputed, number funded';

GRANT SELECT ON aap.ranking, aap.latest_batch, aap.budget
	TO aap_committee, aap_auditor;

INSERT INTO aap.migrations (version, name) VALUES (2, '002_views')
	ON CONFLICT (version) DO NOTHING;

RESET ROLE;
