# t-export.sh - aap-export end to end: the sample call's ranking and a call
# made to trap a spreadsheet, as CSV (expected bytes kept in
# tests/data/export) and as xlsx read back with openpyxl by
# check_export.py; the same bytes under any locale, time zone and time.
# shellcheck shell=bash

EXC="$DATA/calls/export"
EXPECT="$DATA/export"
CHECK="$T_TOP/tests/cli/check_export.py"

# sample_stream: the sample call scored, into ./scored.stream.
sample_stream() {
	aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" |
		aap-validate --call "$CALL" 2>/dev/null |
		aap-score --call "$CALL" --reviews "$CALL/sample/reviews.csv" \
			--consensus "$CALL/sample/consensus.csv" \
			--conflicts "$CALL/sample/conflicts.csv" >scored.stream
}

# trap_stream: the export call's applications validated, into ./trap.stream.
trap_stream() {
	aap-ingest --call "$EXC" "$EXC/sample/apps.csv" |
		aap-validate --call "$EXC" 2>/dev/null >trap.stream
}

t_begin help_names_the_formats
t_run aap-export --help
t_status 0
t_stdout_has "-f, --format FORMAT"
t_end

t_begin version_is_printed
t_run aap-export --version
t_status 0
t_stdout_has "aap-export 0."
t_end

t_begin format_is_required
t_run aap-export --call "$CALL"
t_status 2
t_stderr_has "aap-export: error: --format FORMAT is required"
t_end

t_begin unknown_format_is_a_usage_error
t_run aap-export --call "$CALL" --format ods
t_status 2
t_stderr_has 'unknown format "ods": csv, xlsx, html, summaries or scdl'
t_end

t_begin unknown_language_is_a_usage_error
t_run aap-export --call "$CALL" --format csv --lang de
t_status 2
t_stderr_has 'unknown language "de": fr or en'
t_end

t_begin xlsx_needs_an_output_file
t_run aap-export --call "$CALL" --format xlsx
t_status 2
t_stderr_has "xlsx needs --output FILE"
t_end

t_begin sample_ranking_as_french_csv
sample_stream
t_run aap-export --call "$CALL" --format csv scored.stream
t_status 0
cmp -s out "$EXPECT/sud-ia-2025.csv" || t_fail "csv differs from $EXPECT/sud-ia-2025.csv"
t_end

t_begin trap_call_csv_neutralises_formulas_and_keeps_zeros
trap_stream
t_run aap-export --call "$EXC" --format csv -o trap.csv trap.stream
t_status 0
cmp -s trap.csv "$EXPECT/export.csv" || t_fail "csv differs from $EXPECT/export.csv"
t_end

t_begin xlsx_and_csv_read_back_equal_the_stream
sample_stream
trap_stream
aap-export --call "$CALL" --format xlsx -o s.xlsx \
	--reviews "$CALL/sample/reviews.csv" --consensus "$CALL/sample/consensus.csv" \
	scored.stream &&
	aap-export --call "$CALL" --format csv -o s.csv scored.stream &&
	aap-export --call "$EXC" --format xlsx -o t.xlsx trap.stream &&
	aap-export --call "$EXC" --format csv -o t.csv trap.stream ||
	t_fail "an export failed"
t_run /usr/bin/python3 "$CHECK" scored.stream s.xlsx s.csv \
	"$CALL/sample/reviews.csv" "$CALL/sample/consensus.csv"
t_status 0
t_run /usr/bin/python3 "$CHECK" trap.stream t.xlsx t.csv
t_status 0
t_end

t_begin same_stream_same_bytes_under_any_locale_and_time_zone
sample_stream
i=0
for run in "C UTC" "fr_FR.UTF-8 Pacific/Auckland" "C America/Los_Angeles"; do
	i=$((i + 1))
	set -- $run
	LC_ALL=$1 TZ=$2 aap-export --call "$CALL" --format xlsx -o "x$i.xlsx" scored.stream 2>>err ||
		t_fail "xlsx failed under $run"
	LC_ALL=$1 TZ=$2 aap-export --call "$CALL" --format csv scored.stream >"x$i.csv" 2>>err ||
		t_fail "csv failed under $run"
