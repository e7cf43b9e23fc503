-- 008_assignments.sql: the assignments file aap-assign writes and
-- aap-score reads (--assignments), stored by aap-push like the other side
-- files: its text in aap.config_file under the role 'assignments', its
-- rows in aap.assignment (docs/database.md).
-- Apply with scripts/migrate (psql --single-transaction); safe to run again.

SET client_min_messages = warning;
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aap.migrate'));
SET ROLE aap_owner;

-- Replaced only once, so that applying this again changes no object. It
-- names 009's 'decisions' too: 009 then leaves it as it is, and a
-- database that has 009 already gets both roles.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
	               WHERE conrelid = 'aap.config_file'::regclass
	                 AND conname = 'config_file_role_check'
	                 AND pg_catalog.pg_get_constraintdef(oid) LIKE '%assignments%') THEN
		ALTER TABLE aap.config_file DROP CONSTRAINT IF EXISTS config_file_role_check;
		ALTER TABLE aap.config_file ADD CONSTRAINT config_file_role_check
			CHECK (role IN ('call', 'reviews', 'consensus', 'conflicts', 'decisions',
			                'assignments'));
	END IF;
END
$$;

-- Its parent is checked once a statement (003's aap.check_added_rows), as
-- those of the other side files are, not by a foreign key.
CREATE TABLE IF NOT EXISTS aap.assignment (
	batch_id       text NOT NULL,
	seq            integer NOT NULL CHECK (seq >= 1),
	application_id text NOT NULL,
	reviewer       text NOT NULL CHECK (reviewer <> ''),
	affinity       integer NOT NULL CHECK (affinity >= 0),
	PRIMARY KEY (batch_id, seq)
);
COMMENT ON TABLE aap.assignment IS
	'who was to review what (aap-assign); seq is the 1-based record number';
COMMENT ON COLUMN aap.assignment.affinity IS
	'1000 for a sector match plus one per shared keyword';

CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE
	ON aap.assignment FOR EACH ROW EXECUTE FUNCTION aap.refuse_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE
	ON aap.assignment FOR EACH STATEMENT EXECUTE FUNCTION aap.refuse_change();
CREATE OR REPLACE TRIGGER refuse_closed_batch AFTER INSERT
	ON aap.assignment REFERENCING NEW TABLE AS added FOR EACH STATEMENT
	EXECUTE FUNCTION aap.refuse_closed_batch();
CREATE OR REPLACE TRIGGER check_added_rows AFTER INSERT
	ON aap.assignment REFERENCING NEW TABLE AS added FOR EACH STATEMENT
	EXECUTE FUNCTION aap.check_added_rows();

GRANT INSERT ON aap.assignment TO aap_loader;
GRANT SELECT ON aap.assignment TO aap_committee, aap_auditor;

INSERT INTO aap.migrations (version, name) VALUES (8, '008_assignments')
	ON CONFLICT (version) DO NOTHING;

RESET ROLE;
