# t-audit.sh - aap-audit against a private PostgreSQL server started here:
# untouched batches audit clean; each value changed behind the triggers'
# back (as the superuser, session_replication_role = replica) is named
# with its record, application, column, stored and recomputed value; a
# batch rewritten consistently breaks the chain; a batch made by another
# version of a stage is audited with that version named.
# shellcheck shell=bash

t_pg_start || return 0

audit_side=(--reviews "$CALL/sample/reviews.csv" --consensus "$CALL/sample/consensus.csv"
	--conflicts "$CALL/sample/conflicts.csv")

# scored_batch ID: scores the sample export copied as ID.csv (so that each
# batch has a stream of its own) and pushes it as batch ID; the export is
# left in $T_TMP/ID.csv.
scored_batch() {
	cp "$CALL/sample/dossiers.csv" "$T_TMP/$1.csv"
	aap-ingest --call "$CALL" "$T_TMP/$1.csv" | aap-validate --call "$CALL" 2>/dev/null |
		aap-score --call "$CALL" "${audit_side[@]}" >"$T_TMP/$1.stream" &&
		PGUSER=aap_loader aap-push --call "$CALL" --batch "$1" "${audit_side[@]}" \
			"$T_TMP/$1.stream" >/dev/null 2>"$T_TMP/$1.push" ||
		t_fail "could not push batch $1: $(cat "$T_TMP/$1.push")"
}

# tamper SQL...: runs the statements as the superuser, triggers off.
tamper() {
	local a=(-c "SET session_replication_role = replica") s
	for s in "$@"; do
		a+=(-c "$s")
	done
	admin "${a[@]}" >/dev/null || t_fail "could not tamper: $*"
}

# audit ARGS...: aap-audit as aap_auditor, differences in ./diffs.
audit() {
	t_run env PGUSER=aap_auditor aap-audit --differences diffs "$@"
}

# differs ROW: the differences file has the row (fixed string).
differs() {
	grep -qxF -- "$1" diffs || t_fail "no difference $1 in:"$'\n'"$(cat diffs)"
}

# restamp STREAM FROM TO: STREAM with the bytes FROM replaced by TO before
# its trailer, and the trailer's sha256 made again: a stream as a stage
# would have written it.
restamp() {
	python3 - "$@" <<'PY'
import hashlib, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
old, new = sys.argv[2].encode(), sys.argv[3].encode()
data = b"".join(l.replace(old, new) + b"\n" for l in lines[:-1])
trailer = lines[-1].rsplit(b" sha256=", 1)[0] + b" sha256=" + hashlib.sha256(data).hexdigest().encode()
sys.stdout.buffer.write(data + trailer + b"\n")
PY
}

t_begin twenty_untouched_batches_audit_clean
args=()
for i in $(seq 1 20); do
	if [ "$i" -le 10 ]; then
		scored_batch "clean-$i"
	else
		printf 'ID,Titre du projet,Montant de l%saide demandée,Remarque\nA-%d,"P, ""%d""",%d,\\N\n' \
			"'" "$i" "$i" "$i" >in.csv
		aap-ingest --call "$MINI" in.csv | aap-validate --call "$MINI" >s &&
			PGUSER=aap_loader aap-push --call "$MINI" --batch "clean-$i" s >/dev/null 2>&1 ||
			t_fail "could not push clean-$i"
	fi
	args+=(--batch "clean-$i")
done
audit "${args[@]}" --chain --report report
t_status 0
[ "$(cat diffs)" = 'batch_id,seq,application_id,table,column,stored,recomputed' ] ||
	t_fail "differences: $(cat diffs)"
[ "$(grep -c '^batch ".*": no difference$' report)" = 20 ] || t_fail "report: $(cat report)"
grep -qx 'audit: no difference' report || t_fail "report: $(tail -n 3 report)"
grep -q '^scoring, aap-score run again: 8 records compared, 0 values differ$' report ||
	t_fail "scoring not run again: $(cat report)"
[ ! -s err ] || t_fail "stderr: $(cat err)"
t_end

t_begin the_source_run_again_matches_the_input_aap_score_recorded
audit --batch clean-1 --source "$T_TMP/clean-1.csv" --expect "$(sha256sum <"$T_TMP/clean-1.stream" | cut -c1-64)"
t_status 0
t_stderr_has 'matches the input aap-score recorded'
t_stderr_has 'source, aap-ingest and aap-validate run again: 8 records compared, 0 values differ'
t_stderr_has 'expected: '
t_end

