# t-score.sh - aap-score through the real binaries: the worked cases of
# docs/scoring.md, each a folder of data under tests/data/score-cases
# (input, call and expected output: see its README.md) or a call folder
# under tests/data/calls with the assertions here.
# shellcheck shell=bash

SC="$DATA/calls"

# score DIR [OPTIONS...]: the folder's sample applications through
# aap-validate and aap-score, bare CSV out.
score() {
	local d=$1
	shift
	t_sh "aap-validate --call '$d' --no-truncation-check '$d/sample/apps.csv' 2>/dev/null | aap-score --call '$d' --plain $*"
}

# ranking: id, total, rank, rank_reason, decision and award of ./out.
ranking() {
	python3 -c '
import csv, sys
for r in csv.DictReader(open("out")):
    print(",".join([r["application_id"], r["total"], r["rank"], r["rank_reason"], r["decision"], r["award"]]))'
}

# The cases of tests/data/score-cases (its README.md says what a case
# folder holds), each with its expected output beside its data.
for d in "$DATA"/score-cases/*/; do
	d=${d%/}
	t_begin "score_case_$(basename "$d" | tr - _)"
	opts=()
	[ -f "$d/options" ] && mapfile -t opts <"$d/options"
	[ -f "$d/reviews.csv" ] && opts+=(--reviews "$d/reviews.csv")
	# Copied, so that messages and the provenance name it decisions.csv.
	if [ -f "$d/decisions.csv" ]; then
		cp "$d/decisions.csv" decisions.csv
		opts+=(--decisions decisions.csv)
	fi
	for f in "$d"/carry/*; do
		[ -f "$f" ] || continue
		cp "$f" .
		opts+=(--carry "$(basename "$f")")
	done
	aap-validate --call "$d/call" --no-truncation-check "$d/apps.csv" 2>/dev/null >s
	cp s stdin
	t_run aap-score --call "$d/call" "${opts[@]}"
	t_status "$(cat "$d/status" 2>/dev/null || echo 0)"
	t_stdout_is <"$d/expected.out"
	if [ -f "$d/expected.err" ]; then
		t_stderr_is <"$d/expected.err"
	else
		t_stderr_is </dev/null
	fi
	t_end
done

t_begin consensus_sets_a_score_whatever_the_number_of_marks
cat >cons.csv <<'EOF2'
application_id,criterion,score,author,justification
H-13,impact,4.5,Panel,"Two marks only, agreed in panel"
EOF2
score "$SC/horizon-ria" --reviews "$SC/horizon-ria/sample/reviews.csv" --consensus cons.csv
t_status 0
ranking >got
grep -qx 'H-13,14.5000,2,,funded,100000.00' got || t_fail "H-13: $(grep H-13 got)"
t_end

t_begin weighted_against_unweighted_total_threshold
cp -R "$SC/horizon-ria" call
sed -i 's/^impact,Impact,1,/impact,Impact,1.5,/' call/criteria.csv
score call --reviews call/sample/reviews.csv
t_status 0
ranking >got
grep -qx 'H-11,11.0000,,,below_threshold,0.00' got || t_fail "unweighted: $(grep H-11 got)"
grep -qx 'H-01,17.5000,1,,funded,100000.00' got || t_fail "weighted total: $(grep H-01 got)"
sed -i 's/^total_threshold_on,unweighted/total_threshold_on,weighted/' call/scoring.csv
score call --reviews call/sample/reviews.csv
t_status 0
ranking >got
grep -q '^H-11,11.0000,[0-9]*,' got || t_fail "weighted: $(grep H-11 got)"
t_end

t_begin median_of_an_even_count_is_the_mean_of_the_middle_marks
cp -R "$SC/normalise" call
sed -i 's/^normalise,yes/normalise,no/' call/scoring.csv
printf 'application_id,reviewer,criterion,mark,comment\n' >rev.csv
printf 'N-1,%s,merit,%s,\n' a 3 b 4 c 2 d 4 >>rev.csv
for how in median:3.5000 mean:3.2500 trimmed_mean:3.5000; do
	sed -i "s/^combine,.*/combine,${how%%:*}/" call/scoring.csv
	score call --reviews rev.csv
	t_status 0
	t_stdout_has "N-1,,100000.00,100000.00,,,,,,,,apps.csv,2,,yes,${how#*:},2.0000,${how#*:},1,"
done
t_end

