# t-faults.sh - the stages when the world fails them (issue 10): every
# allocation of a small run made to fail in turn (AAP_FAIL_ALLOC=N, which
# also reaches libcsv through its realloc hook), run with the binaries
# built with AddressSanitizer and UBSan (build/asan/bin, `make asan`);
# standard output on a full disk; stages killed at random points of a
# pipeline ending in aap-push, against a private server.
# shellcheck shell=bash

ASAN_BIN="$T_TOP/build/asan/bin"
# Exit statuses of their own, so a report is never taken for status 1.
export ASAN_OPTIONS="exitcode=86:detect_leaks=1:abort_on_error=0"
export LSAN_OPTIONS="exitcode=87"
export UBSAN_OPTIONS="exitcode=88:print_stacktrace=1:halt_on_error=1"
# The runs are small: these bound the loops, never reached when all is well.
FAULT_MAX=${FAULT_MAX:-2000}

# asan_bins PROG...: the sanitized binaries are there, or the case fails.
asan_bins() {
	local p
	for p in "$@"; do
		if [ ! -x "$ASAN_BIN/$p" ]; then
			t_fail "$ASAN_BIN/$p is missing: build it with \"make asan\""
			return 1
		fi
	done
}

# sanitizer_quiet FILE: FILE holds no sanitizer report.
sanitizer_quiet() {
	if grep -qE 'Sanitizer|runtime error:' "$1"; then
		t_fail "a sanitizer report:"$'\n'"$(grep -m 5 -E 'ERROR|SUMMARY|runtime error' "$1" | sed 's/^/    /')"
		return 1
	fi
}

# alloc_sweep CMD...: runs CMD (stdin from ./stdin when there) with its
# Nth allocation failing, for N = 1, 2, ... until a run completes.  Each
# failed run must exit 3 saying "out of memory", without a sanitizer
# report and without a trailer; the run that completes must give the
# output of a run without injection.  Sets $alloc_count to the number of
# allocations the run makes.  Stops at the first broken promise.
alloc_sweep() {
	local n=1 st in=/dev/null
	[ -f stdin ] && in=stdin
	"$@" <"$in" >ref.out 2>ref.err
	st=$?
	if [ "$st" != 0 ]; then
		t_fail "the run without injection exits $st: $(head -n 3 ref.err)"
		return 1
	fi
	sanitizer_quiet ref.err || return 1
	while [ "$n" -le "$FAULT_MAX" ]; do
		AAP_FAIL_ALLOC=$n "$@" <"$in" >f.out 2>f.err
		st=$?
		sanitizer_quiet f.err || { t_fail "at allocation $n"; return 1; }
		if [ "$st" = 0 ]; then
			alloc_count=$((n - 1))
			cmp -s ref.out f.out ||
				t_fail "allocation $n: status 0 but not the whole output"
			return 0
		fi
		if [ "$st" != 3 ]; then
			t_fail "allocation $n failing gave status $st, expected 3:"$'\n'"$(head -n 5 f.err | sed 's/^/    /')"
			return 1
		fi
		if ! grep -q 'error: out of memory' f.err; then
			t_fail "allocation $n failing: no \"out of memory\" message:"$'\n'"$(head -n 5 f.err | sed 's/^/    /')"
			return 1
		fi
		t_no_trailer f.out
		[ "$t_ok" = 1 ] || { t_fail "at allocation $n"; return 1; }
		n=$((n + 1))
	done
	t_fail "still failing after $FAULT_MAX allocations"
	return 1
}

faults_csv() {
	printf 'ID,Titre du projet,Montant de l%saide demandée,Email,Remarque\n' "'"
	printf 'A-1,Région Sud,"1 000,00 €",a@x.fr,\n'
	printf 'A-2,"Deux, ""IA""\nsur deux lignes",2000,b@x.fr,x\n'
	printf 'A-3,Mal "cité",3,c@x.fr\n'
}

t_begin ingest_survives_every_allocation_failure
if asan_bins aap-ingest; then
	faults_csv >a.csv
	printf 'ID;Titre du projet;amount\r\nA-4;L\x92aide;4\r\n' >b.csv
	alloc_sweep "$ASAN_BIN/aap-ingest" --call "$MINI" a.csv b.csv
	[ "${alloc_count:-0}" -gt 10 ] || t_fail "only ${alloc_count:-0} allocations: is AAP_FAIL_ALLOC read?"
fi
t_end