done
set --
for i in 2 3; do
	cmp -s x1.xlsx "x$i.xlsx" || t_fail "xlsx $i differs"
	cmp -s x1.csv "x$i.csv" || t_fail "csv $i differs"
done
/usr/bin/python3 -c '
import sys, zipfile
sys.exit(any(i.date_time != (1980, 1, 1, 0, 0, 0) for i in zipfile.ZipFile("x1.xlsx").infolist()))' ||
	t_fail "a zip entry carries another date than 1980-01-01"
t_end

t_begin english_labels_by_option
trap_stream
t_run aap-export --call "$EXC" --format csv --lang en trap.stream
t_status 0
t_stdout_has "Application;Applicant;Project;SIRET"
t_stdout_has ";Yes;"
t_end

t_begin labels_csv_of_the_call_overrides_the_table
cp -R "$EXC" call
printf 'key,fr,en\ndecision:funded,Retenu,Selected\nadmissible:yes,Recevable,\n' >call/labels.csv
trap_stream
t_run aap-export --call call --format csv trap.stream
t_status 0
t_stdout_has ";Recevable;"
t_end

t_begin unknown_label_key_stops_with_the_line
cp -R "$EXC" call
printf 'key,fr\ndecision:fundd,Retenu\n' >call/labels.csv
trap_stream
t_run aap-export --call call --format csv trap.stream
t_status 2
t_stderr_has 'labels.csv:2: error: unknown label key "decision:fundd"'
t_end

t_begin cut_off_stream_fails_and_leaves_no_file
trap_stream
head -n -1 trap.stream >cut.stream
t_run aap-export --call "$EXC" --format xlsx -o cut.xlsx cut.stream
t_status 1
[ ! -e cut.xlsx ] && [ ! -e cut.xlsx.part ] || t_fail "a workbook was left"
t_run aap-export --call "$EXC" --format csv -o cut.csv cut.stream
t_status 1
[ ! -e cut.csv ] && [ ! -e cut.csv.part ] || t_fail "a csv was left"
t_end

t_begin stream_of_another_call_is_refused
trap_stream
t_run aap-export --call "$CALL" --format csv trap.stream
t_status 1
t_stderr_has 'the stream is of the call "export", not "sud-ia-2025"'
t_end

t_begin notes_sorted_whatever_the_order_of_the_reviews_rows
{ head -n 1 "$CALL/sample/reviews.csv"; tail -n +2 "$CALL/sample/reviews.csv" | sort -r; } >rev.csv
aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" |
	aap-validate --call "$CALL" 2>/dev/null |
	aap-score --call "$CALL" --reviews rev.csv >rev.stream
sample_stream
aap-export --call "$CALL" --format xlsx -o a.xlsx --reviews "$CALL/sample/reviews.csv" scored.stream &&
	aap-export --call "$CALL" --format xlsx -o b.xlsx --reviews rev.csv rev.stream ||
	t_fail "an export failed"
/usr/bin/python3 -c '
import sys, openpyxl
v = [list(openpyxl.load_workbook(f)["Notes"].iter_rows(values_only=True)) for f in sys.argv[1:]]
sys.exit(v[0] != v[1] or len(v[0]) < 2)' a.xlsx b.xlsx ||
	t_fail "the Notes sheet depends on the order of the reviews rows"
t_end

t_begin changed_reviews_file_is_refused
sample_stream
sed 's/,4,/,5,/' "$CALL/sample/reviews.csv" >changed.csv
t_run aap-export --call "$CALL" --format xlsx -o n.xlsx --reviews changed.csv scored.stream
t_status 1
t_stderr_has 'aap-export:changed.csv: error: not the reviews file the stream was scored with'
[ ! -e n.xlsx ] && [ ! -e n.xlsx.part ] || t_fail "a workbook was left"
t_end