t_begin normalisation_of_a_harsh_and_a_lenient_reviewer
score "$SC/normalise" --reviews "$SC/normalise/sample/reviews.csv"
t_status 0
python3 -c '
import csv
for r in csv.DictReader(open("out")):
    print(r["application_id"], r["score_merit"], r["rank"])' >got
diff -u - got <<'EOF2' || t_fail "normalised scores differ"
N-3 4.5000 1
N-6 4.5000 2
N-2 3.0000 3
N-5 3.0000 4
N-1 1.5000 5
N-4 1.5000 6
EOF2
t_end

t_begin every_bad_side_file_line_is_listed
d="$SC/horizon-ria"
cat >rev.csv <<'EOF2'
application_id,reviewer,criterion,mark,comment
H-01,r4,excellence,4,fine
X-99,r4,excellence,4,unknown application
H-01,r4,originality,4,unknown criterion
H-02,r4,excellence,5.5,off the scale
H-02,r4,impact,3.25,off the step
H-02,r4,implementation,"3,5",not a number
H-01,r4,excellence,3,duplicate
H-03,r5,excellence,4,in conflict
H-03,r6,impact,4
EOF2
cat >cons.csv <<'EOF2'
application_id,criterion,score,author,justification
H-01,impact,4,Panel,
H-99,impact,4,Panel,unknown
EOF2
cat >cfl.csv <<'EOF2'
reviewer,application_id
r5,H-03
r5,H-77
EOF2
score "$d" --reviews rev.csv --consensus cons.csv --conflicts cfl.csv
t_status 1
t_stdout_is </dev/null
t_stderr_is <<'EOF2'
aap-score:cfl.csv:3: error: unknown application "H-77": it is not in the stream
aap-score:rev.csv:3: error: unknown application "X-99": it is not in the stream
aap-score:rev.csv:4: error: unknown criterion "originality"
aap-score:rev.csv:5: error: mark 5.5 is off the scale of criterion "excellence" (0.0000 to 5.0000)
aap-score:rev.csv:6: error: mark 3.25 is off the step of criterion "impact" (0.5000 from 0.0000)
aap-score:rev.csv:7: error: mark "3,5" is not a number such as 3.5
aap-score:rev.csv:8: error: duplicate mark: reviewer "r4" already marked criterion "excellence" of this application at line 2
aap-score:rev.csv:9: error: reviewer "r5" is in conflict with application "H-03"
aap-score:rev.csv:10: error: the line has 4 fields, the header 5
aap-score:cons.csv:2: error: a consensus without a justification
aap-score:cons.csv:3: error: unknown application "H-99": it is not in the stream
aap-score: error: 11 bad lines in the side files: nothing was scored
aap-score: hint: a ranking built on a wrong mark is worse than none; correct the lines above
EOF2
t_end

t_begin same_batch_shuffled_and_in_another_locale_gives_the_same_records
d="$SC/horizon-ria"
aap-validate --call "$d" --no-truncation-check "$d/sample/apps.csv" 2>/dev/null >s1
{ head -n 1 "$d/sample/apps.csv"; tail -n +2 "$d/sample/apps.csv" | tac; } >shuffled.csv
aap-validate --call "$d" --no-truncation-check shuffled.csv 2>/dev/null >s2
{ head -n 1 "$d/sample/reviews.csv"; tail -n +2 "$d/sample/reviews.csv" | sort -r; } >rev2.csv
aap-score --call "$d" --reviews "$d/sample/reviews.csv" s1 >o1
LC_ALL=fr_FR.UTF-8 aap-score --call "$d" --reviews rev2.csv s1 >o2
LC_ALL=fr_FR.UTF-8 aap-score --call "$d" --reviews rev2.csv s2 >o3
grep -v '^#' o1 >r1
grep -v '^#' o2 >r2
cmp -s r1 r2 || t_fail "shuffled reviews changed the records"
# The source columns (12 and 13) tell where each record came from.
grep -v '^#' o3 | cut -d, -f1-11,14- >r3
cut -d, -f1-11,14- r1 >r1c
cmp -s r1c r3 || t_fail "shuffled applications changed the records: $(diff r1c r3 | head -5)"
t_end

