-- 006_ranking_names.sql: each batch records which of its fields are the
-- applicant's name and the project's title (fields.csv's role column, as
-- aap-push read it), and aap.ranking shows them beside each application.
-- Apply with scripts/migrate (psql --single-transaction); safe to run again.

SET client_min_messages = warning;
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aap.migrate'));
SET ROLE aap_owner;

ALTER TABLE aap.batch
	ADD COLUMN IF NOT EXISTS applicant_field text
		CHECK (applicant_field ~ '^[a-z][a-z0-9_]*$'),
	ADD COLUMN IF NOT EXISTS title_field text
		CHECK (title_field ~ '^[a-z][a-z0-9_]*$');
COMMENT ON COLUMN aap.batch.applicant_field IS
	'the field of the call whose role is applicant (the applicant''s name), null when none';
COMMENT ON COLUMN aap.batch.title_field IS
	'the field of the call whose role is title (the project''s title), null when none';

GRANT INSERT (applicant_field, title_field) ON aap.batch TO aap_loader;

-- CREATE OR REPLACE can only add a view's columns at its end: the names go
-- beside the application id, so 002's view is dropped first, once.
DO $do$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
	               WHERE attrelid = 'aap.ranking'::regclass
	                 AND attname = 'applicant') THEN
		DROP VIEW aap.ranking;
	END IF;
END
$do$;
CREATE OR REPLACE VIEW aap.ranking AS
SELECT a.batch_id,
       b.call_id,
       a.rank,
       a.seq,
       a.application_id,
       a.fields ->> b.applicant_field AS applicant,
       a.fields ->> b.title_field AS title,
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
COMMENT ON COLUMN aap.ranking.applicant IS
	'the applicant''s name: the value of the batch''s applicant_field, null when the call names none';
COMMENT ON COLUMN aap.ranking.title IS
	'the project''s title: the value of the batch''s title_field, null when the call names none';
GRANT SELECT ON aap.ranking TO aap_committee, aap_auditor;

INSERT INTO aap.migrations (version, name) VALUES (6, '006_ranking_names')
	ON CONFLICT (version) DO NOTHING;

RESET ROLE;
