# t-cutoff.sh - a call's cut-offs (docs/scoring.md, "Cut-offs"): the
# call's cutoffs.csv checked, the options, then three cut-offs of the call
# tests/data/calls/cutoffs pushed to a private PostgreSQL server started
# here, what each carries checked in the database, a forged carry refused,
# and every batch pulled and audited clean.  The cases with an expected
# output are data: tests/data/score-cases/cutoff-*.
# shellcheck shell=bash

CUT="$DATA/calls/cutoffs"

# cut_call: ./call, a copy of the call whose cutoffs.csv the case writes.
cut_call() {
	rm -rf call
	cp -RL "$CUT" call
}

# validated SEASON: the sample applications of that season validated.
validated() {
	aap-ingest --call "$CUT" "$CUT/sample/$1.csv" 2>/dev/null |
		aap-validate --call "$CUT" 2>/dev/null
}

# bad_cutoffs MESSAGE: aap-score on ./call fails with status 2 and MESSAGE.
bad_cutoffs() {
	validated spring >stdin
	t_run aap-score --call call --cutoff spring
	rm -f stdin
	t_status 2
	t_stderr_has "$1"
	t_stdout_is </dev/null
}

t_begin cutoffs_csv_dates_go_up
cut_call
printf 'cutoff_id,date,envelope\nspring,2025-03-31,1.00\nsummer,2025-03-31,1.00\n' >call/cutoffs.csv
bad_cutoffs 'call/cutoffs.csv:3: error: date 2025-03-31 is not after 2025-03-31, the date of cut-off "spring": the cut-offs are listed by date'
t_end

t_begin cutoffs_csv_refuses_a_bad_date_envelope_id_and_a_repeated_id
cut_call
printf 'cutoff_id,date,envelope\nspring,2025-02-30,1.00\n' >call/cutoffs.csv
bad_cutoffs 'call/cutoffs.csv:2: error: date "2025-02-30" is not a date YYYY-MM-DD'
printf 'cutoff_id,date,envelope\nspring,2025-03-31,1.001\n' >call/cutoffs.csv
bad_cutoffs 'call/cutoffs.csv:2: error: envelope "1.001" is not an amount with at most 2 decimals'
printf 'cutoff_id,date,envelope\nspring,2025-03-31,-1.00\n' >call/cutoffs.csv
bad_cutoffs 'call/cutoffs.csv:2: error: envelope "-1.00" is not an amount'
printf 'cutoff_id,date,envelope\nspr ing,2025-03-31,1.00\n' >call/cutoffs.csv
bad_cutoffs "call/cutoffs.csv:2: error: cut-off id \"spr ing\" is not made of letters, digits, '.', '_' and '-'"
printf 'cutoff_id,date,envelope\nspring,2025-03-31,1.00\nspring,2025-04-30,1.00\n' >call/cutoffs.csv
bad_cutoffs 'call/cutoffs.csv:3: error: cut-off "spring" is listed twice, first at line 2'
printf 'cutoff_id,date\nspring,2025-03-31\n' >call/cutoffs.csv
bad_cutoffs 'call/cutoffs.csv'
printf 'cutoff_id,date,envelope\n' >call/cutoffs.csv
bad_cutoffs 'call/cutoffs.csv:1: error: the table lists no cut-off'
printf 'cutoff_id,date,envelope\nspring,2025-03-31,\xe9\n' >call/cutoffs.csv
bad_cutoffs 'call/cutoffs.csv:2:'
t_end

t_begin a_call_with_cutoffs_needs_cutoff_and_carry_needs_cutoff
validated spring >stdin
t_run aap-score --call "$CUT"
t_status 2
t_stderr_has 'aap-score: error: --cutoff ID is required: the call has cut-offs'
t_run aap-score --call "$DATA/calls/decide-skip" --carry x.csv
t_status 2
t_stderr_has 'aap-score: error: --carry is for a cut-off: give --cutoff ID'
rm -f stdin
t_end

t_begin cutoff_key_siret_needs_a_siret_field
cut_call
printf 'cutoff_key,siret\n' >>call/call.csv
sed -i 's/,siret$/,/' call/fields.csv
validated spring >stdin
t_run aap-score --call call --cutoff spring
rm -f stdin
t_status 2
t_stderr_has 'the call'"'"'s cutoff_key is "siret", yet no field of the call has the role siret'
t_end

t_pg_start || return 0

# The streams of the three cut-offs, shared by the cases below.
W="$T_TMP/cutoffs"
mkdir -p "$W"

# scored SEASON [ARGS...]: the season's applications scored at its cut-off
# into SEASON.stream.
scored() {
	local s=$1
	shift
	validated "$s" | aap-score --call "$CUT" --cutoff "$s" "$@" >"$W/$s.stream" ||
		t_fail "could not score $s"
}

# push_cut ID STREAM: aap-push as aap_loader, status and messages kept.
push_cut() {
	t_run env PGUSER=aap_loader aap-push --call "$CUT" --batch "$1" "$2"
}