t_begin sample_call_is_scored_with_its_side_files
s="$CALL/sample"
t_sh "aap-ingest --call '$CALL' '$s/dossiers.csv' | aap-validate --call '$CALL' 2>/dev/null | aap-score --call '$CALL' --reviews '$s/reviews.csv' --consensus '$s/consensus.csv' --conflicts '$s/conflicts.csv'"
t_status 0
t_stdout_has "file=call:criteria.csv:"
t_stdout_has "file=call:tiebreaks.csv:"
t_stdout_has " file=reviews:reviews.csv:$(sha256sum <"$s/reviews.csv" | cut -c1-64)"
t_stdout_has " file=consensus:consensus.csv:"
t_stdout_has " file=conflicts:conflicts.csv:"
t_stdout_has ",total,rank,rank_reason,decision,award"
t_stdout_has " envelope=600000.00 granted="
t_end

t_begin score_stage_statuses
d="$SC/horizon-ria"
t_run aap-score --call "$d"
t_status 2
t_stderr_has "--reviews FILE is required"
cp -R "$d" call
printf 'originality,Originality,1,0,5,0.5,6,reviews,\n' >>call/criteria.csv
t_run aap-score --call call --reviews x.csv
t_status 2
t_stderr_is <<'EOF2'
aap-score:call/criteria.csv:5: error: threshold "6" is off the scale
EOF2
aap-validate --call "$d" --no-truncation-check "$d/sample/apps.csv" 2>/dev/null >s1
aap-score --call "$d" --reviews "$d/sample/reviews.csv" s1 >s2
t_run aap-score --call "$d" --reviews "$d/sample/reviews.csv" s2
t_status 1
t_stderr_has 'did aap-score run twice?'
t_run aap-score --call "$d" --reviews missing.csv s1
t_status 3
t_stderr_has 'could not open "missing.csv"'
t_run aap-score --version
t_status 0
t_stdout_is <<<"aap-score 0.1.0"
t_end

t_begin unique_rules_of_warning_severity_make_no_copy_inadmissible
cp -R "$DATA/score-cases/envelope-skip/call" call && mkdir call/sample
printf 'field,rule,severity,when\ntitle,unique,warning,\n' >call/rules.csv
python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
for r in rows[1:]:
    r[rows[0].index("title")] = "same title"
csv.writer(sys.stdout, lineterminator="\n").writerows(rows)' "$DATA/score-cases/envelope-skip/apps.csv" >call/sample/apps.csv
score call
t_status 0
ranking >got
grep -q ',inadmissible,' got && t_fail "a warning made copies inadmissible: $(cat got)"
printf 'field,rule,severity,when\ntitle,unique,error,\n' >call/rules.csv
score call
t_status 0
ranking >got
[ "$(grep -c ',inadmissible,' got)" = 3 ] || t_fail "every copy should be inadmissible: $(cat got)"
printf 'field,rule,severity,when\ntitle,unique,error,amount_requested=800.00\n' >call/rules.csv
score call
t_status 2
t_stderr_has "call/rules.csv:2: error: aap-score cannot apply a unique rule with a condition (when)"
t_end

