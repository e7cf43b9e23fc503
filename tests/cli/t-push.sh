# t-push.sh - aap-push against a private PostgreSQL server started here:
# whole or nothing, once only, stages killed mid-stream, the server going
# away, values stored exactly, and the messages of what can go wrong.
# shellcheck shell=bash

t_pg_start || return 0
export PGUSER=aap_loader

batches() {
	admin -c "SELECT count(*) FROM aap.batch WHERE batch_id = '$1'"
}

# sessions NAME: the server's sessions of application NAME (a push run
# with PGAPPNAME=NAME has connected once its count is 1).
sessions() {
	admin -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = '$1'"
}

connected() {
	[ "$(sessions "$1")" -ge "${2:-1}" ]
}

disconnected() {
	[ "$(sessions "$1")" = 0 ]
}

# feed FIFO: makes FIFO and holds it open on fd 3 (the reader sees no end
# of input until fd 3 is closed); write to it with >&3.  What runs
# meanwhile is started without fd 3 (t_start closes it).
feed() {
	mkfifo "$1" && exec 3<>"$1"
}

push_csv() {
	printf 'ID,Titre du projet,Montant de l%saide demandée,Remarque\n' "'"
	for i in $(seq 1 "${1:-3}"); do
		printf 'A-%d,"Projet %d, ""IA""",%d000,%s\n' "$i" "$i" "$i" "$t_name"
	done
}

# A validated stream of N applications in file s.
make_stream() {
	push_csv "${1:-3}" >in.csv
	aap-ingest --call "$MINI" in.csv | aap-validate --call "$MINI" >s
}

