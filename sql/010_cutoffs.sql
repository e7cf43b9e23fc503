-- 010_cutoffs.sql: a batch's cut-off (docs/scoring.md, "Cut-offs"), the
-- amount the earlier cut-offs of its call carried into its envelope and
-- the batch that amount was left by. aap-push checks, before it commits,
-- that the carried amount and the streams named are the stored ones.
-- Apply with scripts/migrate (psql --single-transaction); safe to run again.

SET client_min_messages = warning;
SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('aap.migrate'));
SET ROLE aap_owner;

ALTER TABLE aap.batch
	ADD COLUMN IF NOT EXISTS cutoff_id text
		CHECK (cutoff_id ~ '^[A-Za-z0-9._-]+$'),
	ADD COLUMN IF NOT EXISTS carried numeric
		CHECK (carried >= 0 AND carried = round(carried, 2)),
	ADD COLUMN IF NOT EXISTS carried_from text;
COMMENT ON COLUMN aap.batch.cutoff_id IS
	'the cut-off of the call the batch was scored for (aap-score --cutoff), null when none';
COMMENT ON COLUMN aap.batch.carried IS
	'what the earlier cut-offs left, walked with the cut-off''s own envelope (included in envelope); null without a cut-off';
COMMENT ON COLUMN aap.batch.carried_from IS
	'the batch of the latest earlier cut-off, whose remaining is carried; null for the first cut-off';

-- The constraints are added once: applied again, they are left as they are.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
	               WHERE conrelid = 'aap.batch'::regclass
	                 AND conname = 'batch_carried_from_fkey') THEN
		-- The batch carried from is of the same call.
		ALTER TABLE aap.batch ADD CONSTRAINT batch_carried_from_fkey
			FOREIGN KEY (call_id, carried_from) REFERENCES aap.batch (call_id, batch_id);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
	               WHERE conrelid = 'aap.batch'::regclass
	                 AND conname = 'batch_cutoff_carried') THEN
		-- A carried amount comes with a cut-off; one carried from, with
		-- an amount.
		ALTER TABLE aap.batch ADD CONSTRAINT batch_cutoff_carried
			CHECK ((cutoff_id IS NULL) = (carried IS NULL)
			       AND (carried_from IS NULL OR carried IS NOT NULL));
	END IF;
END
$$;

GRANT INSERT (cutoff_id, carried, carried_from) ON aap.batch TO aap_loader;

-- What is wrong with a batch of cut-off cut of call c that carries the
-- amount carried and names the streams carry ('CUTOFF:SHA256', one per
-- earlier cut-off, in their order), superseding sup (or null): each stream
-- must be the current batch of its cut-off, each carrying from the one
-- before, the last having left exactly carried; a cut-off has one current
-- batch, and what a batch left is carried once. Returns the batch carried
-- from (null for the first cut-off) and null, or null and the problem.
-- SECURITY DEFINER: aap_loader reads no batch.
CREATE OR REPLACE FUNCTION aap.cutoff_carry(c text, cut text, carried numeric,
                                            carry text[], sup text)
RETURNS TABLE (carried_from text, problem text)
LANGUAGE plpgsql STABLE
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
DECLARE
	n integer := coalesce(array_length(carry, 1), 0);
	i integer;
	want text;
	prev text;
	other text;
	b record;