t_begin reviews_for_a_stream_scored_without_them_is_refused
trap_stream
t_run aap-export --call "$EXC" --format xlsx -o n.xlsx --reviews "$CALL/sample/reviews.csv" trap.stream
t_status 1
t_stderr_has "the stream's provenance names no reviews file"
t_end

t_begin reviews_with_csv_is_a_usage_error
t_run aap-export --call "$CALL" --format csv --reviews "$CALL/sample/reviews.csv"
t_status 2
t_stderr_has "--reviews and --consensus are for xlsx and summaries: the csv is the ranking only"
t_end

# decided_stream: the sample scored with a copy of its decisions file whose
# author and justification are hostile, into ./decided.stream; the file
# is ./d.csv.
decided_stream() {
	sed -e 's/^18204516,reduce,70000.00,Comité de sélection,2025-07-03,.*/18204516,reduce,70000.00,<b>Comité<\/b>,2025-07-03,"=HYPERLINK(""http:\/\/example.invalid"",""clic"")"/' \
		"$CALL/sample/decisions.csv" >d.csv
	aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" |
		aap-validate --call "$CALL" 2>/dev/null |
		aap-score --call "$CALL" --reviews "$CALL/sample/reviews.csv" \
			--consensus "$CALL/sample/consensus.csv" \
			--conflicts "$CALL/sample/conflicts.csv" --decisions d.csv >decided.stream
}

t_begin committee_decisions_read_back_from_xlsx_and_csv
decided_stream
aap-export --call "$CALL" --format xlsx -o d.xlsx --decisions d.csv decided.stream &&
	aap-export --call "$CALL" --format csv -o d1.csv --decisions d.csv decided.stream ||
	t_fail "an export failed"
t_run /usr/bin/python3 "$CHECK" decided.stream d.xlsx d1.csv
t_status 0
t_run /usr/bin/python3 - d.xlsx d1.csv <<'PY'
import csv, sys
import openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["Classement"]
head = [c.value for c in ws[1]]
by, why, idc = head.index("Origine de la décision"), head.index("Justification du comité"), head.index("N° de dossier")
got = {r[idc].value: (r[by].value, r[why].value, r[why].data_type) for r in ws.iter_rows(min_row=2)}
hyper = '=HYPERLINK("http://example.invalid","clic")'
want = {
    "18204516": ("Décision du comité (aide réduite, <b>Comité</b>, d.csv, ligne 3)", hyper, "s"),
    "18204511": ("Décision du comité (désistement, Comité de sélection, d.csv, ligne 2)",
                 "Le porteur renonce : projet financé par l'ANR entre-temps", "s"),
    "18204513": ("Classement", None, "n"),
    "18204518": ("Classement, sommes libérées par le comité", None, "n"),
}
for k, v in want.items():
    assert got[k] == v, (k, got[k], v)
rows = list(csv.reader(open(sys.argv[2], encoding="utf-8-sig", newline="").read().splitlines(), delimiter=";"))
cells = {r[rows[0].index("N° de dossier")].lstrip("\t"): dict(zip(rows[0], r)) for r in rows[1:]}
assert cells["18204516"]["Justification du comité"] == "'" + hyper, cells["18204516"]
assert cells["18204513"]["Origine de la décision"] == "Classement", cells["18204513"]
PY
t_status 0
t_end

t_begin decisions_file_must_be_the_one_the_stream_was_scored_with
decided_stream
t_run aap-export --call "$CALL" --format csv --decisions "$CALL/sample/decisions.csv" decided.stream
t_status 1
t_stderr_has "not the decisions file the stream was scored with"
sample_stream
t_run aap-export --call "$CALL" --format csv --decisions d.csv scored.stream
t_status 1
t_stderr_has "the stream's provenance names no decisions file"
t_run aap-export --call "$CALL" --format scdl --decisions d.csv scored.stream
t_status 2
t_stderr_has "--decisions is for csv, xlsx, html and summaries"
t_end
