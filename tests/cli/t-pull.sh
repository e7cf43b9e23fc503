# t-pull.sh - aap-pull against a private PostgreSQL server started here:
# a stored batch comes back as the stream that was pushed, byte for byte,
# with its files; a value changed behind the triggers' back is refused.
# shellcheck shell=bash

t_pg_start || return 0

# pushed ID STREAM [OPTION]...: pushes STREAM as batch ID of the call in
# $pull_call, as aap_loader.
pull_call=$CALL
pushed() {
	local id=$1 s=$2
	shift 2
	PGUSER=aap_loader aap-push --call "$pull_call" --batch "$id" "$@" "$s" >/dev/null 2>&1 ||
		t_fail "could not push $s as $id"
}

pull_side=(--reviews "$CALL/sample/reviews.csv" --consensus "$CALL/sample/consensus.csv"
	--conflicts "$CALL/sample/conflicts.csv")

t_begin a_scored_batch_is_pulled_back_byte_for_byte
aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null |
	aap-score --call "$CALL" "${pull_side[@]}" >"$T_TMP/pull-scored"
cp "$T_TMP/pull-scored" scored
pushed p-scored scored "${pull_side[@]}"
t_run env PGUSER=aap_committee aap-pull --batch p-scored
t_status 0
cmp -s scored out || t_fail "the stream pulled differs: $(cmp scored out)"
[ "$(sha256sum <out | cut -c1-64)" = "$(admin -c "SELECT stream_sha256 FROM aap.batch WHERE batch_id = 'p-scored'")" ] ||
	t_fail "its digest is not stream_sha256"
[ ! -s err ] || t_fail "stderr: $(cat err)"
t_end

t_begin a_validated_batch_is_pulled_back_byte_for_byte
# Values that need quotes, a backslash, \N and \., a line end, a '#' first.
printf 'ID,Titre du projet,Montant de l%saide demandée,Remarque\n' "'" >in.csv
printf 'A-1,"a, ""b""",1,\\N\nA-2,"#x\ny",2,\\.\nA-3,c\\d,3,\n' >>in.csv
aap-ingest --call "$MINI" in.csv | aap-validate --call "$MINI" >validated
pull_call=$MINI pushed p-validated validated
t_run env PGUSER=aap_auditor aap-pull --batch p-validated
t_status 0
cmp -s validated out || t_fail "the stream pulled differs: $(diff validated out)"
t_end

t_begin stored_files_are_pulled_back_exactly
t_run env PGUSER=aap_auditor aap-pull --batch p-scored --file reviews:reviews.csv
t_status 0
cmp -s "$CALL/sample/reviews.csv" out || t_fail "reviews.csv differs"
t_run env PGUSER=aap_auditor aap-pull --batch p-scored --file call:criteria.csv
t_status 0
cmp -s "$CALL/criteria.csv" out || t_fail "criteria.csv differs"
t_run env PGUSER=aap_auditor aap-pull --batch p-scored --call-dir call
t_status 0
for f in call/*; do
	cmp -s "$f" "$CALL/${f#call/}" || t_fail "$f differs"
done
[ "$(ls call | wc -l)" = "$(admin -c "SELECT count(*) FROM aap.config_file WHERE batch_id = 'p-scored' AND role = 'call'")" ] ||
	t_fail "files written: $(ls call)"
t_run env PGUSER=aap_auditor aap-pull --batch p-scored --file call:nothing.csv
t_status 2
t_stderr_is <<'EOF2'
aap-pull: error: batch "p-scored" has no stored file call:nothing.csv
EOF2
t_end

t_begin a_value_changed_after_the_push_gives_status_5_and_no_trailer
admin -c "SET session_replication_role = replica" \
	-c "UPDATE aap.application SET award = award + 1 WHERE batch_id = 'p-scored' AND seq = 1" >/dev/null
cp "$T_TMP/pull-scored" scored
t_run env PGUSER=aap_auditor aap-pull --batch p-scored
t_status 5
t_stderr_has 'aap-pull: error: batch "p-scored" rebuilt from the database is not the stream that was pushed'
t_stderr_has "aap.batch.stream_sha256 is $(sha256sum <scored | cut -c1-64)"
t_no_trailer
[ "$(head -n -1 scored | wc -l)" = "$(wc -l <out)" ] || t_fail "not every record was written"
t_end

t_begin a_stored_file_changed_after_the_push_gives_status_5
admin -c "SET session_replication_role = replica" \
	-c "ALTER TABLE aap.config_file DROP CONSTRAINT config_file_sha256_content" \
	-c "UPDATE aap.config_file SET content = content || 'x' WHERE batch_id = 'p-scored' AND name = 'rates.csv'" >/dev/null
t_run env PGUSER=aap_auditor aap-pull --batch p-scored --file call:rates.csv
t_status 5
t_stderr_has 'aap-pull: error: the stored call file "rates.csv" is not the one stored at the push'
[ ! -s out ] || t_fail "the file was written"
t_end

t_begin pull_usage_and_database_failures
t_run aap-pull
t_status 2
t_stderr_has 'aap-pull: error: --batch ID is required'
t_run aap-pull --batch x --file a:b --call-dir d
t_status 2
t_run env PGUSER=aap_auditor aap-pull --batch no-such-batch
t_status 2
t_stderr_is <<'EOF2'
aap-pull: error: there is no batch "no-such-batch"
EOF2
t_run aap-pull --batch p-scored --db "host=$T_TMP/nowhere password=s3cr3t-pw"
t_status 4
t_stderr_has "aap-pull: error: could not connect to the database:"
grep -q 's3cr3t-pw' err && t_fail "the password was printed"
t_end