t_begin shuffled_input_gives_each_application_the_same_findings_list
# 300 applications, half of them sharing a title in pairs, every fifth
# without its eligible cost: the first copy of a title gets its duplicate
# from aap-score, the others from aap-validate, and the item goes in its
# place either way.  Only the duplicate's detail (the line of the copy met
# first) may depend on the order.
D="$DATA/score-cases/duplicate-in-place"
/usr/bin/python3 -c '
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(next(csv.reader(open(sys.argv[1]))))
rows = []
for i in range(300):
    title = "shared %d" % (i // 2) if i % 4 < 2 else "title %d" % i
    cost = "" if i % 5 == 0 else "900.00"
    rows.append(["A-%d" % i, title, "100.00", cost, "", str(i % 4), "", "", "", "", "", "apps.csv", str(i + 2), ""])
w.writerows(rows)' "$D/apps.csv" >in-order.csv
/usr/bin/python3 -c '
import random, sys
lines = open(sys.argv[1]).read().splitlines(True)
head, body = lines[0], lines[1:]
random.Random(18).shuffle(body)
sys.stdout.write(head + "".join(body))' in-order.csv >shuffled.csv
for f in in-order shuffled; do
	aap-validate --call "$D/call" --no-truncation-check $f.csv 2>/dev/null |
		aap-score --call "$D/call" --plain >$f.out ||
		t_fail "aap-score failed on $f.csv"
	# Each record as bytes, by id, the duplicates' details left out.
	sed -E 's/(error:duplicate:[a-z_]+):[0-9]+/\1/g' $f.out | sort >$f.records
done
grep -q 'error:duplicate:title;error:missing:eligible_cost' in-order.records ||
	t_fail "the case has no record with both findings"
cmp -s in-order.records shuffled.records ||
	t_fail "records differ with the order: $(diff in-order.records shuffled.records | head -4)"
t_end

t_begin rules_csv_that_aap_validate_refuses_stops_aap_score_with_its_message
cp -R "$DATA/score-cases/envelope-skip/call" call
printf 'field,rule\ntitle,unique\ntitle,bogus\n' >call/rules.csv
for stage in aap-validate aap-score; do
	t_run $stage --call call
	t_status 2
	t_stderr_has "$stage:call/rules.csv:3: error: unknown rule \"bogus\""
done
t_end

# The reviews file is read while the stream is (on a thread of its own
# when it is a regular file); what it says still waits for the stream, so
# the outcome never depends on which input was read first.
# bad_reviews: the sample's reviews with an unknown application on line 2
# and a quote left open on line 6.
bad_reviews() {
	local s="$CALL/sample"
	head -n 1 "$s/reviews.csv"
	echo 'NOPE,r1,excellence,4,'
	tail -n +2 "$s/reviews.csv" | head -n 3
	printf '18204511,r9,impact,"4\n'
}

t_begin cut_off_stream_wins_over_a_bad_reviews_file
s="$CALL/sample"
aap-ingest --call "$CALL" "$s/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null >full
head -c -100 full >cut
bad_reviews >rev.csv
t_run aap-score --call "$CALL" --reviews rev.csv cut
t_status 1
t_stdout_is </dev/null
t_stderr_is <<'EOF2'
aap-score:cut:14: error: input ends in the middle of a line
EOF2
cp cut stdin
t_run aap-score --call "$CALL" --reviews rev.csv
t_status 1
t_stdout_is </dev/null
t_stderr_is <<'EOF2'
aap-score:-:14: error: input ends in the middle of a line
EOF2
t_end

t_begin bad_reviews_lines_come_before_the_error_that_ends_the_file
s="$CALL/sample"
aap-ingest --call "$CALL" "$s/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null >full
bad_reviews >rev.csv
t_run aap-score --call "$CALL" --reviews rev.csv full
t_status 1
t_stdout_is </dev/null
t_stderr_is <<'EOF2'
aap-score:rev.csv:2: error: unknown application "NOPE": it is not in the stream
aap-score:rev.csv:6: error: unterminated quoted field
aap-score: detail: the input ends inside field 4 of the record
EOF2
t_end

t_begin reviews_from_a_pipe_give_what_the_file_gives
s="$CALL/sample"
aap-ingest --call "$CALL" "$s/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null >full
cp "$s/reviews.csv" reviews.csv
aap-score --call "$CALL" --reviews reviews.csv full >file.out 2>file.err ||
	t_fail "aap-score failed: $(cat file.err)"
# A pipe is not read ahead: it is read after the stream, as a file is.
t_sh "cat reviews.csv | aap-score --call '$CALL' --reviews /dev/stdin full"
t_status 0
# Only the file's name differs, and so the trailer's digest.
grep -v '^#trailer ' file.out | sed 's|file=reviews:reviews.csv:|file=reviews:stdin:|' >want
grep -v '^#trailer ' out >got
cmp -s want got || t_fail "the outputs differ: $(diff want got | head -n 4)"
[ "$(grep -c '^#trailer ' out)" = 1 ] || t_fail "no trailer"
# The stream itself through a pipe, named as the reviews file too: the
# stream takes it all, the reviews file is found empty.
t_sh "cat full | aap-score --call '$CALL' --reviews /dev/stdin"
t_status 1
t_stdout_is </dev/null
t_stderr_is <<'EOF2'
aap-score:/dev/stdin: error: the file has no header
EOF2
t_end

t_begin decisions_in_another_order_give_the_same_records
d="$SC/decide-skip"
cat >dec.csv <<'EOF2'
application_id,action,amount,author,date,justification
D-1,withdraw,,Comité,2025-07-01,Financement obtenu ailleurs
D-7,reduce,40.00,Comité,2025-07-01,Devis révisé
D-6,promote,,Comité,2025-07-02,Seul projet du territoire insulaire
D-2,exclude,,Comité,2025-07-02,Siège hors région
D-5,withdraw,,Comité,2025-07-03,Projet abandonné
EOF2
{ head -n 1 dec.csv; tail -n +2 dec.csv | tac; } >shuffled.csv
score "$d" --decisions dec.csv
t_status 0
mv out out1
score "$d" --decisions shuffled.csv
t_status 0
# decided_by names each file's own line: it is read back to the line's
# application, and every other byte is compared.
python3 - out1 out dec.csv shuffled.csv <<'EOF2' || t_fail "the records differ"
import csv, sys
def rows(out, dec):
    lines = open(dec, encoding="utf-8").read().splitlines()
    res = []
    for r in csv.DictReader(open(out, encoding="utf-8")):
        by = r["decided_by"]
        if ":" in by:
            name, n = by.rsplit(":", 1)
            assert name == dec, by
            by = lines[int(n) - 1].split(",")[0]
            assert by == r["application_id"], (by, r["application_id"])
        r["decided_by"] = by
        res.append(r)
    return res
a, b = rows(sys.argv[1], sys.argv[3]), rows(sys.argv[2], sys.argv[4])
sys.exit(0 if a == b else 1)
EOF2
grep -q '^D-3,.*,funded,400.00,freed,$' out || t_fail "D-3: $(grep '^D-3' out)"
t_end

t_begin streams_without_decisions_have_no_decisions_columns
score "$SC/decide-skip"
t_status 0
head -n 1 out | grep -q 'decided_by' && t_fail "a decided_by column without --decisions"

t_begin sensitivity_is_the_same_whatever_the_order_of_the_input
d="$DATA/score-cases/sensitivity"
aap-validate --call "$d/call" --no-truncation-check "$d/apps.csv" 2>/dev/null >s1
{ head -n 1 "$d/apps.csv"; tail -n +2 "$d/apps.csv" | tac; } >shuffled.csv
aap-validate --call "$d/call" --no-truncation-check shuffled.csv 2>/dev/null >s2
{ head -n 1 "$d/reviews.csv"; tail -n +2 "$d/reviews.csv" | sort -r; } >rev2.csv
aap-score --call "$d/call" --reviews "$d/reviews.csv" --sensitivity --plain s1 >o1
LC_ALL=fr_FR.UTF-8 aap-score --call "$d/call" --reviews rev2.csv --sensitivity --plain s2 >o2
# The source columns (12 and 13) tell where each record came from.
cut -d, -f1-11,14- o1 >r1
cut -d, -f1-11,14- o2 >r2
cmp -s r1 r2 || t_fail "shuffled input changed the records: $(diff r1 r2 | head -5)"
t_end

t_begin sensitivity_columns_come_only_with_the_option
d="$DATA/score-cases/sensitivity"
aap-validate --call "$d/call" --no-truncation-check "$d/apps.csv" 2>/dev/null >s1
aap-score --call "$d/call" --reviews "$d/reviews.csv" s1 >plain.out
aap-score --call "$d/call" --reviews "$d/reviews.csv" --sensitivity s1 >sens.out
grep -q one_reviewer plain.out && t_fail "columns without the option"
grep -q ',award,one_reviewer,one_reviewer_decision,weight_change,weight_criterion,weight_decision,margin$' sens.out ||
	t_fail "no sensitivity columns: $(grep -v '^#' sens.out | head -1)"
# Everything but the added columns (and the digests) is the same.
grep -v '^#' plain.out >p
grep -v '^#' sens.out | cut -d, -f1-26 >q
cmp -s p q || t_fail "the other columns differ: $(diff p q | head -4)"
t_end

t_begin sensitivity_keeps_a_consensus_score_and_needs_min_marks
d="$DATA/score-cases/sensitivity"
cp -R "$d/call" call
aap-validate --call call --no-truncation-check "$d/apps.csv" 2>/dev/null >s1
# S-3 is funded thanks to r1's excellence mark; a consensus on its
# excellence makes that mark count for nothing.
cat >cons.csv <<'EOF2'
application_id,criterion,score,author,justification
S-3,excellence,4.5,Panel,Agreed in panel
EOF2
t_run aap-score --call call --reviews "$d/reviews.csv" --consensus cons.csv --sensitivity --plain s1
t_status 0
t_stdout_has 'S-3,Généreux,'
t_stdout_has ',4.5000,1.5000,3.0000,0.0000,3.5000,0.0000,12.5000,2,,funded,100.00,,,'
# With min_marks 3 no reviewer can be left out: nothing hangs on one.
sed -i 's/^min_marks,2/min_marks,3/' call/scoring.csv
t_run aap-score --call call --reviews "$d/reviews.csv" --sensitivity --plain s1
t_status 0
grep -q ',r[123],' out && t_fail "a reviewer was left out below min_marks: $(grep ',r[123],' out)"
t_stdout_has ',12.1666,3,,funded,100.00,,,-0.05,impact,not_funded,0.0000'
t_end
