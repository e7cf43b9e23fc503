# t-scdl.sh - aap-export --format scdl, the open-data file of the awards:
# the cases of tests/data/scdl (an association with an RNA number and no
# SIRET, a title of 257 characters, every kind of application that cannot
# be published), the sample call's funded applications, each file checked
# against export/scdl/schema.json by the Frictionless validator of
# tools/tableschema, which is shown to refuse a broken file.
# shellcheck shell=bash

SCC="$DATA/calls/scdl"
SCASES="$DATA/scdl"
SCHEMA="$T_TOP/export/scdl/schema.json"

# scdl_validate FILE...: the Frictionless validator on the files, as t_run.
scdl_validate() {
	if [ ! -d "$T_TOP/tools/tableschema/node_modules/tableschema" ]; then
		t_fail "tools/tableschema/node_modules is missing: run scripts/install-deps"
		return
	fi
	t_run node "$T_TOP/tools/tableschema/validate.js" "$SCHEMA" "$@"
}

# scdl_sample: the sample call scored, into ./scored.stream.
scdl_sample() {
	aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" |
		aap-validate --call "$CALL" 2>/dev/null |
		aap-score --call "$CALL" --reviews "$CALL/sample/reviews.csv" \
			--consensus "$CALL/sample/consensus.csv" \
			--conflicts "$CALL/sample/conflicts.csv" >scored.stream
}

t_begin scdl_help_names_the_format_and_the_decision_options
t_run aap-export --help
t_status 0
t_stdout_has "csv, xlsx, html, summaries or scdl"
t_stdout_has "--decision-date DATE"
t_stdout_has "--decision-ref REF"
t_end

