-- roles.sql: the cluster-wide roles of aap, for whoever administers the server.
-- Roles belong to the cluster, not to a database, and creating them needs a
-- superuser or a CREATEROLE user, so the migrations cannot do it themselves.
-- Safe to run again: it creates what is missing and resets the attributes of
-- what exists. It sets no password: a real administrator sets one
-- (ALTER ROLE aap_loader PASSWORD '...') or maps the roles in pg_hba.conf;
-- pg-sandbox uses trust authentication on a private unix socket.
--
--   aap_owner      owns the schema "aap" and every object in it; cannot log in
--   aap_loader     aap-push: adds batches, reads only what it needs to check
--                  that a batch id or stream digest is new
--   aap_committee  reads batches, rankings and budgets
--   aap_auditor    reads everything, including the migrations
--
-- People get their own login roles made members of these, e.g.
-- CREATE ROLE alice LOGIN IN ROLE aap_committee; batches record the login
-- (session) user who pushed them.
--
-- Apply with: psql -X -v ON_ERROR_STOP=1 -d postgres -f sql/roles.sql

DO $$
DECLARE
	r record;
BEGIN
	FOR r IN
		SELECT *
		FROM (VALUES
			('aap_owner', false, 'owns the aap schema; never logs in'),
			('aap_loader', true, 'aap-push: adds batches and nothing else'),
			('aap_committee', true, 'reads aap batches, rankings and budgets'),
			('aap_auditor', true, 'reads everything in aap')
		) AS t(name, login, note)
	LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r.name) THEN
			EXECUTE format('CREATE ROLE %I', r.name);
		END IF;
		EXECUTE format('ALTER ROLE %I %s NOSUPERUSER NOCREATEDB NOCREATEROLE '
			'NOREPLICATION NOBYPASSRLS INHERIT',
			r.name, CASE WHEN r.login THEN 'LOGIN' ELSE 'NOLOGIN' END);
		EXECUTE format('COMMENT ON ROLE %I IS %L', r.name, r.note);
	END LOOP;

	-- The migrations run their DDL as aap_owner (SET ROLE), so a
	-- non-superuser administrator must be a member of it. A superuser needs
	-- no membership.
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
	   AND NOT pg_catalog.pg_has_role(current_user, 'aap_owner', 'MEMBER') THEN
		EXECUTE format('GRANT aap_owner TO %I', current_user);
	END IF;
END
$$;
