# t-migrate.sh - aap-migrate's statuses: 2 for what the migrations folder
# holds, 4 for a database it cannot reach (docs/exit-status.md). Its runs
# against a server are in t-push.sh and tests/db/run.
# shellcheck shell=bash

migrate=$T_TOP/scripts/migrate

t_begin migrate_without_a_server_fails_with_status_4
mkdir nosock
t_run env -u PGSERVICE -u PGSERVICEFILE PGHOST="$PWD/nosock" PGPORT=5999 \
	"$migrate" --sql-dir "$T_TOP/sql"
t_status 4
t_stderr_has 'aap-migrate: error: could not connect to the database'
t_stderr_has 'hint: check the PG* variables'
t_end

t_begin migrate_without_its_folder_fails_with_status_2
t_run "$migrate" --sql-dir "$PWD/none"
t_status 2
t_stderr_has "aap-migrate: error: could not find the migrations folder \"$PWD/none\""
t_end

t_begin migrate_with_two_migrations_of_one_version_fails_with_status_2
mkdir sql
cp "$T_TOP/sql/001_schema.sql" sql/
cp "$T_TOP/sql/001_schema.sql" sql/001_again.sql
t_run "$migrate" --sql-dir "$PWD/sql"
t_status 2
t_stderr_is <<'EOF2'
aap-migrate: error: two migrations have version 1: "001_again.sql" and "001_schema.sql"
EOF2
t_end
