-- 001_schema.sql: the tables that hold a batch, their immutability and their
-- privileges. A batch is one pushed stream, with everything an audit needs.
-- Apply with scripts/migrate (psql --single-transaction); safe to run again.

SET client_min_messages = warning;
-- Two migrations run at once take turns instead of racing.
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aap.migrate'));

-- Created by the administrator for aap_owner, who then does everything else
-- so that it owns every object.
CREATE SCHEMA IF NOT EXISTS aap AUTHORIZATION aap_owner;
SET ROLE aap_owner;

REVOKE ALL ON SCHEMA aap FROM PUBLIC;
GRANT USAGE ON SCHEMA aap TO aap_loader, aap_committee, aap_auditor;
COMMENT ON SCHEMA aap IS 'aap: batches of evaluated applications, immutable once committed';

CREATE TABLE IF NOT EXISTS aap.migrations (
	version    integer PRIMARY KEY CHECK (version >= 1),
	name       text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE aap.migrations IS 'one row per applied sql/NNN_name.sql file';

-- True when j is an object whose keys all match key_pattern and whose values
-- are all strings. Used by CHECK constraints.
CREATE OR REPLACE FUNCTION aap.is_text_map(j jsonb, key_pattern text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog
AS $$
	SELECT jsonb_typeof(j) = 'object'
	   AND NOT EXISTS (SELECT 1 FROM jsonb_each(j) AS e
	                   WHERE e.key !~ key_pattern
	                      OR jsonb_typeof(e.value) <> 'string')
$$;
COMMENT ON FUNCTION aap.is_text_map(jsonb, text) IS
	'true when the argument is a jsonb object of text values whose keys match the pattern';

-- Batches -------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS aap.batch (
	batch_id      text PRIMARY KEY
	              CHECK (batch_id ~ '^[A-Za-z0-9._-]+$'),
	call_id       text NOT NULL
	              CHECK (call_id ~ '^[A-Za-z0-9._-]+$'),
	supersedes    text UNIQUE,
	tool_versions jsonb NOT NULL
	              CHECK (aap.is_text_map(tool_versions, '^[A-Za-z0-9._-]+$')),
	header        text NOT NULL
	              CHECK (header ~ '^application_id(,[a-z0-9_]+)*$'),
	provenance    text NOT NULL
	              CHECK (provenance ~ '^#aap-stream format=[0-9]+[^\n]*(\n#[^\n]*)*$'),
	trailer       text NOT NULL
	              CHECK (trailer ~ '^#trailer records=[0-9]+( [^\n]*)? sha256=[0-9a-f]{64}$'),
	stream_sha256 text NOT NULL UNIQUE
	              CHECK (stream_sha256 ~ '^[0-9a-f]{64}$'),
	record_count  integer NOT NULL CHECK (record_count >= 0),
	envelope      numeric CHECK (envelope >= 0 AND envelope = round(envelope, 2)),
	granted       numeric CHECK (granted >= 0 AND granted = round(granted, 2)),
	remaining     numeric CHECK (remaining >= 0 AND remaining = round(remaining, 2)),
	pushed_by     text NOT NULL DEFAULT session_user,
	pushed_at     timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT batch_call_id_batch_id_key UNIQUE (call_id, batch_id),
	-- A correction belongs to the same call as the batch it replaces.
	CONSTRAINT batch_supersedes_fkey FOREIGN KEY (call_id, supersedes)
		REFERENCES aap.batch (call_id, batch_id),
	CONSTRAINT batch_supersedes_other CHECK (supersedes <> batch_id),
	CONSTRAINT batch_budget_balance CHECK (remaining = envelope - granted),
	CONSTRAINT batch_trailer_records
		CHECK (trailer ~ ('^#trailer records=' || record_count || ' ')),
	-- aap-push refuses a stream a stage read without checking it was whole.
	CONSTRAINT batch_truncation_checked
		CHECK (provenance !~ ' truncation-check=off( |\n|$)')
);
COMMENT ON TABLE aap.batch IS
	'one pushed stream; immutable; a correction is a new batch naming the one it supersedes';
COMMENT ON COLUMN aap.batch.supersedes IS
	'batch this one corrects, of the same call; a batch is superseded at most once';
COMMENT ON COLUMN aap.batch.tool_versions IS
	'tool name -> version, as a jsonb object of text values';
COMMENT ON COLUMN aap.batch.header IS
	'the column names of the stream, in order, joined by commas';
COMMENT ON COLUMN aap.batch.provenance IS
	'the provenance lines of the stream (#aap-stream, #stage...), in order, joined by newlines, no final newline';
COMMENT ON COLUMN aap.batch.trailer IS 'the #trailer line of the stream, without its newline';
COMMENT ON COLUMN aap.batch.stream_sha256 IS
	'sha256 of the whole pushed stream, trailer included, lower-case hex; the same stream is never pushed twice';
COMMENT ON COLUMN aap.batch.record_count IS
	'number of records; equals the applications of the batch at commit';
COMMENT ON COLUMN aap.batch.granted IS
	'sum of the awards, checked at commit when not null';
COMMENT ON COLUMN aap.batch.remaining IS 'envelope - granted';
COMMENT ON COLUMN aap.batch.pushed_by IS 'login (session) user that pushed the batch';
COMMENT ON COLUMN aap.batch.pushed_at IS 'start of the pushing transaction';

CREATE TABLE IF NOT EXISTS aap.config_file (
	batch_id text NOT NULL REFERENCES aap.batch (batch_id),
	role     text NOT NULL
	         CHECK (role IN ('call', 'reviews', 'consensus', 'conflicts')),
	name     text NOT NULL
	         CHECK (name ~ '^[^/\n]+$' AND name NOT IN ('.', '..')),
	sha256   text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	content  text NOT NULL,
	-- Two stages may have read two versions of one file: both are kept.
	PRIMARY KEY (batch_id, role, name, sha256),
	CONSTRAINT config_file_sha256_content
		CHECK (sha256 = encode(sha256(convert_to(content, 'UTF8')), 'hex'))
);
COMMENT ON TABLE aap.config_file IS
	'the configuration and side files of the call, as they were when the batch was pushed';
COMMENT ON COLUMN aap.config_file.name IS 'base name of the file';
COMMENT ON COLUMN aap.config_file.sha256 IS
	'sha256 of the file, lower-case hex; must be the digest of content in UTF-8';

-- Applications --------------------------------------------------------------

CREATE TABLE IF NOT EXISTS aap.application (
	batch_id       text NOT NULL REFERENCES aap.batch (batch_id),
	seq            integer NOT NULL CHECK (seq >= 1),
	application_id text NOT NULL,
	fields         jsonb NOT NULL
	               CHECK (aap.is_text_map(fields, '^[a-z][a-z0-9_]*$')),
	source_file    text NOT NULL
	               CHECK (source_file ~ '^[^/\n]+$'),
	source_line    integer NOT NULL CHECK (source_line >= 1),
	findings       text NOT NULL DEFAULT ''
	               CHECK (findings = '' OR findings ~
	                      '^(error|warning):[a-z0-9_]+(:[^:;]*(:[^;]*)?)?(;(error|warning):[a-z0-9_]+(:[^:;]*(:[^;]*)?)?)*$'),
	finding_list   text[] GENERATED ALWAYS AS
	               (CASE WHEN findings = '' THEN '{}'::text[]
	                     ELSE string_to_array(findings, ';') END) STORED,
	admissible     boolean NOT NULL,
	total          numeric CHECK (total >= 0),
	rank           integer CHECK (rank >= 1),
	rank_reason    text,
	decision       text CHECK (decision IN ('funded', 'reserve', 'not_funded',
	                   'inadmissible', 'incomplete', 'below_threshold')),
	award          numeric CHECK (award >= 0 AND award = round(award, 2)),
	PRIMARY KEY (batch_id, seq),
	CONSTRAINT application_decision_award
		CHECK ((decision IS NULL) = (award IS NULL)),
	CONSTRAINT application_award_funded
		CHECK (award = 0 OR decision = 'funded'),
	CONSTRAINT application_rank_admissible
		CHECK (rank IS NULL OR admissible),
	CONSTRAINT application_listed_ranked
		CHECK (decision NOT IN ('funded', 'reserve') OR (admissible AND rank IS NOT NULL)),
	CONSTRAINT application_inadmissible
		CHECK (decision <> 'inadmissible' OR NOT admissible),
	CONSTRAINT application_error_inadmissible
		CHECK (NOT (admissible AND findings ~ '(^|;)error:'))
);
CREATE INDEX IF NOT EXISTS application_batch_id_application_id_idx
	ON aap.application (batch_id, application_id);
COMMENT ON TABLE aap.application IS
	'one record of the stream, as it entered scoring, with its outcome';
COMMENT ON COLUMN aap.application.seq IS
	'1-based position of the record in the stream; application_id may repeat';
COMMENT ON COLUMN aap.application.fields IS
	'canonical field name -> value, as a jsonb object of text values';
COMMENT ON COLUMN aap.application.findings IS
	'the findings column as it was: severity:code[:field[:detail]] items joined by ";"';
COMMENT ON COLUMN aap.application.finding_list IS 'findings split on ";"';
COMMENT ON COLUMN aap.application.total IS
	'null when empty or when the stream was not scored; so are rank, decision, award';

CREATE TABLE IF NOT EXISTS aap.criterion_score (
	batch_id  text NOT NULL,
	seq       integer NOT NULL,
	criterion text NOT NULL CHECK (criterion ~ '^[a-z][a-z0-9_]*$'),
	score     numeric CHECK (score >= 0),
	spread    numeric CHECK (spread >= 0),
	PRIMARY KEY (batch_id, seq, criterion),
	FOREIGN KEY (batch_id, seq) REFERENCES aap.application (batch_id, seq)
);
COMMENT ON TABLE aap.criterion_score IS
	'the score_<criterion> and spread_<criterion> columns of a record; null when empty';

-- Side files, as read by scoring --------------------------------------------

CREATE TABLE IF NOT EXISTS aap.review (
	batch_id       text NOT NULL REFERENCES aap.batch (batch_id),
	seq            integer NOT NULL CHECK (seq >= 1),
	application_id text NOT NULL,
	reviewer       text NOT NULL CHECK (reviewer <> ''),
	criterion      text NOT NULL CHECK (criterion ~ '^[a-z][a-z0-9_]*$'),
	mark           numeric NOT NULL CHECK (mark >= 0),
	comment        text NOT NULL DEFAULT '',
	PRIMARY KEY (batch_id, seq)
);
COMMENT ON TABLE aap.review IS 'the reviewers'' marks used; seq is the 1-based record number';

CREATE TABLE IF NOT EXISTS aap.consensus (
	batch_id       text NOT NULL REFERENCES aap.batch (batch_id),
	seq            integer NOT NULL CHECK (seq >= 1),
	application_id text NOT NULL,
	criterion      text NOT NULL CHECK (criterion ~ '^[a-z][a-z0-9_]*$'),
	score          numeric NOT NULL CHECK (score >= 0),
	author         text NOT NULL CHECK (author <> ''),
	justification  text NOT NULL DEFAULT '',
	PRIMARY KEY (batch_id, seq)
);
COMMENT ON TABLE aap.consensus IS 'the consensus scores used; seq is the 1-based record number';

CREATE TABLE IF NOT EXISTS aap.conflict (
	batch_id       text NOT NULL REFERENCES aap.batch (batch_id),
	seq            integer NOT NULL CHECK (seq >= 1),
	reviewer       text NOT NULL CHECK (reviewer <> ''),
	application_id text NOT NULL,
	PRIMARY KEY (batch_id, seq)
);
COMMENT ON TABLE aap.conflict IS
	'the declared conflicts of interest used; seq is the 1-based record number';

-- Immutability --------------------------------------------------------------
-- SQLSTATE ZA001 (class ZA: aap) says a committed batch was to change.

CREATE OR REPLACE FUNCTION aap.refuse_change()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
BEGIN
	RAISE EXCEPTION '%: a committed batch is immutable',
		CASE TG_OP
		WHEN 'TRUNCATE' THEN format('cannot truncate "%s.%s"', TG_TABLE_SCHEMA, TG_TABLE_NAME)
		ELSE format('cannot %s rows of "%s.%s"', lower(TG_OP), TG_TABLE_SCHEMA, TG_TABLE_NAME)
		END
		USING ERRCODE = 'ZA001',
		      HINT = 'Push a new batch that supersedes this one.';
END
$$;
COMMENT ON FUNCTION aap.refuse_change() IS
	'trigger: refuses UPDATE, DELETE and TRUNCATE with SQLSTATE ZA001';

-- Rows may only join a batch inserted by the same transaction: once a batch
-- is committed, nothing can be added to it either. The batch row is ours when
-- its xmin is our top transaction id or, inserted under a savepoint, a later
-- id still in progress: a visible row inserted by a transaction in progress is
-- one of our own. A statement-level trigger over the rows the statement added
-- (a transition table), so that a COPY of a million rows checks each batch
-- once rather than each row. SECURITY DEFINER because the loader may not read
-- xmin.
CREATE OR REPLACE FUNCTION aap.refuse_closed_batch()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
	b text;
	inserter xid;
	top bigint;
	delta bigint;
BEGIN
	top := pg_current_xact_id()::text::bigint;
	FOR b IN SELECT DISTINCT a.batch_id FROM added AS a LOOP
		SELECT x.xmin INTO inserter FROM aap.batch AS x WHERE x.batch_id = b;
		IF NOT FOUND THEN
			CONTINUE;           -- left to the foreign key to report
		END IF;
		-- How far the 32-bit xmin is past our own id, modulo the wraparound.
		delta := (inserter::text::bigint - top % 4294967296 + 4294967296) % 4294967296;
		IF delta = 0
		   OR (delta < 2147483648
		       AND pg_xact_status((top + delta)::text::xid8) = 'in progress') THEN
			CONTINUE;
		END IF;
		RAISE EXCEPTION 'cannot add rows to "%.%" for batch "%": a committed batch is immutable',
			TG_TABLE_SCHEMA, TG_TABLE_NAME, b
			USING ERRCODE = 'ZA001',
			      DETAIL = 'The rows of a batch are inserted by the transaction that inserts the batch.',
			      HINT = 'Push a new batch that supersedes this one.';
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION aap.refuse_closed_batch() IS
	'trigger: refuses rows for a batch inserted by another transaction, with SQLSTATE ZA001';

-- The value of a provenance token, its %XX escapes decoded (docs/stream.md).
CREATE OR REPLACE FUNCTION aap.token_decode(value text)
RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog
AS $$
	SELECT coalesce(convert_from(string_agg(
	           CASE WHEN m[1] IS NOT NULL THEN decode(m[1], 'hex')
	                ELSE convert_to(m[2], 'UTF8') END,
	           ''::bytea ORDER BY n), 'UTF8'), '')
	FROM regexp_matches(value, '%([0-9A-F]{2})|([^%]+|%)', 'g') WITH ORDINALITY AS t(m, n)
$$;
COMMENT ON FUNCTION aap.token_decode(text) IS
	'value of a provenance token with its %XX escapes decoded';

-- Checked at commit, once every row is in: the stream's records are all
-- there, the amount granted is the sum of the awards, every #stage line is
-- of the batch's call, and every file a stage read (file=ROLE:NAME:SHA256)
-- is stored with that digest, so that an audit needs nothing else.
-- SQLSTATE 23514 (check_violation).
CREATE OR REPLACE FUNCTION aap.check_batch_complete()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
	n bigint;
	last integer;
	awarded numeric;
	token text;
	v text;
	file_role text;
	file_name text;
BEGIN
	SELECT count(*), coalesce(max(a.seq), 0), coalesce(sum(a.award), 0)
	INTO n, last, awarded
	FROM aap.application AS a
	WHERE a.batch_id = NEW.batch_id;
	IF n <> NEW.record_count THEN
		RAISE EXCEPTION 'batch "%" is incomplete: % records expected, % present',
			NEW.batch_id, NEW.record_count, n
			USING ERRCODE = 'check_violation';
	END IF;
	IF last <> n THEN
		RAISE EXCEPTION 'batch "%" has % records numbered up to %',
			NEW.batch_id, n, last
			USING ERRCODE = 'check_violation',
			      DETAIL = 'The records of a batch are numbered from 1 without gaps.';
	END IF;
	IF NEW.granted IS NOT NULL AND NEW.granted <> awarded THEN
		RAISE EXCEPTION 'batch "%" grants % but its awards sum to %',
			NEW.batch_id, NEW.granted, awarded
			USING ERRCODE = 'check_violation';
	END IF;

	FOR token IN
		SELECT t.token
		FROM regexp_split_to_table(NEW.provenance, '\n') AS l(line),
		     LATERAL regexp_split_to_table(l.line, ' ') WITH ORDINALITY AS t(token, i)
		WHERE l.line LIKE '#stage %' AND t.i > 1
		  AND (t.token LIKE 'call=%' OR t.token LIKE 'file=%')
	LOOP
		v := substr(token, 6);
		IF token LIKE 'call=%' THEN
			IF aap.token_decode(v) <> NEW.call_id THEN
				RAISE EXCEPTION 'batch "%" is of call "%" but a stage ran for "%"',
					NEW.batch_id, NEW.call_id, aap.token_decode(v)
					USING ERRCODE = 'check_violation';
			END IF;
			CONTINUE;
		END IF;
		IF v !~ '^[^:]+:.+:[0-9a-f]{64}$' THEN
			RAISE EXCEPTION 'batch "%" has a malformed provenance token "%"',
				NEW.batch_id, token
				USING ERRCODE = 'check_violation',
				      DETAIL = 'A file token is file=ROLE:NAME:SHA256.';
		END IF;
		file_role := split_part(v, ':', 1);
		file_name := aap.token_decode(substr(v, length(file_role) + 2,
		                                     length(v) - length(file_role) - 66));
		IF NOT EXISTS (SELECT 1 FROM aap.config_file AS f
		               WHERE f.batch_id = NEW.batch_id AND f.role = file_role
		                 AND f.name = file_name AND f.sha256 = right(v, 64)) THEN
			RAISE EXCEPTION 'batch "%" lacks the file %:% its provenance names',
				NEW.batch_id, file_role, file_name
				USING ERRCODE = 'check_violation',
				      DETAIL = format('Its sha256 is %s.', right(v, 64)),
				      HINT = 'Store every file a stage read in aap.config_file.';
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION aap.check_batch_complete() IS
	'constraint trigger, at commit: records, amount granted, call and files match the provenance';

REVOKE ALL ON FUNCTION aap.refuse_change() FROM PUBLIC;
REVOKE ALL ON FUNCTION aap.refuse_closed_batch() FROM PUBLIC;
REVOKE ALL ON FUNCTION aap.check_batch_complete() FROM PUBLIC;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['batch', 'config_file', 'application',
	                         'criterion_score', 'review', 'consensus', 'conflict']
	LOOP
		EXECUTE format('CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE '
		               'ON aap.%I FOR EACH ROW EXECUTE FUNCTION aap.refuse_change()', t);
		EXECUTE format('CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE '
		               'ON aap.%I FOR EACH STATEMENT EXECUTE FUNCTION aap.refuse_change()', t);
		IF t <> 'batch' THEN
			EXECUTE format('CREATE OR REPLACE TRIGGER refuse_closed_batch AFTER INSERT '
			               'ON aap.%I REFERENCING NEW TABLE AS added FOR EACH STATEMENT '
			               'EXECUTE FUNCTION aap.refuse_closed_batch()', t);
		END IF;
	END LOOP;

	-- CREATE OR REPLACE does not apply to constraint triggers.
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
	               WHERE tgrelid = 'aap.batch'::regclass
	                 AND tgname = 'check_batch_complete') THEN
		CREATE CONSTRAINT TRIGGER check_batch_complete AFTER INSERT ON aap.batch
			DEFERRABLE INITIALLY DEFERRED
			FOR EACH ROW EXECUTE FUNCTION aap.check_batch_complete();
	END IF;
END
$$;

-- Privileges ----------------------------------------------------------------
-- The loader adds batches and reads only what tells it whether a batch id or
-- a stream is new, and the schema version. It cannot name who pushed or when.

GRANT INSERT (batch_id, call_id, supersedes, tool_versions, header, provenance,
              trailer, stream_sha256, record_count, envelope, granted, remaining)
	ON aap.batch TO aap_loader;
GRANT SELECT (batch_id, call_id, supersedes, stream_sha256)
	ON aap.batch TO aap_loader;
GRANT INSERT ON aap.config_file, aap.application, aap.criterion_score,
                aap.review, aap.consensus, aap.conflict
	TO aap_loader;
GRANT SELECT ON aap.migrations TO aap_loader;

GRANT SELECT ON aap.batch, aap.config_file, aap.application, aap.criterion_score,
                aap.review, aap.consensus, aap.conflict
	TO aap_committee, aap_auditor;
GRANT SELECT ON aap.migrations TO aap_auditor;

INSERT INTO aap.migrations (version, name) VALUES (1, '001_schema')
	ON CONFLICT (version) DO NOTHING;

RESET ROLE;