for dir in "$SCASES"/*/; do
	case_name=$(basename "$dir")
	t_begin "scdl_case_$case_name"
	args=()
	[ -f "$dir/args" ] && mapfile -t args <"$dir/args"
	t_run aap-export --call "$SCC" --format scdl --no-truncation-check \
		"${args[@]}" -o out.csv "$dir/stream.csv"
	if [ -f "$dir/expected.csv" ]; then
		t_status 0
		cmp -s out.csv "$dir/expected.csv" ||
			t_fail "$(diff "$dir/expected.csv" out.csv)"
		scdl_validate out.csv
		t_status 0
	else
		t_status "$(cat "$dir/status")"
		diff "$dir/err" err >/dev/null || t_fail "stderr: $(diff "$dir/err" err)"
		[ ! -e out.csv ] && [ ! -e out.csv.part ] || t_fail "a file was left"
	fi
	t_end
done

t_begin scdl_refused_batch_writes_nothing_on_standard_output
t_run aap-export --call "$SCC" --format scdl --no-truncation-check \
	"$SCASES/every-bad/stream.csv"
t_status 1
[ ! -s out ] || t_fail "something was written: $(head -c 200 out)"
t_end

t_begin scdl_sample_lists_the_funded_applications_and_their_sum_is_granted
scdl_sample
t_run aap-export --call "$CALL" --format scdl -o subventions.csv scored.stream
t_status 0
cmp -s subventions.csv "$DATA/export/subventions-sud-ia-2025.csv" ||
	t_fail "$(diff "$DATA/export/subventions-sud-ia-2025.csv" subventions.csv)"
/usr/bin/python3 - scored.stream subventions.csv <<'EOF' || t_fail "the rows are not the funded applications, or their sum is not granted"
import csv, sys
from decimal import Decimal
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
granted = [t.split("=", 1)[1] for l in lines if l.startswith("#trailer")
           for t in l.split() if t.startswith("granted=")][0]
stream = list(csv.DictReader(l for l in lines if not l.startswith("#")))
funded = [r for r in stream if r["decision"] == "funded"]
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8", newline="")))
ok = [r["idBeneficiaire"] for r in rows] == [r["siret"] for r in funded]
ok = ok and [r["montant"] for r in rows] == [r["award"] for r in funded]
ok = ok and sum(Decimal(r["montant"]) for r in rows) == Decimal(granted)
sys.exit(0 if ok and rows else 1)
EOF
scdl_validate subventions.csv
t_status 0
t_stdout_has "3 rows valid"
t_end

t_begin scdl_same_bytes_under_any_locale_and_run
scdl_sample
i=0
for run in "C UTC" "fr_FR.UTF-8 Pacific/Auckland" "fr_FR.UTF-8 America/Los_Angeles"; do
	i=$((i + 1))
	read -r lc tz <<<"$run"
	LC_ALL=$lc TZ=$tz aap-export --call "$CALL" --format scdl scored.stream >"r$i.csv" ||
		t_fail "failed under $run"
done
cmp -s r1.csv r2.csv || t_fail "the locale changes the file"
cmp -s r2.csv r3.csv || t_fail "two runs differ"
[ -s r1.csv ] || t_fail "nothing written"
t_end

t_begin scdl_validator_refuses_a_broken_file
cp "$SCASES/association/expected.csv" good.csv
scdl_validate good.csv
t_status 0
# A decimal comma, a percentage above 1, an objet of 257 characters, a bad
# nature, a date that does not exist, and a row with neither identifier.
/usr/bin/python3 - good.csv bad.csv <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
rows[1][8] = "30000,00"
rows[2][14] = "1.2"
rows[3][7] = "é" * 257
rows[4][9] = "aide"
rows[5][2] = "2025-02-30"
rows[6][5] = rows[6][6] = ""
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline=""), lineterminator="\n").writerows(rows)
EOF
scdl_validate bad.csv
t_status 1
t_stderr_has 'bad.csv:2: field "montant"'
t_stderr_has 'bad.csv:3: field "pourcentageSubvention"'
t_stderr_has 'bad.csv:4: field "objet"'
t_stderr_has 'bad.csv:5: field "nature"'
t_stderr_has 'bad.csv:6: field "dateConvention"'
t_stderr_has 'bad.csv:7: neither idBeneficiaire nor rnaBeneficiaire is given'
t_end

t_begin scdl_call_without_its_settings_is_refused_before_reading
cp -R "$SCC" call
printf 'setting,value\nid,scdl\ntitle,Essai\n' >call/call.csv
printf 'field,type,required,headers,role\napplication_id,text,yes,,\nname,text,yes,,\n' >call/fields.csv
t_run aap-export --call call --format scdl /dev/null
t_status 2
t_stderr_has 'the SCDL file needs what the call does not give: setting "funder_legal_name", setting "funder_siret", setting "payment_terms", setting "eu_notified", setting "decision_date", setting "payment_dates", a field of role "applicant", a field of role "title", a field of role "eligible_cost", a field of role "siret" or "rna"'
t_end

t_begin scdl_funder_siret_is_checked_when_the_call_is_read
cp -R "$SCC" call
sed -i 's/^funder_siret,.*/funder_siret,21130055300017/' call/call.csv
t_run aap-export --call call --format csv /dev/null
t_status 2
t_stderr_has 'call.csv:7: error: setting "funder_siret" is "21130055300017", not a SIRET: 14 digits whose check digits are right'
t_end

t_begin scdl_call_settings_of_a_list_are_checked
cp -R "$SCC" call
sed -i 's/^payment_terms,.*/payment_terms,mensuel/' call/call.csv
t_run aap-export --call call --format scdl /dev/null
t_status 2
t_stderr_has 'setting "payment_terms" is "mensuel", not "unique", "échelonné" or "autre"'
t_end

t_begin scdl_decision_options
t_run aap-export --call "$SCC" --format scdl --decision-date 2025-02-30 /dev/null
t_status 2
t_stderr_has '--decision-date "2025-02-30" is not a date YYYY-MM-DD'
t_run aap-export --call "$SCC" --format csv --decision-ref X /dev/null
t_status 2
t_stderr_has "--decision-date and --decision-ref are for scdl"
t_run aap-export --call "$SCC" --format scdl --reviews x.csv /dev/null
t_status 2
t_stderr_has "--reviews and --consensus are for xlsx"
t_run aap-export --call "$SCC" --format scdl --no-truncation-check \
	--decision-date 2025-07-04 --decision-ref 'CP 12' "$SCASES/association/stream.csv"
t_status 0
t_stdout_has "Commune d'Essai,21130055300016,2025-07-04,CP 12,Les Amis du Vieux Port,"
t_end

t_begin scdl_stream_not_scored_is_refused
printf 'application_id,name,siret,rna,title,eligible_cost,payment_dates\nA1,N,,W133001234,T,1.00,\n' >s.csv
t_run aap-export --call "$SCC" --format scdl --no-truncation-check s.csv
t_status 1
t_stderr_has "the stream is not scored"
t_end