t_begin a_changed_award_is_named
scored_batch t-award
tamper "UPDATE aap.application SET award = 70000.00 WHERE batch_id = 't-award' AND seq = 1"
audit --batch t-award
t_status 5
differs 't-award,1,18204516,application,award,70000.00,75000.00'
t_stderr_has 'difference: record 1 (application "18204516"): application.award stored "70000.00", recomputed "75000.00"'
t_stderr_has 'aap-audit: error: the audit found'
t_end

t_begin a_changed_rank_is_named
scored_batch t-rank
tamper "UPDATE aap.application SET rank = 5 WHERE batch_id = 't-rank' AND seq = 2"
audit --batch t-rank
t_status 5
differs 't-rank,2,18204513,application,rank,5,2'
t_end

t_begin a_changed_decision_is_named
scored_batch t-decision
tamper "UPDATE aap.application SET decision = 'not_funded' WHERE batch_id = 't-decision' AND seq = 4"
audit --batch t-decision
t_status 5
differs 't-decision,4,18204518,application,decision,not_funded,reserve'
t_end

t_begin a_changed_criterion_score_is_named
scored_batch t-score
tamper "UPDATE aap.criterion_score SET score = 1.0000 WHERE batch_id = 't-score' AND seq = 4 AND criterion = 'impact'"
audit --batch t-score
t_status 5
differs 't-score,4,18204518,criterion_score,score_impact,1.0000,4.1667'
t_end

t_begin a_changed_review_mark_changes_the_recomputed_scores
scored_batch t-review
tamper "UPDATE aap.review SET mark = 0 WHERE batch_id = 't-review' AND seq = 1"
audit --batch t-review
t_status 5
differs 't-review,3,18204511,criterion_score,score_excellence,4.1667,2.8333'
differs 't-review,3,18204511,application,decision,funded,below_threshold'
t_stderr_has 'stream: rebuilt from the database, 8 records, sha256 '
t_stderr_has 'matches aap.batch.stream_sha256'
t_end

t_begin a_changed_field_is_caught_by_the_digest_and_named_with_the_source
scored_batch t-field
tamper "UPDATE aap.application SET fields = jsonb_set(fields, '{title}', '\"X\"') WHERE batch_id = 't-field' AND seq = 6"
audit --batch t-field
t_status 5
want=$(sha256sum <"$T_TMP/t-field.stream" | cut -c1-64)
grep -q "^t-field,,,batch,stream_sha256,$want," diffs || t_fail "differences: $(cat diffs)"
audit --batch t-field --source "$T_TMP/t-field.csv"
t_status 5
differs 't-field,6,18204514,application,title,X,Cueillette robotisée des cerises'
t_end

t_begin a_call_file_changed_with_its_digest_is_named
scored_batch t-call
was=$(sha256sum <"$CALL/criteria.csv" | cut -c1-64)
tamper "UPDATE aap.config_file
	 SET content = replace(content, 'territorial,1.5', 'territorial,3'),
	     sha256 = encode(sha256(convert_to(replace(content, 'territorial,1.5', 'territorial,3'), 'UTF8')), 'hex')
	 WHERE batch_id = 't-call' AND name = 'criteria.csv'"
now=$(admin -c "SELECT sha256 FROM aap.config_file WHERE batch_id = 't-call' AND name = 'criteria.csv'")
audit --batch t-call
t_status 5
differs "t-call,,,config_file,call:criteria.csv,$was,$now"
grep -q '^t-call,[0-9]*,[0-9]*,application,total,' diffs || t_fail "no total recomputed: $(cat diffs)"
t_end

t_begin a_batch_rewritten_consistently_breaks_the_chain
scored_batch t-chain
head=$(admin -c "SELECT chain_sha256 FROM aap.chain_head")
audit --chain --expect-head "$head"
t_status 0
t_stderr_has 'chain: the head expected is link'
# The award of record 1 lowered in the stream, its trailer and digest made
# again, and every stored value changed to match.
restamp "$T_TMP/t-chain.stream" ",funded,75000.00" ",funded,70000.00" >rewritten
tamper "UPDATE aap.application SET award = 70000.00 WHERE batch_id = 't-chain' AND seq = 1" \
	"UPDATE aap.batch SET trailer = '$(tail -n 1 rewritten)', stream_sha256 = '$(sha256sum <rewritten | cut -c1-64)' WHERE batch_id = 't-chain'"
t_run env PGUSER=aap_auditor aap-pull --batch t-chain
t_status 0
cmp -s out rewritten || t_fail "the rewrite is not consistent: $(diff out rewritten)"
audit --chain
t_status 5
t_stderr_has 'chain: broken first at link'
t_stderr_has ', batch "t-chain": its link is '
grep -q '^t-chain,,,chain,chain_sha256,' diffs || t_fail "differences: $(cat diffs)"
audit --chain --expect-head 0000000000000000000000000000000000000000000000000000000000000001
t_status 5
t_stderr_has 'the head expected, 0000000000000000000000000000000000000000000000000000000000000001, is no link of the chain'
t_end