t_begin ingest_from_stdin_survives_every_allocation_failure
if asan_bins aap-ingest; then
	faults_csv >stdin
	alloc_sweep "$ASAN_BIN/aap-ingest" --call "$MINI" --plain
fi
t_end

# rules_stream: two applications for tests/data/calls/rules, one
# admissible, one with findings (a duplicate id, a formula-like name).
rules_stream() {
	printf 'application_id,name,siret,iban,size,amount,cost,insee,postcode,submitted,start,end,trl_start,trl_target\n'
	printf 'A-1,Hélène Dupont,82161143100031,FR7630006000011234567890189,micro,7000.00,10000.00,13202,13002,2025-03-31T23:59:59+02:00,2025-09-01,2026-08-31,3,6\n'
	printf 'A-1,=1+2,82161143100039,,GE,200000.00,100000.00,69382,13002,2025-04-01T00:00:00+02:00,2026-01-01,2025-01-01,7,4\n'
}

t_begin validate_survives_every_allocation_failure
if asan_bins aap-validate; then
	rules_stream >in.csv
	aap-ingest --call "$DATA/calls/rules" in.csv >s 2>/dev/null || t_fail "aap-ingest failed"
	alloc_sweep "$ASAN_BIN/aap-validate" --call "$DATA/calls/rules" --rejects rej.csv s
	[ "${alloc_count:-0}" -gt 10 ] || t_fail "only ${alloc_count:-0} allocations"
fi
t_end

t_begin score_survives_every_allocation_failure
d="$DATA/calls/normalise"
if [ ! -d "$d" ] || ! [ -x "$T_TOP/build/bin/aap-score" ]; then
	echo "skip - score_survives_every_allocation_failure: no aap-score or no $d yet"
elif asan_bins aap-score; then
	aap-validate --call "$d" --no-truncation-check "$d/sample/apps.csv" >s 2>/dev/null || t_fail "aap-validate failed"
	alloc_sweep "$ASAN_BIN/aap-score" --call "$d" --no-truncation-check --reviews "$d/sample/reviews.csv" s
fi
t_end

t_begin score_with_sensitivity_survives_every_allocation_failure
d="$DATA/score-cases/sensitivity"
if asan_bins aap-score; then
	aap-validate --call "$d/call" --no-truncation-check "$d/apps.csv" >s 2>/dev/null || t_fail "aap-validate failed"
	alloc_sweep "$ASAN_BIN/aap-score" --call "$d/call" --no-truncation-check --reviews "$d/reviews.csv" --sensitivity s
fi
t_end

# full_disk CMD...: CMD writing to /dev/full exits 3 saying so.
full_disk() {
	local in=/dev/null
	[ -f stdin ] && in=stdin
	"$@" <"$in" >/dev/full 2>err
	t_status=$?
	t_status 3
	t_stderr_has "error: could not write to standard output: No space left on device"
	sanitizer_quiet err
}

t_begin every_stage_on_a_full_disk_fails_with_status_3
if asan_bins aap-ingest aap-validate; then
	faults_csv >a.csv
	full_disk "$ASAN_BIN/aap-ingest" --call "$MINI" a.csv
	full_disk "$ASAN_BIN/aap-ingest" --call "$MINI" --plain a.csv
	aap-ingest --call "$MINI" a.csv >s 2>/dev/null
	full_disk "$ASAN_BIN/aap-validate" --call "$MINI" s
	full_disk "$ASAN_BIN/aap-validate" --call "$MINI" --plain s
	d="$DATA/calls/normalise"
	if [ -x "$ASAN_BIN/aap-score" ] && [ -d "$d" ]; then
		aap-validate --call "$d" --no-truncation-check "$d/sample/apps.csv" >v 2>/dev/null
		full_disk "$ASAN_BIN/aap-score" --call "$d" --no-truncation-check --reviews "$d/sample/reviews.csv" v
	else
		echo "skip - every_stage_on_a_full_disk_fails_with_status_3: aap-score not built"
	fi
fi
t_end

t_begin rejects_report_on_a_full_disk_fails_with_status_3
if asan_bins aap-validate; then
	rules_stream >in.csv
	aap-ingest --call "$DATA/calls/rules" in.csv >s 2>/dev/null
	t_run "$ASAN_BIN/aap-validate" --call "$DATA/calls/rules" --rejects /dev/full s
	t_status 3
	t_stderr_has "could not write"
	t_no_trailer
	sanitizer_quiet err
fi
t_end