BEGIN
	SELECT x.batch_id INTO other FROM aap.batch AS x
	WHERE x.call_id = c AND x.cutoff_id = cut AND x.batch_id IS DISTINCT FROM sup
	  AND NOT EXISTS (SELECT 1 FROM aap.batch AS s WHERE s.supersedes = x.batch_id)
	ORDER BY x.batch_id LIMIT 1;
	IF other IS NOT NULL THEN
		RETURN QUERY SELECT NULL::text, format('cut-off "%s" of call "%s" has a current batch already, "%s": a correction gives --supersedes %s',
		                                       cut, c, other, other);
		RETURN;
	END IF;
	FOR i IN 1 .. n LOOP
		want := split_part(carry[i], ':', 1);
		SELECT x.batch_id, x.cutoff_id, x.remaining, x.carried_from,
		       (SELECT s.batch_id FROM aap.batch AS s WHERE s.supersedes = x.batch_id) AS superseded_by
		INTO b FROM aap.batch AS x
		WHERE x.call_id = c AND x.stream_sha256 = split_part(carry[i], ':', 2);
		IF NOT FOUND THEN
			RETURN QUERY SELECT NULL::text, format('the stream of cut-off "%s" it carries from (sha256 %s) is no stored batch of call "%s"',
			                                       want, split_part(carry[i], ':', 2), c);
			RETURN;
		END IF;
		IF b.cutoff_id IS DISTINCT FROM want THEN
			RETURN QUERY SELECT NULL::text, format('the stream it carries from for cut-off "%s" is batch "%s", of cut-off "%s"',
			                                       want, b.batch_id, coalesce(b.cutoff_id, 'none'));
			RETURN;
		END IF;
		IF b.superseded_by IS NOT NULL THEN
			RETURN QUERY SELECT NULL::text, format('batch "%s" of cut-off "%s", which it carries from, is superseded by "%s"',
			                                       b.batch_id, want, b.superseded_by);
			RETURN;
		END IF;
		IF b.carried_from IS DISTINCT FROM prev THEN
			RETURN QUERY SELECT NULL::text, format('batch "%s" of cut-off "%s" does not carry from "%s", the batch it names before',
			                                       b.batch_id, want, coalesce(prev, 'none'));
			RETURN;
		END IF;
		prev := b.batch_id;
	END LOOP;
	IF n = 0 THEN
		IF carried <> 0 THEN
			RETURN QUERY SELECT NULL::text, format('it carries %s but names no batch of an earlier cut-off', carried);
			RETURN;
		END IF;
		RETURN QUERY SELECT NULL::text, NULL::text;
		RETURN;
	END IF;
	IF b.remaining IS DISTINCT FROM carried THEN
		RETURN QUERY SELECT NULL::text, format('it carries %s, but batch "%s" of cut-off "%s" left %s',
		                                       carried, b.batch_id, b.cutoff_id, coalesce(b.remaining::text, 'nothing'));
		RETURN;
	END IF;
	SELECT x.batch_id INTO other FROM aap.batch AS x
	WHERE x.carried_from = b.batch_id AND x.batch_id IS DISTINCT FROM sup
	  AND NOT EXISTS (SELECT 1 FROM aap.batch AS s WHERE s.supersedes = x.batch_id)
	ORDER BY x.batch_id LIMIT 1;
	IF other IS NOT NULL THEN
		RETURN QUERY SELECT NULL::text, format('what batch "%s" left is carried already, by batch "%s"',
		                                       b.batch_id, other);
		RETURN;
	END IF;
	RETURN QUERY SELECT b.batch_id, NULL::text;
END
$$;
COMMENT ON FUNCTION aap.cutoff_carry(text, text, numeric, text[], text) IS
	'checks what a batch of a cut-off carries against the stored batches of the earlier cut-offs: the batch carried from, or the problem';

-- The first application batch b funds that a batch of an earlier cut-off
-- of its call (carried_from, and theirs) funded, by application_id or,
-- when key is not null, by the non-empty value of that field: a message,
-- or null when there is none.
CREATE OR REPLACE FUNCTION aap.cutoff_refunded(b text, key text)
RETURNS text
LANGUAGE sql STABLE
SECURITY DEFINER
SET search_path = pg_catalog
AS $$
	WITH RECURSIVE earlier (batch_id) AS (
		SELECT x.carried_from FROM aap.batch AS x
		WHERE x.batch_id = b AND x.carried_from IS NOT NULL
		UNION
		SELECT x.carried_from FROM aap.batch AS x JOIN earlier AS e USING (batch_id)
		WHERE x.carried_from IS NOT NULL
	)
	SELECT format('application "%s" is funded, yet batch "%s" of cut-off "%s" funded %s',
	              n.application_id, ob.batch_id, ob.cutoff_id,
	              CASE WHEN key IS NULL THEN 'it'
	                   ELSE format('application "%s" of the same %s', o.application_id, key) END)
	FROM aap.application AS n
	JOIN aap.application AS o ON o.decision = 'funded'
	                         AND o.batch_id IN (SELECT e.batch_id FROM earlier AS e)
	JOIN aap.batch AS ob ON ob.batch_id = o.batch_id
	WHERE n.batch_id = b AND n.decision = 'funded'
	  AND CASE WHEN key IS NULL THEN o.application_id = n.application_id
	           ELSE n.fields ->> key <> '' AND o.fields ->> key = n.fields ->> key END
	ORDER BY n.seq, o.batch_id, o.seq
	LIMIT 1
$$;
COMMENT ON FUNCTION aap.cutoff_refunded(text, text) IS
	'an application a batch funds that a batch of an earlier cut-off of its call funded, as a message, or null';

REVOKE ALL ON FUNCTION aap.cutoff_carry(text, text, numeric, text[], text) FROM PUBLIC;
REVOKE ALL ON FUNCTION aap.cutoff_refunded(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION aap.cutoff_carry(text, text, numeric, text[], text) TO aap_loader;
GRANT EXECUTE ON FUNCTION aap.cutoff_refunded(text, text) TO aap_loader;

INSERT INTO aap.migrations (version, name) VALUES (10, '010_cutoffs')
	ON CONFLICT (version) DO NOTHING;

RESET ROLE;