t_begin a_batch_made_by_another_version_names_it
cp "$CALL/sample/dossiers.csv" "$T_TMP/t-version.csv"
aap-ingest --call "$CALL" "$T_TMP/t-version.csv" | aap-validate --call "$CALL" 2>/dev/null |
	aap-score --call "$CALL" "${audit_side[@]}" >scored
restamp scored "name=aap-score version=0.1.0" "name=aap-score version=0.0.9" >old
PGUSER=aap_loader aap-push --call "$CALL" --batch t-version "${audit_side[@]}" old >/dev/null 2>&1 ||
	t_fail "could not push"
audit --batch t-version
t_status 0
head -n 2 err | tail -n 1 >first
grep -q 'tools: aap-ingest 0.1.0 made the batch and is installed' first || t_fail "first: $(cat first)"
t_stderr_has 'tools: aap-score 0.0.9 made the batch; the installed aap-score is 0.1.0'
t_end

t_begin audit_usage_roles_and_database_failures
t_run aap-audit
t_status 2
t_stderr_has 'aap-audit: error: --batch ID or --chain is required'
t_run aap-audit --batch a --batch b --source x.csv
t_status 2
t_run aap-audit --expect-head abc --batch a
t_status 2
t_run env PGUSER=aap_auditor aap-audit --batch no-such-batch
t_status 2
t_stderr_has 'aap-audit: error: there is no batch "no-such-batch"'
t_run env PGUSER=aap_committee aap-audit --batch clean-1
t_status 4
t_stderr_has 'aap-audit: hint: run aap-migrate as the database'"'"'s administrator, and audit as a member of aap_auditor'
t_run aap-audit --chain --db "host=$T_TMP/nowhere password=s3cr3t-pw"
t_status 4
t_stderr_has "aap-audit: error: could not connect to the database:"
grep -q 's3cr3t-pw' err && t_fail "the password was printed"
t_end

t_begin a_batch_corrected_by_decisions_pulls_back_whole_and_audits_clean
# The decisions file is run again as stored, under its own name: the
# records name its lines (decided_by = decisions.csv:LINE).
scored_batch dec-proposal
dec=(--decisions "$CALL/sample/decisions.csv")
aap-ingest --call "$CALL" "$T_TMP/dec-proposal.csv" | aap-validate --call "$CALL" 2>/dev/null |
	aap-score --call "$CALL" "${audit_side[@]}" "${dec[@]}" >decided &&
	PGUSER=aap_loader aap-push --call "$CALL" --batch dec-decided --supersedes dec-proposal \
		"${audit_side[@]}" "${dec[@]}" decided >/dev/null 2>push.err ||
	t_fail "could not push the decided batch: $(cat push.err)"
env PGUSER=aap_auditor aap-pull --batch dec-decided >pulled 2>pull.err ||
	t_fail "pull: $(cat pull.err)"
cmp -s decided pulled || t_fail "the pulled stream differs: $(diff decided pulled | head -5)"
audit --batch dec-decided --report report
t_status 0
[ "$(wc -l <diffs)" = 1 ] || t_fail "differences: $(cat diffs)"
grep -q 'scoring, aap-score run again: 8 records compared, 0 values differ$' report ||
	t_fail "scoring not run again: $(cat report)"
t_end

t_begin a_batch_scored_with_sensitivity_pulls_back_whole_and_audits_clean
# Its six columns are kept among the fields (docs/database.md) and
# aap-score is run again with --sensitivity.
cp "$CALL/sample/dossiers.csv" "$T_TMP/sens.csv"
aap-ingest --call "$CALL" "$T_TMP/sens.csv" | aap-validate --call "$CALL" 2>/dev/null |
	aap-score --call "$CALL" "${audit_side[@]}" --sensitivity >sens &&
	PGUSER=aap_loader aap-push --call "$CALL" --batch sens "${audit_side[@]}" sens \
		>/dev/null 2>push.err || t_fail "could not push: $(cat push.err)"
env PGUSER=aap_auditor aap-pull --batch sens >pulled 2>pull.err || t_fail "pull: $(cat pull.err)"
cmp -s sens pulled || t_fail "the pulled stream differs: $(diff sens pulled | head -5)"
audit --batch sens --report report
t_status 0
grep -q 'scoring, aap-score run again: 8 records compared, 0 values differ$' report ||
	t_fail "scoring not run again: $(cat report)"
t_end
