# t-assign.sh - aap-assign through the real binary: the sample call, the
# conflicts, the loads and the coverage, optimality on random instances
# against GLPK's glpsol (assign_check.py), the order of rows, the
# infeasible cases named, and aap-score --assignments.
# shellcheck shell=bash

AC="$DATA/calls/assign"
CHECK="$T_TOP/tests/cli/assign_check.py"

# assign_case: writes apps.csv, reviewers.csv and conflicts.csv of a
# small case: A-1 and A-2 in sector alpha, A-3 in beta, A-4 not admissible.
assign_case() {
	cat >apps.csv <<'EOF'
application_id,siret,sector,keywords,admissible
A-1,11111111100011,alpha,sea|ai,yes
A-2,22222222200022,alpha,,yes
A-3,33333333300033,beta,ai,yes
A-4,44444444400044,alpha,,no
EOF
	cat >reviewers.csv <<'EOF'
reviewer,name,organisation,expertise,max_load
r1,One,,alpha|sea,2
r2,Two,111 111 111,alpha,2
r3,Three,,beta|ai,2
r4,Four,,alpha|beta,2
EOF
	printf 'reviewer,application_id\nr4,A-2\n' >conflicts.csv
}

# The sample's reviews mark the admissible applications (not 18204515
# and 18204517) as an optimal assignment would have it.
t_begin assigns_the_sample_call_as_its_reviews_were_given
aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" 2>/dev/null |
	aap-validate --call "$CALL" 2>/dev/null >stdin
t_run aap-assign --call "$CALL" --reviewers "$CALL/sample/reviewers.csv" \
	--conflicts "$CALL/sample/conflicts.csv"
t_status 0
cut -d, -f1,2 out | sed 1d >pairs
python3 -c '
import csv
for r in csv.DictReader(open("'"$CALL"'/sample/reviews.csv")):
    print(r["application_id"] + "," + r["reviewer"])' | sort -u |
	grep -v -e '^18204515,' -e '^18204517,' >reviewed
diff -u reviewed pairs >d || t_fail "the assignment is not who reviewed:"$'\n'"$(cat d)"
t_stdout_has "18204511,j.nguyen,1002"
t_stderr_is <<'EOF'
aap-assign: 6 applications assigned 3 reviewers each: 18 assignments to 5 of 5 reviewers (2 records not admissible or repeated, not assigned)
aap-assign: total affinity 18006: 18 sector matches, 6 shared keywords
aap-assign: loads from 2 to 5, sum of squares 70
EOF
t_end

t_begin conflicts_declared_and_by_siren_are_never_assigned
assign_case
t_run aap-assign --call "$AC" --reviewers reviewers.csv --conflicts conflicts.csv \
	--no-truncation-check apps.csv
t_status 0
t_stdout_is <<'EOF'
application_id,reviewer,affinity
A-1,r1,1001
A-1,r4,1000
A-2,r1,1000
A-2,r2,1000
A-3,r3,1001
A-3,r4,1000
EOF
t_stdout_lacks "A-1,r2"
t_stdout_lacks "A-2,r4"
t_stdout_lacks "A-4"
t_end

t_begin k_comes_from_the_option_then_the_call
assign_case
t_run aap-assign --call "$AC" --reviewers reviewers.csv --per-application 1 \
	--no-truncation-check apps.csv
t_status 0
[ "$(sed 1d out | wc -l)" = 3 ] || t_fail "not one reviewer each: $(cat out)"
t_end

t_begin random_instances_are_covered_within_loads_and_optimal_as_glpsol_finds
for seed in $(seq 1 40); do
	mkdir "$seed"
	python3 "$CHECK" gen "$seed" "$seed"
	aap-assign --call "$AC" --reviewers "$seed/reviewers.csv" \
		--conflicts "$seed/conflicts.csv" --per-application "$(cat "$seed/k")" \
		--no-truncation-check "$seed/apps.csv" >"$seed/out" 2>"$seed/err"
	st=$?
	why=$(python3 "$CHECK" check "$seed" "$st" "$seed/out") || t_fail "seed $seed: $why"
	python3 "$CHECK" shuffle "$seed" "$seed"
	aap-assign --call "$AC" --reviewers "$seed/reviewers.csv" \
		--conflicts "$seed/conflicts.csv" --per-application "$(cat "$seed/k")" \
		--no-truncation-check "$seed/apps.csv" >"$seed/out2" 2>"$seed/err2"
	cmp -s "$seed/out" "$seed/out2" || t_fail "seed $seed: rows reordered give other bytes"
	cmp -s "$seed/err" "$seed/err2" || t_fail "seed $seed: rows reordered give another summary"
done
t_end

t_begin too_few_reviewers_free_of_conflict_names_the_application
assign_case
printf 'r1,A-1\nr4,A-1\n' >>conflicts.csv
t_run aap-assign --call "$AC" --reviewers reviewers.csv --conflicts conflicts.csv \
	--per-application 2 --no-truncation-check apps.csv
t_status 1
t_stdout_is </dev/null
t_stderr_is <<'EOF'
aap-assign: error: application "A-1" cannot be covered: 1 reviewer is free of conflict with it and with a load above 0, 2 needed
aap-assign: error: no assignment exists: nothing was written
EOF
t_end

t_begin loads_too_small_in_all_are_named
assign_case
sed -i 's/,2$/,1/' reviewers.csv
t_run aap-assign --call "$AC" --reviewers reviewers.csv --no-truncation-check apps.csv
t_status 1
t_stdout_is </dev/null
t_stderr_is <<'EOF'
aap-assign: error: the reviewers' maximum loads allow 4 assignments, 3 applications times 2 need 6
aap-assign: error: no assignment exists: nothing was written
EOF
t_end