t_begin a_failing_migration_keeps_nothing_and_fails_with_status_4
mkdir sql
cp "$T_TOP"/sql/*.sql sql/
printf 'CREATE TABLE aap.half_done (x int);\nSELECT 1/0;\n' >sql/900_broken.sql
t_run env PGUSER=aap_admin "$T_TOP/scripts/migrate" --sql-dir "$PWD/sql"
t_status 4
t_stderr_has 'aap-migrate: error: could not apply "900_broken.sql"; nothing of it was kept'
[ "$(admin -c "SELECT to_regclass('aap.half_done') IS NULL")" = t ] || t_fail "the table was kept"
[ "$(admin -c "SELECT count(*) FROM aap.migrations WHERE version = 900")" = 0 ] || t_fail "recorded"
t_end

t_begin push_stores_the_stream_and_passes_it_through
make_stream 3
t_run aap-push --call "$MINI" --batch b-full s
t_status 0
t_stderr_is <<EOF2
aap-push: stored batch "b-full": 3 applications
aap-push: chain head: $(admin -c "SELECT chain_sha256 FROM aap.chain WHERE batch_id = 'b-full'")
EOF2
[ "$(admin -c "SELECT batch_id FROM aap.chain WHERE position = (SELECT position FROM aap.chain_head)")" = b-full ] ||
	t_fail "b-full is not the head of the chain"
head -n -1 s >s.body
head -n -1 out | grep -v '^#stage name=aap-push' >out.body
cmp -s s.body out.body || t_fail "the records passed through differ: $(diff s.body out.body)"
tail -n 1 out | grep -q '^#trailer records=3 input=s:' || t_fail "no trailer after the commit"
grep -q '^#stage name=aap-push .* batch=b-full' out || t_fail "no #stage line"
got=$(admin -c "SELECT string_agg(application_id || '|' || (fields->>'title') || '|' || (fields->>'amount') || '|' || source_line || '|' || admissible, ';' ORDER BY seq) FROM aap.application WHERE batch_id = 'b-full'")
[ "$got" = 'A-1|Projet 1, "IA"|1000.00|2|true;A-2|Projet 2, "IA"|2000.00|3|true;A-3|Projet 3, "IA"|3000.00|4|true' ] || t_fail "stored: $got"
got=$(admin -c "SELECT stream_sha256 || ' ' || record_count || ' ' || pushed_by FROM aap.batch WHERE batch_id = 'b-full'")
[ "$got" = "$(sha256sum <s | cut -c1-64) 3 aap_loader" ] || t_fail "batch row: $got"
got=$(admin -c "SELECT string_agg(role || ':' || name || ':' || sha256, ' ' ORDER BY name) FROM aap.config_file WHERE batch_id = 'b-full'")
[ "$got" = "call:call.csv:$(sha256sum <"$MINI/call.csv" | cut -c1-64) call:fields.csv:$(sha256sum <"$MINI/fields.csv" | cut -c1-64)" ] || t_fail "files: $got"
t_end

t_begin pushing_again_changes_nothing_and_says_so
make_stream 3
aap-push --call "$MINI" --batch b-again s >/dev/null 2>&1
t_run aap-push --call "$MINI" --batch b-again s
t_status 0
t_stderr_is <<'EOF2'
aap-push: batch "b-again" is already stored with this stream: nothing changed
EOF2
[ "$(batches b-again)" = 1 ] || t_fail "batch rows: $(batches b-again)"
t_end

t_begin same_id_with_another_stream_is_refused
make_stream 3
aap-push --call "$MINI" --batch b-id s >/dev/null 2>&1
make_stream 4
t_run aap-push --call "$MINI" --batch b-id s
t_status 1
t_stderr_has 'aap-push: error: batch "b-id" is already stored with another stream'
t_no_trailer
t_end

t_begin same_stream_under_another_id_is_refused
make_stream 5
aap-push --call "$MINI" --batch b-first s >/dev/null 2>&1
t_run aap-push --call "$MINI" --batch b-second s
t_status 1
t_stderr_has 'aap-push: error: this stream is already stored as batch "b-first"'
[ "$(batches b-second)" = 0 ] || t_fail "b-second was stored"
t_end

t_begin two_pushes_at_once_never_both_write
make_stream 6
# Each push is given the stream's head, and its rest only once both have
# connected.
mkfifo f1 f2
exec 4<>f1 5<>f2
PGAPPNAME=b-race aap-push --call "$MINI" --batch b-race <f1 >/dev/null 2>e1 4>&- 5>&- &
p1=$!
PGAPPNAME=b-race aap-push --call "$MINI" --batch b-race <f2 >/dev/null 2>e2 4>&- 5>&- &
p2=$!
head -n 4 s >&4
head -n 4 s >&5
t_wait_until connected b-race 2
tail -n +5 s >&4
tail -n +5 s >&5
exec 4>&- 5>&-
wait "$p1"; s1=$?
wait "$p2"; s2=$?
[ "$s1" = 0 ] && [ "$s2" = 0 ] || t_fail "statuses $s1 and $s2: $(cat e1 e2)"
[ "$(batches b-race)" = 1 ] || t_fail "batch rows: $(batches b-race)"
grep -q 'stored batch "b-race"' e1 e2 || t_fail "neither stored it"
grep -q 'already stored with this stream' e1 e2 || t_fail "neither found it stored: $(cat e1 e2)"
t_end

t_begin a_killed_ingest_leaves_no_batch
# aap-ingest is given half its input and killed once the stream has
# reached aap-push, the rest never sent.
push_csv 5000 >in.csv
head -n 2500 in.csv >part1
feed in
t_start "t_pidfile ingest.pid aap-ingest --call '$MINI' <in | aap-validate --call '$MINI' | PGAPPNAME=b-kill-ingest aap-push --call '$MINI' --batch b-kill-ingest"
cat part1 >&3
t_wait_until connected b-kill-ingest
t_kill ingest.pid
exec 3>&-
t_wait
t_status 1
t_stderr_has "aap-push:-:"
t_stderr_has "it was cut off"
[ "$(batches b-kill-ingest)" = 0 ] || t_fail "a part of the batch is stored"
t_end

t_begin a_killed_validate_leaves_no_batch
push_csv 5000 >in.csv
aap-ingest --call "$MINI" in.csv >i
feed in
t_start "t_pidfile validate.pid aap-validate --call '$MINI' <in | PGAPPNAME=b-kill-validate aap-push --call '$MINI' --batch b-kill-validate"
head -c 200000 i >&3
t_wait_until connected b-kill-validate
t_kill validate.pid
exec 3>&-
t_wait
t_status 1
t_stderr_has "it was cut off"
[ "$(batches b-kill-validate)" = 0 ] || t_fail "a part of the batch is stored"
t_end

t_begin a_killed_push_leaves_no_batch
make_stream 200
feed in
t_start "t_pidfile push.pid env PGAPPNAME=b-kill-push aap-push --call '$MINI' --batch b-kill-push <in"
head -c 3000 s >&3
t_wait_until connected b-kill-push
t_kill push.pid
exec 3>&-
t_wait
t_status 137
t_wait_until disconnected b-kill-push
[ "$(batches b-kill-push)" = 0 ] || t_fail "a part of the batch is stored"
t_end

t_begin server_stopped_during_a_push_leaves_no_batch
make_stream 200
feed in
PGAPPNAME=b-crash aap-push --call "$MINI" --batch b-crash <in >out 2>err 3>&- &
pid=$!
head -c 3000 s >&3
t_wait_until connected b-crash
"$T_TOP/scripts/pg-sandbox" crash "$PG_DIR" || t_fail "could not stop the server"
tail -c +3001 s >&3
exec 3>&-
wait "$pid"
t_status=$?
t_status 4
t_stderr_has "aap-push: error: database:"
t_no_trailer
"$T_TOP/scripts/pg-sandbox" restart "$PG_DIR" || t_fail "could not restart the server"
[ "$(batches b-crash)" = 0 ] || t_fail "a part of the batch is stored"
t_run aap-push --call "$MINI" --batch b-crash s
t_status 0
t_end

t_begin backslash_dot_and_backslash_n_are_stored_exactly
printf 'ID,Titre du projet,Montant de l%saide demandée,Remarque\nA-1,\\.,1,\\N\nA-2,"a\\\\b\tc\n\\.\nd",2,\n' "'" >in.csv
aap-ingest --call "$MINI" in.csv | aap-validate --call "$MINI" >s
t_run aap-push --call "$MINI" --batch b-escape s
t_status 0
admin -c "SELECT (fields->>'title') || '|' || (fields->>'note') FROM aap.application WHERE batch_id = 'b-escape' ORDER BY seq" >got
printf '%s|%s\n%s\t%s\n%s\n%s|\n' '\.' '\N' 'a\\b' 'c' '\.' 'd' >want
cmp -s got want || t_fail "stored: $(od -c got | head -5)"
t_end

t_begin files_must_be_those_the_stream_was_made_with
make_stream 3
mkdir call && cp "$MINI"/*.csv call/ && printf '# changed\n' >>call/fields.csv
t_run aap-push --call call --batch b-files s
t_status 2
t_stderr_has 'aap-push: error: "call/fields.csv" is not the call file the stream was made with'
printf 'application_id,reviewer,criterion,mark,comment\n' >reviews.csv
t_run aap-push --call "$MINI" --batch b-files --reviews reviews.csv s
t_status 2
t_stderr_has "the stream was not made with a reviews file, yet --reviews was given"
[ "$(batches b-files)" = 0 ] || t_fail "stored"
t_end

t_begin unchecked_streams_are_refused
make_stream 3
t_run aap-push --call "$MINI" --batch b-unchecked --no-truncation-check s
t_status 2
t_stderr_has "aap-push refuses --no-truncation-check"
aap-ingest --call "$MINI" --plain in.csv | aap-validate --call "$MINI" --no-truncation-check >s2
t_run aap-push --call "$MINI" --batch b-unchecked s2
t_status 1
t_stderr_has "nothing proves this stream whole"
t_run aap-push --call "$MINI" --batch b-unchecked --plain <(aap-ingest --call "$MINI" --plain in.csv)
t_status 1
t_stderr_has "bare CSV"
t_end

t_begin database_failures_say_what_to_do_and_never_a_password
make_stream 3
t_run aap-push --call "$MINI" --batch b-db --db "host=$T_TMP/nowhere password=s3cr3t-pw" s
t_status 4
t_stderr_has "aap-push: error: could not connect to the database:"
t_stderr_has "aap-push: hint: the connection comes from --db or the PG* environment"
grep -q 's3cr3t-pw' err && t_fail "the password was printed"
t_run env PGUSER=nobody_here aap-push --call "$MINI" --batch b-db s
t_status 4
t_stderr_has 'role "nobody_here" does not exist'
admin -c "CREATE DATABASE empty_db" >/dev/null
t_run env PGDATABASE=empty_db aap-push --call "$MINI" --batch b-db s
t_status 4
t_stderr_has "aap-push: hint: run aap-migrate"
t_run aap-push --call "$MINI" --batch b-db --supersedes no-such-batch s
t_status 4
t_stderr_has "aap-push: error: database:"
[ "$(batches b-db)" = 0 ] || t_fail "stored"
t_end

t_begin a_password_in_db_is_warned_of_never_shown_and_the_push_goes_on
make_stream 2
t_run aap-push --call "$MINI" --batch b-pw --db "password=s3cr3t-pw" s
t_status 0
t_stderr_has "aap-push: warning: --db holds a password, which any user of this machine can read on the command line"
t_stderr_has "aap-push: hint: put the password in the password file (~/.pgpass) or in a service file (--db service=NAME)"
grep -q 's3cr3t-pw' err && t_fail "the password was printed"
[ "$(batches b-pw)" = 1 ] || t_fail "not stored"
make_stream 3
t_run aap-push --call "$MINI" --batch b-pw-uri --db "postgresql://aap_loader:s3cr3t-pw@" s
t_status 0
t_stderr_has "aap-push: warning: --db holds a password"
grep -q 's3cr3t-pw' err && t_fail "the password was printed"
[ "$(batches b-pw-uri)" = 1 ] || t_fail "not stored"
make_stream 4
t_run aap-push --call "$MINI" --batch b-no-pw --db "user=aap_loader password=" s
t_status 0
grep -q 'password' err && t_fail "warned of a password not given: $(cat err)"
t_end

t_begin scored_stream_is_stored_with_its_side_files
s_dir="$CALL/sample"
side=(--reviews "$s_dir/reviews.csv" --consensus "$s_dir/consensus.csv" --conflicts "$s_dir/conflicts.csv")
aap-ingest --call "$CALL" "$s_dir/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null |
	aap-score --call "$CALL" "${side[@]}" >scored
t_run aap-push --call "$CALL" --batch b-scored "${side[@]}" scored
t_status 0
got=$(admin -c "SELECT envelope || ' ' || granted || ' ' || remaining FROM aap.batch WHERE batch_id = 'b-scored'")
want=$(tail -n 1 scored | sed -E 's/.* envelope=([0-9.]+) granted=([0-9.]+) left=([0-9.]+).*/\1 \2 \3/')
[ "$got" = "$want" ] || t_fail "budget: $got, trailer: $want"
got=$(admin -c "SELECT count(*) FROM aap.review WHERE batch_id = 'b-scored'")
[ "$got" = "$(($(grep -c . "$s_dir/reviews.csv") - 1))" ] || t_fail "reviews stored: $got"
got=$(admin -c "SELECT string_agg(a.application_id || ':' || a.rank || ':' || a.decision || ':' || a.award, ' ' ORDER BY a.rank) FROM aap.application a WHERE batch_id = 'b-scored' AND rank IS NOT NULL")
want=$(python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#")) if r["rank"]]
print(" ".join("%s:%s:%s:%s" % (r["application_id"], r["rank"], r["decision"], r["award"]) for r in sorted(rows, key=lambda r: int(r["rank"]))))' scored)
[ "$got" = "$want" ] || t_fail "ranking: $got, stream: $want"
got=$(admin -c "SELECT string_agg(application_id || '|' || applicant || '|' || title, ';' ORDER BY seq) FROM aap.ranking WHERE batch_id = 'b-scored'")
want=$(python3 -c '
import csv, sys
rows = csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#"))
print(";".join("%s|%s|%s" % (r["application_id"], r["company_name"], r["title"]) for r in rows))' scored)
[ "$got" = "$want" ] || t_fail "the ranking's names: $got, stream: $want"
got=$(admin -c "SELECT count(*) FROM aap.criterion_score WHERE batch_id = 'b-scored' AND score IS NOT NULL")
[ "$got" -gt 0 ] || t_fail "no criterion score stored"
got=$(admin -c "SELECT count(DISTINCT role) FROM aap.config_file WHERE batch_id = 'b-scored'")
[ "$got" = 4 ] || t_fail "roles stored: $got"
t_run aap-push --call "$CALL" --batch b-scored-2 --reviews "$s_dir/reviews.csv" scored
t_status 2
t_stderr_has 'the stream was made with the consensus file "consensus.csv", which was not given'
t_end

t_begin a_side_file_changed_while_pushed_is_refused
# The reviews file is rewritten (header only) by the server as soon as its
# text is stored, before its rows are read again: the rows read are no
# longer those of the file the stream was made with, nor of the stored one.
s_dir="$CALL/sample"
w=$(mktemp -d /tmp/aap-changed.XXXXXX)
T_CLEANUP+=("rm -rf '$w'")
chmod 777 "$w"
cp "$s_dir/reviews.csv" "$s_dir/consensus.csv" "$s_dir/conflicts.csv" "$w/"
printf '\n' >>"$w/reviews.csv" # another file: another stream than b-scored's
chmod 666 "$w/reviews.csv"
side=(--reviews "$w/reviews.csv" --consensus "$w/consensus.csv" --conflicts "$w/conflicts.csv")
aap-ingest --call "$CALL" "$s_dir/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null |
	aap-score --call "$CALL" "${side[@]}" >scored
admin <<SQL
CREATE FUNCTION public.rewrite_reviews() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER AS \$\$
BEGIN
	EXECUTE format('COPY (SELECT %L) TO %L',
	               'application_id,reviewer,criterion,mark,comment', '$w/reviews.csv');
	RETURN NULL;
END
\$\$;
CREATE TRIGGER rewrite_reviews AFTER INSERT ON aap.config_file
	FOR EACH ROW WHEN (NEW.role = 'reviews') EXECUTE FUNCTION public.rewrite_reviews();
SQL
t_run aap-push --call "$CALL" --batch b-changed "${side[@]}" scored
admin -c "DROP TRIGGER rewrite_reviews ON aap.config_file" -c "DROP FUNCTION public.rewrite_reviews()"
t_status 2
t_stderr_has "aap-push: error: \"$w/reviews.csv\" changed while it was being stored"
[ "$(batches b-changed)" = 0 ] || t_fail "stored"
[ "$(wc -l <"$w/reviews.csv")" = 1 ] || t_fail "the file was not rewritten: the test proves nothing"
t_end

t_begin a_killed_score_leaves_no_batch
s_dir="$CALL/sample"
side=(--reviews "$s_dir/reviews.csv" --consensus "$s_dir/consensus.csv" --conflicts "$s_dir/conflicts.csv")
# aap-score is killed once it has read the stream's first 2000 bytes.
aap-ingest --call "$CALL" "$s_dir/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null >v
feed in
t_start "t_pidfile score.pid aap-score --call '$CALL' ${side[*]} <in | aap-push --call '$CALL' --batch b-kill-score ${side[*]}"
head -c 2000 v >&3
t_wait_until t_drained in
t_kill score.pid
exec 3>&-
t_wait
t_status 1
t_stderr_has "aap-push:-:"
[ "$(batches b-kill-score)" = 0 ] || t_fail "a part of the batch is stored"
t_end

t_begin the_assignments_file_is_stored_with_the_other_side_files
s_dir="$CALL/sample"
aap-ingest --call "$CALL" "$s_dir/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null >v
aap-assign --call "$CALL" --reviewers "$s_dir/reviewers.csv" --conflicts "$s_dir/conflicts.csv" v \
	>assignments.csv 2>/dev/null
side=(--reviews "$s_dir/reviews.csv" --consensus "$s_dir/consensus.csv"
	--conflicts "$s_dir/conflicts.csv" --assignments assignments.csv)
aap-score --call "$CALL" "${side[@]}" v >scored
t_run aap-push --call "$CALL" --batch b-assigned "${side[@]}" scored
t_status 0
got=$(admin -c "SELECT string_agg(application_id || ',' || reviewer || ',' || affinity, ' ' ORDER BY seq) FROM aap.assignment WHERE batch_id = 'b-assigned'")
[ "$got" = "$(sed 1d assignments.csv | tr '\n' ' ' | sed 's/ $//')" ] || t_fail "assignments stored: $got"
got=$(admin -c "SELECT name FROM aap.config_file WHERE batch_id = 'b-assigned' AND role = 'assignments'")
[ "$got" = assignments.csv ] || t_fail "assignments file stored as: $got"
t_run aap-push --call "$CALL" --batch b-assigned-2 --reviews "$s_dir/reviews.csv" \
	--consensus "$s_dir/consensus.csv" --conflicts "$s_dir/conflicts.csv" scored
t_status 2
t_stderr_has 'the stream was made with the assignments file "assignments.csv", which was not given'
t_begin decisions_batch_supersedes_its_proposal_with_the_decisions_stored
s_dir="$CALL/sample"
side=(--reviews "$s_dir/reviews.csv" --consensus "$s_dir/consensus.csv" --conflicts "$s_dir/conflicts.csv")
aap-ingest --call "$CALL" "$s_dir/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null >valid
aap-score --call "$CALL" "${side[@]}" valid >proposal
aap-score --call "$CALL" "${side[@]}" --decisions "$s_dir/decisions.csv" valid >decided
t_run aap-push --call "$CALL" --batch b-proposal "${side[@]}" proposal
t_status 0
t_run aap-push --call "$CALL" --batch b-decided "${side[@]}" --decisions "$s_dir/decisions.csv" decided
t_status 2
t_stderr_is <<'EOF2'
aap-push: error: the stream was made with the committee's decisions: it corrects a batch, yet --supersedes was not given
aap-push: hint: give --supersedes ID, the batch of the proposal the decisions correct
EOF2
[ "$(batches b-decided)" = 0 ] || t_fail "stored without --supersedes"
t_run aap-push --call "$CALL" --batch b-decided "${side[@]}" decided
t_status 2
t_stderr_has 'the stream was made with the decisions file "decisions.csv", which was not given'
t_run aap-push --call "$CALL" --batch b-decided --supersedes b-proposal "${side[@]}" \
	--decisions "$s_dir/decisions.csv" decided
t_status 0
got=$(admin -c "SELECT supersedes || ' ' || granted || ' ' || remaining FROM aap.batch WHERE batch_id = 'b-decided'")
[ "$got" = "b-proposal 520000.00 80000.00" ] || t_fail "batch: $got"
got=$(admin -c "SELECT string_agg(application_id || ':' || action || ':' || coalesce(amount::text, '-') || ':' || author || ':' || date || ':' || justification, ';' ORDER BY seq) FROM aap.decision WHERE batch_id = 'b-decided'")
[ "$got" = "18204511:withdraw:-:Comité de sélection:2025-07-03:Le porteur renonce : projet financé par l'ANR entre-temps;18204516:reduce:70000.00:Comité de sélection:2025-07-03:Frais de mission hors assiette éligible retirés" ] || t_fail "decisions: $got"
got=$(admin -c "SELECT string_agg(application_id || ':' || decision || ':' || award || ':' || decided_by, ' ' ORDER BY rank) FROM aap.application WHERE batch_id = 'b-decided' AND rank IS NOT NULL")
[ "$got" = "18204516:funded:70000.00:decisions.csv:3 18204513:funded:250000.00:ranking 18204511:withdrawn:0.00:decisions.csv:2 18204518:funded:200000.00:freed" ] || t_fail "applications: $got"
got=$(admin -c "SELECT count(*) FROM aap.application WHERE batch_id = 'b-proposal' AND decided_by IS NULL")
[ "$got" = 8 ] || t_fail "a proposal has no decided_by: $got"
got=$(admin -c "SELECT count(*) FROM aap.config_file WHERE batch_id = 'b-decided' AND role = 'decisions'")
[ "$got" = 1 ] || t_fail "decisions file stored: $got"
t_end