# --- Against a private server: aap-push on a full disk, killed pipelines.
FAULT_PG=$(mktemp -d)
if ! fault_env=$("$T_TOP/scripts/pg-sandbox" start "$FAULT_PG" 2>"$T_TMP/fault-pg.err"); then
	t_begin a_private_server_starts_for_the_fault_tests
	t_fail "$(cat "$T_TMP/fault-pg.err")"
	t_end
	unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
	return 0
fi
T_CLEANUP+=("'$T_TOP/scripts/pg-sandbox' stop '$FAULT_PG' >/dev/null 2>&1")
# In a subshell's environment only: the other test files start their own.
fault_psql() {
	(eval "$fault_env"; psql -X -q -t -A -v ON_ERROR_STOP=1 "$@")
}
fault_push() {
	(eval "$fault_env"; export PGUSER=aap_loader; "$@")
}
(eval "$fault_env"; "$T_TOP/scripts/migrate" >/dev/null)

# batch_state ID: "rows applications record_count" of batch ID.
batch_state() {
	fault_psql -c "SELECT (SELECT count(*) FROM aap.batch WHERE batch_id = '$1') || ' ' ||
		(SELECT count(*) FROM aap.application WHERE batch_id = '$1') || ' ' ||
		(SELECT coalesce(max(record_count), 0) FROM aap.batch WHERE batch_id = '$1')"
}

t_begin push_on_a_full_disk_fails_with_status_3
if asan_bins aap-push; then
	faults_csv >a.csv
	aap-ingest --call "$MINI" a.csv 2>/dev/null | aap-validate --call "$MINI" >s 2>/dev/null
	fault_push "$ASAN_BIN/aap-push" --call "$MINI" --batch f-full s >/dev/full 2>err
	t_status=$?
	t_status 3
	t_stderr_has "could not write to standard output"
	sanitizer_quiet err
	echo "# a push to a full disk leaves the batch: $(batch_state f-full)"
fi
t_end

# kill_csv N: N applications for the mini call.
kill_csv() {
	printf 'ID,Titre du projet,Montant de l%saide demandée,Remarque\n' "'"
	for i in $(seq 1 "$1"); do
		printf 'A-%d,"Projet %d, ""IA""",%d000,r\n' "$i" "$i" "$i"
	done
}

t_begin killed_stages_never_leave_part_of_a_batch
# Each iteration kills one stage (in turn aap-ingest, aap-validate,
# aap-push) once aap-ingest has read a number of the source's 8 parts
# drawn at random (fixed seed: the same points every run).  The source is
# a fifo held open until the kill has landed, so that the pipeline cannot
# end first, however fast or slow the machine.  The batch must then be
# absent, or whole when the kill came after the killed stage had written
# its whole stream (trailer included) or after the commit: never a part
# of it.
kill_csv 3000 >k.csv
split -n l/8 k.csv part.
parts=(part.*)
RANDOM=10
stages=(ingest validate push)
killed=0
absent=0
for i in $(seq 1 20); do
	victim=${stages[$((i % 3))]}
	fed=$((RANDOM % 9))
	rm -f src ./*.pid
	mkfifo src
	exec 3<>src
	fault_push bash -c "set -o pipefail
		t_pidfile ingest.pid aap-ingest --call '$MINI' <src |
		t_pidfile validate.pid aap-validate --call '$MINI' |
		t_pidfile push.pid aap-push --call '$MINI' --batch kill-$i >/dev/null" 2>kill.err 3>&- &
	pipe=$!
	for p in "${parts[@]:0:fed}"; do
		cat "$p" >&3
	done
	t_wait_until t_drained src
	t_kill "$victim.pid"
	exec 3>&-
	wait "$pipe" 2>/dev/null
	st=$?
	[ "$st" != 0 ] && killed=$((killed + 1))
	got=$(batch_state "kill-$i")
	case "$st:$got" in
	0:"1 3000 3000") ;;
	[1-9]*:"0 0 0") absent=$((absent + 1)) ;;
	[1-9]*:"1 3000 3000") ;; # killed once its work was whole
	*) t_fail "iteration $i (aap-$victim killed after $fed parts): status $st, batch rows, applications, record count: $got"$'\n'"$(sed 's/^/    /' kill.err)" ;;
	esac
done
# The test means something only if most kills came before the end.
echo "# $killed of 20 pipelines were cut short, $absent of them before the end"
[ "$absent" -ge 10 ] || t_fail "only $absent of 20 runs were cut short before the end: the kills came too late"
t_end
unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
