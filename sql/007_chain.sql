-- 007_chain.sql: a chain across batches. Each batch gets a link, the
-- SHA-256 of the previous link followed by its own stream_sha256, made in
-- the order batches commit, so that no past batch can be rewritten, even
-- consistently and by a superuser, without breaking every link after it
-- (docs/database.md, "The chain"; docs/promises.md).
-- Apply with scripts/migrate (psql --single-transaction); safe to run again.

SET client_min_messages = warning;
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aap.migrate'));
SET ROLE aap_owner;

CREATE TABLE IF NOT EXISTS aap.chain (
	position     bigint PRIMARY KEY CHECK (position >= 1),
	batch_id     text NOT NULL UNIQUE REFERENCES aap.batch (batch_id),
	chain_sha256 text NOT NULL CHECK (chain_sha256 ~ '^[0-9a-f]{64}$')
);
COMMENT ON TABLE aap.chain IS
	'one link per batch, in commit order: chain_sha256 = sha256(previous link || stream_sha256)';
COMMENT ON COLUMN aap.chain.position IS 'the link''s place in the chain, from 1, without gaps';
COMMENT ON COLUMN aap.chain.chain_sha256 IS
	'sha256, lower-case hex, of the previous link''s chain_sha256 (64 zeros before the first) followed by the batch''s stream_sha256, both as hex text';

-- The chain's head: the last link. One row, updated by every push as it
-- commits, so that pushes committing at the same moment take turns on its
-- lock and the chain stays one line.
CREATE TABLE IF NOT EXISTS aap.chain_head (
	one          boolean PRIMARY KEY DEFAULT true CHECK (one),
	position     bigint NOT NULL CHECK (position >= 0),
	chain_sha256 text NOT NULL CHECK (chain_sha256 ~ '^[0-9a-f]{64}$')
);
COMMENT ON TABLE aap.chain_head IS
	'the last link of aap.chain (position 0 and 64 zeros before the first batch)';
INSERT INTO aap.chain_head (one, position, chain_sha256)
	VALUES (true, 0, repeat('0', 64)) ON CONFLICT (one) DO NOTHING;

-- The link after prev for a batch whose stream has the digest stream.
CREATE OR REPLACE FUNCTION aap.chain_link(prev text, stream text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog
AS $$
	SELECT encode(sha256(convert_to(prev || stream, 'UTF8')), 'hex')
$$;
COMMENT ON FUNCTION aap.chain_link(text, text) IS
	'sha256 of the previous link followed by a stream digest, as lower-case hex';

-- Adds the batch's link after the head, holding the head's row lock until
-- the transaction ends. SECURITY DEFINER: nobody else may write the chain.
CREATE OR REPLACE FUNCTION aap.add_link(b text, stream text)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
	p bigint;
	c text;
BEGIN
	UPDATE aap.chain_head AS h
	SET position = h.position + 1, chain_sha256 = aap.chain_link(h.chain_sha256, stream)
	RETURNING h.position, h.chain_sha256 INTO p, c;
	INSERT INTO aap.chain (position, batch_id, chain_sha256) VALUES (p, b, c);
	RETURN c;
END
$$;
COMMENT ON FUNCTION aap.add_link(text, text) IS
	'appends the link of a batch to aap.chain and moves aap.chain_head to it';

-- A deferred constraint trigger: a push takes the head's lock only as it
-- commits, so pushes run side by side and take turns only there.
CREATE OR REPLACE FUNCTION aap.link_chain()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
BEGIN
	PERFORM aap.add_link(NEW.batch_id, NEW.stream_sha256);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION aap.link_chain() IS
	'constraint trigger, at commit: adds the new batch''s link to the chain';

REVOKE ALL ON FUNCTION aap.chain_link(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aap.chain_link(text, text) TO aap_committee, aap_auditor;
REVOKE ALL ON FUNCTION aap.add_link(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aap.link_chain() FROM PUBLIC;

-- Batches stored before this migration are linked in the order they were
-- pushed.
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN
		SELECT b.batch_id, b.stream_sha256 FROM aap.batch AS b
		WHERE NOT EXISTS (SELECT 1 FROM aap.chain AS c WHERE c.batch_id = b.batch_id)
		ORDER BY b.pushed_at, b.batch_id
	LOOP
		PERFORM aap.add_link(r.batch_id, r.stream_sha256);
	END LOOP;

	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
	               WHERE tgrelid = 'aap.batch'::regclass AND tgname = 'link_chain') THEN
		CREATE CONSTRAINT TRIGGER link_chain AFTER INSERT ON aap.batch
			DEFERRABLE INITIALLY DEFERRED
			FOR EACH ROW EXECUTE FUNCTION aap.link_chain();
	END IF;
END
$$;

-- A link is never changed or removed; the head only moves forward, through
-- aap.add_link.
CREATE OR REPLACE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON aap.chain
	FOR EACH ROW EXECUTE FUNCTION aap.refuse_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON aap.chain
	FOR EACH STATEMENT EXECUTE FUNCTION aap.refuse_change();
CREATE OR REPLACE TRIGGER refuse_change BEFORE DELETE ON aap.chain_head
	FOR EACH ROW EXECUTE FUNCTION aap.refuse_change();
CREATE OR REPLACE TRIGGER refuse_truncate BEFORE TRUNCATE ON aap.chain_head
	FOR EACH STATEMENT EXECUTE FUNCTION aap.refuse_change();

REVOKE ALL ON aap.chain, aap.chain_head FROM PUBLIC;
GRANT SELECT ON aap.chain TO aap_loader, aap_committee, aap_auditor;
GRANT SELECT ON aap.chain_head TO aap_committee, aap_auditor;

INSERT INTO aap.migrations (version, name) VALUES (7, '007_chain')
	ON CONFLICT (version) DO NOTHING;

RESET ROLE;