t_begin applications_left_without_load_are_named
assign_case
# r3 and r4 alone can review A-3 (r1, r2 in conflict), and A-1, A-2 want
# them too: r3, r4 can take 2 in all.
printf 'r1,A-3\nr2,A-3\nr1,A-1\nr2,A-2\n' >>conflicts.csv
sed -i 's/^r3,\(.*\),2$/r3,\1,1/; s/^r4,\(.*\),2$/r4,\1,2/' reviewers.csv
t_run aap-assign --call "$AC" --reviewers reviewers.csv --conflicts conflicts.csv \
	--no-truncation-check apps.csv
t_status 1
t_stdout_is </dev/null
t_stderr_has 'cannot be covered: 1 of 2 reviewers found; those free of conflict with it are fully loaded by the other applications'
t_end

t_begin bad_lines_of_the_reviewers_and_conflicts_are_all_named
assign_case
cat >>reviewers.csv <<'EOF'
r1,Again,,alpha,1
r5,Five,12345,alpha,1
r6,Six,,alpha,many
r7,Seven,,alpha|—,1
EOF
printf 'r9,A-1\nr1,A-9\n' >>conflicts.csv
t_run aap-assign --call "$AC" --reviewers reviewers.csv --conflicts conflicts.csv \
	--no-truncation-check apps.csv
t_status 1
t_stdout_is </dev/null
t_stderr_is <<'EOF'
aap-assign:reviewers.csv:6: error: reviewer "r1" appears twice
aap-assign:reviewers.csv:7: error: organisation "12345" is not a SIREN (9 digits) or a SIRET (14)
aap-assign:reviewers.csv:8: error: max_load "many" is not a whole number of at most 9 digits
aap-assign:reviewers.csv:9: error: expertise item "—" has no letter or digit
aap-assign:conflicts.csv:3: error: unknown reviewer "r9": it is not in reviewers.csv
aap-assign:conflicts.csv:4: error: unknown application "A-9": it is not in the stream
aap-assign: error: 6 bad lines in the side files: nothing was assigned
EOF
t_end

t_begin reviewers_are_required
t_run aap-assign --call "$AC"
t_status 2
t_stderr_has 'error: --call DIR and --reviewers FILE are required'
t_end

t_begin a_stream_without_admissible_is_refused
printf 'application_id,siret,sector,keywords\nA-1,11111111100011,alpha,\n' >apps.csv
printf 'reviewer,max_load\nr1,1\n' >reviewers.csv
t_run aap-assign --call "$AC" --reviewers reviewers.csv --no-truncation-check apps.csv
t_status 1
t_stderr_has 'the stream has no column "admissible": did aap-validate run?'
t_end

# scored_sample: the sample call validated into ./stdin and assigned into
# ./asg.csv.
scored_sample() {
	aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" 2>/dev/null |
		aap-validate --call "$CALL" 2>/dev/null >stdin
	aap-assign --call "$CALL" --reviewers "$CALL/sample/reviewers.csv" \
		--conflicts "$CALL/sample/conflicts.csv" <stdin >asg.csv 2>/dev/null
}

# score_with ASSIGNMENTS: aap-score of the sample with its side files.
score_with() {
	t_run aap-score --call "$CALL" --reviews "$CALL/sample/reviews.csv" \
		--consensus "$CALL/sample/consensus.csv" \
		--conflicts "$CALL/sample/conflicts.csv" --assignments "$1"
}

t_begin score_with_the_assignments_names_them_in_the_provenance
scored_sample
score_with asg.csv
t_status 0
t_stderr_is </dev/null
t_stdout_has " file=assignments:asg.csv:$(sha256sum asg.csv | cut -d' ' -f1)"
t_end

t_begin score_refuses_a_mark_from_a_reviewer_not_assigned
scored_sample
sed 's/^18204513,c.rossi,/18204513,j.nguyen,/' asg.csv >moved.csv
score_with moved.csv
t_status 1
t_stdout_is </dev/null
t_stderr_is <<EOF
aap-score:$CALL/sample/reviews.csv:22: error: reviewer "c.rossi" is not assigned to application "18204513"
aap-score:$CALL/sample/reviews.csv:25: error: reviewer "c.rossi" is not assigned to application "18204513"
aap-score:$CALL/sample/reviews.csv:28: error: reviewer "c.rossi" is not assigned to application "18204513"
aap-score: error: 3 bad lines in the side files: nothing was scored
aap-score: hint: a ranking built on a wrong mark is worse than none; correct the lines above
EOF
t_end

t_begin score_warns_of_an_assigned_reviewer_without_a_mark
scored_sample
printf '18204511,x.dupont,0\n18204515,y.martin,0\n' >>asg.csv
score_with asg.csv
t_status 0
# 18204515 is not admissible: it is not scored, nobody need mark it.
t_stderr_is <<'EOF'
aap-score:asg.csv:20: warning: reviewer "x.dupont" is assigned to this application and gave it no mark
EOF
t_end

t_begin score_names_the_bad_lines_of_the_assignments
scored_sample
printf '18204599,x.dupont,0\n18204511,j.nguyen,1002\n18204512,,0\n' >>asg.csv
score_with asg.csv
t_status 1
t_stderr_is <<'EOF'
aap-score:asg.csv:20: error: unknown application "18204599": it is not in the stream
aap-score:asg.csv:21: error: reviewer "j.nguyen" is assigned to this application already, at line 2
aap-score:asg.csv:22: error: no reviewer
aap-score: error: 3 bad lines in the side files: nothing was scored
aap-score: hint: a ranking built on a wrong mark is worse than none; correct the lines above
EOF
t_end
