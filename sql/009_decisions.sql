-- 009_decisions.sql: the committee's decisions (docs/scoring.md,
-- "Decisions"): the decisions file stored like the other side files, its
-- lines in aap.decision, the decisions withdrawn and excluded, and what
-- decided each application.
-- Apply with scripts/migrate (psql --single-transaction); safe to run again.

SET client_min_messages = warning;
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aap.migrate'));
SET ROLE aap_owner;

-- The checks are widened once: applied again, they are left as they are.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
	               WHERE conrelid = 'aap.config_file'::regclass
	                 AND conname = 'config_file_role_check'
	                 AND pg_catalog.pg_get_constraintdef(oid) LIKE '%decisions%') THEN
		ALTER TABLE aap.config_file DROP CONSTRAINT IF EXISTS config_file_role_check;
		ALTER TABLE aap.config_file ADD CONSTRAINT config_file_role_check
			CHECK (role IN ('call', 'reviews', 'consensus', 'conflicts', 'decisions'));
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
	               WHERE conrelid = 'aap.application'::regclass
	                 AND conname = 'application_decision_check'
	                 AND pg_catalog.pg_get_constraintdef(oid) LIKE '%excluded%') THEN
		ALTER TABLE aap.application DROP CONSTRAINT IF EXISTS application_decision_check;
		ALTER TABLE aap.application ADD CONSTRAINT application_decision_check
			CHECK (decision IN ('funded', 'reserve', 'not_funded', 'inadmissible',
			                    'incomplete', 'below_threshold', 'withdrawn',
			                    'excluded'));
	END IF;
END
$$;

ALTER TABLE aap.application
	ADD COLUMN IF NOT EXISTS decided_by text
		CHECK (decided_by IN ('ranking', 'freed') OR decided_by ~ '^[^/\n]+:[1-9][0-9]*$'),
	ADD COLUMN IF NOT EXISTS decision_reason text;
COMMENT ON COLUMN aap.application.decided_by IS
	'what decided the application: ranking, freed (money the decisions freed), or the decisions file''s NAME:LINE; null when the batch was made without decisions';
COMMENT ON COLUMN aap.application.decision_reason IS
	'the justification of the decisions file''s line that decided the application; null without decisions';

CREATE TABLE IF NOT EXISTS aap.decision (
	batch_id       text NOT NULL,
	seq            integer NOT NULL CHECK (seq >= 1),
	application_id text NOT NULL,
	action         text NOT NULL
	               CHECK (action IN ('withdraw', 'reduce', 'exclude', 'promote')),
	amount         numeric CHECK (amount > 0 AND amount = round(amount, 2)),
	author         text NOT NULL CHECK (btrim(author) <> ''),
	date           date NOT NULL,
	justification  text NOT NULL CHECK (btrim(justification) <> ''),
	PRIMARY KEY (batch_id, seq),
	CONSTRAINT decision_reduce_amount
		CHECK ((action = 'reduce') = (amount IS NOT NULL))
);
COMMENT ON TABLE aap.decision IS
	'the committee''s decisions used; seq is the 1-based record number';

-- As the other side files' tables: rows only ever inserted, into a batch
-- that exists and is not yet closed (001, 003).
DO $$
BEGIN
	CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE
		ON aap.decision FOR EACH ROW EXECUTE FUNCTION aap.refuse_change();
	CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE
		ON aap.decision FOR EACH STATEMENT EXECUTE FUNCTION aap.refuse_change();
	CREATE OR REPLACE TRIGGER refuse_closed_batch AFTER INSERT
		ON aap.decision REFERENCING NEW TABLE AS added FOR EACH STATEMENT
		EXECUTE FUNCTION aap.refuse_closed_batch();
	CREATE OR REPLACE TRIGGER check_added_rows AFTER INSERT
		ON aap.decision REFERENCING NEW TABLE AS added FOR EACH STATEMENT
		EXECUTE FUNCTION aap.check_added_rows();
END
$$;

GRANT INSERT ON aap.decision TO aap_loader;
GRANT SELECT ON aap.decision TO aap_committee, aap_auditor;

INSERT INTO aap.migrations (version, name) VALUES (9, '009_decisions')
	ON CONFLICT (version) DO NOTHING;

RESET ROLE;