t_begin three_cutoffs_carry_what_each_left_checked_in_the_database
scored spring
push_cut cut-spring "$W/spring.stream"
t_status 0
aap-pull --batch cut-spring >"$W/spring.pulled" 2>/dev/null || t_fail "could not pull cut-spring"
cmp -s "$W/spring.pulled" "$W/spring.stream" || t_fail "cut-spring pulled differs"
scored summer --carry "$W/spring.pulled"
push_cut cut-summer "$W/summer.stream"
t_status 0
aap-pull --batch cut-summer >"$W/summer.pulled" 2>/dev/null || t_fail "could not pull cut-summer"
scored autumn --carry "$W/spring.pulled" --carry "$W/summer.pulled"
push_cut cut-autumn "$W/autumn.stream"
t_status 0
[ "$(admin -F, -c "SELECT batch_id, cutoff_id, carried, coalesce(carried_from, ''), envelope, remaining
                   FROM aap.batch WHERE call_id = 'cutoffs' ORDER BY batch_id")" = \
'cut-autumn,autumn,50.00,cut-summer,850.00,250.00
cut-spring,spring,0.00,,1000.00,100.00
cut-summer,summer,100.00,cut-spring,600.00,50.00' ] ||
	t_fail "batches: $(admin -F, -c "SELECT batch_id, cutoff_id, carried, carried_from FROM aap.batch WHERE call_id = 'cutoffs'")"
[ "$(admin -c "SELECT findings FROM aap.application WHERE batch_id = 'cut-autumn' AND application_id = 'B-2'")" = \
	'error:funded_earlier:application_id:summer' ] || t_fail "B-2 not refused in autumn"
t_end

t_begin a_forged_carry_is_refused_and_nothing_stored
# The autumn stream made again as if summer had left 150.00: a stream as
# a stage would have written it, its digests made again.
python3 - "$W/autumn.stream" >"$W/forged.stream" <<'PY'
import hashlib, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
body = []
for l in lines[:-1]:
    l = l.replace(b"carried=50.00", b"carried=150.00")
    body.append(l)
data = b"".join(l + b"\n" for l in body)
t = lines[-1].replace(b"envelope=850.00 granted=600.00 left=250.00",
                      b"envelope=950.00 granted=600.00 left=350.00")
t = t.rsplit(b" sha256=", 1)[0] + b" sha256=" + hashlib.sha256(data).hexdigest().encode()
sys.stdout.buffer.write(data + t + b"\n")
PY
push_cut cut-autumn-forged "$W/forged.stream"
t_status 1
t_stderr_has 'aap-push: error: batch "cut-autumn-forged" of cut-off "autumn" cannot be stored: cut-off "autumn" of call "cutoffs" has a current batch already, "cut-autumn"'
push_cut cut-autumn-2 "$W/forged.stream"
t_status 1
[ "$(admin -c "SELECT count(*) FROM aap.batch WHERE batch_id LIKE 'cut-autumn-%'")" = 0 ] ||
	t_fail "a forged batch was stored"
t_end

t_begin a_correction_of_a_cutoff_checks_its_carry_too
# Superseding cut-autumn with the forged stream: the carry is checked.
t_run env PGUSER=aap_loader aap-push --call "$CUT" --batch cut-autumn-2 --supersedes cut-autumn "$W/forged.stream"
t_status 1
t_stderr_has 'cannot be stored: it carries 150.00, but batch "cut-summer" of cut-off "summer" left 50.00'
t_end

t_begin a_batch_funding_an_application_funded_earlier_is_refused
# Summer made again without its refusal: A-1, funded in spring, funded
# again (its finding and decision rewritten, the digests made again).
python3 - "$W/summer.stream" >"$W/refund.stream" <<'PY'
import hashlib, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
body = [l.replace(b"error:funded_earlier:application_id:spring,no,,,,,inadmissible,0.00",
                  b",yes,9.0000,9.0000,4,,funded,0.00") for l in lines[:-1]]
data = b"".join(l + b"\n" for l in body)
t = lines[-1].rsplit(b" sha256=", 1)[0] + b" sha256=" + hashlib.sha256(data).hexdigest().encode()
sys.stdout.buffer.write(data + t + b"\n")
PY
t_run env PGUSER=aap_loader aap-push --call "$CUT" --batch cut-summer-2 --supersedes cut-summer "$W/refund.stream"
t_status 1
t_stderr_has 'cannot be stored: application "A-1" is funded, yet batch "cut-spring" of cut-off "spring" funded it'
[ "$(admin -c "SELECT count(*) FROM aap.batch WHERE batch_id = 'cut-summer-2'")" = 0 ] ||
	t_fail "cut-summer-2 was stored"
t_end

t_begin carried_batches_pull_and_audit_clean
for b in spring summer autumn; do
	aap-pull --batch "cut-$b" >"$b.again" 2>/dev/null || t_fail "could not pull cut-$b"
	cmp -s "$b.again" "$W/$b.stream" || t_fail "cut-$b pulled differs from what was pushed"
done
t_run env PGUSER=aap_auditor aap-audit --batch cut-spring --batch cut-summer --batch cut-autumn --chain
t_status 0
t_stderr_has 'batch "cut-autumn": no difference'
t_stderr_has 'audit: no difference'
t_stderr_has 'scoring, aap-score run again: 4 records compared, 0 values differ'
t_end
