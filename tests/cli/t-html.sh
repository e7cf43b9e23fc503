# t-html.sh - aap-export's HTML: the committee's report and the evaluation
# summaries, opened in headless Chromium by check_html.py (no console
# error, no request, every application, the charts and their titles, a
# screenshot not blank, hostile names shown as text), the same bytes under
# any locale, time zone and run, and printed to PDF.
# shellcheck shell=bash

HOSTILE="$DATA/calls/hostile"
BROWSER="$T_TOP/tests/cli/check_html.py"

# html_sample: the sample call scored, into ./scored.stream.
html_sample() {
	aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" |
		aap-validate --call "$CALL" 2>/dev/null |
		aap-score --call "$CALL" --reviews "$CALL/sample/reviews.csv" \
			--consensus "$CALL/sample/consensus.csv" \
			--conflicts "$CALL/sample/conflicts.csv" >scored.stream
}

# html_hostile: the hostile call's applications validated, into
# ./hostile.stream.
html_hostile() {
	aap-ingest --call "$HOSTILE" "$HOSTILE/sample/apps.csv" |
		aap-validate --call "$HOSTILE" 2>/dev/null >hostile.stream
}

t_begin report_and_three_summaries_open_clean_in_chromium
html_sample
aap-export --call "$CALL" --format html -o rapport.html scored.stream &&
	aap-export --call "$CALL" --format summaries --out-dir s \
		--reviews "$CALL/sample/reviews.csv" \
		--consensus "$CALL/sample/consensus.csv" scored.stream ||
	t_fail "an export failed"
[ "$(ls s | wc -l)" = 8 ] || t_fail "$(ls s | wc -l) summaries for 8 applications"
t_run /usr/bin/python3 "$BROWSER" --ids scored.stream --charts 4 rapport.html \
	--clear --expect "Rapport d'évaluation" --expect "Évaluation" \
	s/18204516.html s/18204513.html --clear --expect "Motifs" \
	--expect "doublon" s/18204512.html
t_status 0
[ -s out ] && t_fail "$(cat out)"
t_end

t_begin hostile_names_are_shown_as_text_and_nothing_runs
html_hostile
aap-export --call "$HOSTILE" --format html -o h.html hostile.stream &&
	aap-export --call "$HOSTILE" --format summaries -d s hostile.stream ||
	t_fail "an export failed"
t_run /usr/bin/python3 "$BROWSER" --ids hostile.stream \
	--expect '<script>alert(1)</script>' --expect '<img src=x onerror=alert(2)>' \
	--expect '=HYPERLINK("http://example.invalid","clic")' \
	--expect 'Nom ␛[31mrouge␛[0m' --expect 'Titre <U+202E>enrevni' \
	--expect "Appel d'essai <b>des pages</b> & de leurs échappements" h.html \
	--clear --expect '<script>alert(1)</script>' s/101.html \
	--clear --expect 'Nom ␛[31mrouge␛[0m' s/103.html
t_status 0
[ -s out ] && t_fail "$(cat out)"
grep -q '<script' h.html s/101.html && t_fail "a script element was written"
grep -q "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"" h.html ||
	t_fail "the report has no policy forbidding scripts"
t_end

t_begin summaries_show_comments_and_justifications_not_reviewers
html_sample
aap-export --call "$CALL" --format summaries --out-dir s \
	--reviews "$CALL/sample/reviews.csv" \
	--consensus "$CALL/sample/consensus.csv" scored.stream ||
	t_fail "the export failed"
grep -q "verrous clairement identifiés" s/18204511.html ||
	t_fail "a reviewer's comment is missing"
grep -q "prévention des incendies" s/18204516.html ||
	t_fail "the consensus' justification is missing"
grep -q "m.durand\|s.benali" s/*.html && t_fail "a reviewer is named"
grep -q "Financé" s/18204516.html || t_fail "the decision is missing"
# Thousands apart by U+202F, the currency after U+00A0.
grep -q "75$(printf '\342\200\257')000,00$(printf '\302\240')€" s/18204516.html ||
	t_fail "the award is missing"
grep -q "$(sha256sum scored.stream | cut -c1-64)" s/18204516.html ||
	t_fail "the stream's digest is missing"
t_end

t_begin same_stream_same_report_under_any_locale_time_zone_and_run
html_sample
i=0
for run in "C UTC" "fr_FR.UTF-8 Pacific/Auckland" "C America/Los_Angeles"; do
	i=$((i + 1))
	set -- $run
	LC_ALL=$1 TZ=$2 aap-export --call "$CALL" --format html scored.stream >"r$i.html" ||
		t_fail "html failed under $run"
	LC_ALL=$1 TZ=$2 aap-export --call "$CALL" --format summaries -d "s$i" \
		--reviews "$CALL/sample/reviews.csv" scored.stream ||
		t_fail "summaries failed under $run"
done
set --
for i in 2 3; do
	cmp -s r1.html "r$i.html" || t_fail "report $i differs"
	diff -r s1 "s$i" >/dev/null || t_fail "summaries $i differ"
done
t_end

t_begin report_and_summaries_print_to_pdf
html_sample
html_hostile
t_run aap-export --call "$CALL" --format html --pdf -o rapport.html scored.stream
t_status 0
pages=$(pdfinfo rapport.pdf 2>/dev/null | sed -n 's/^Pages: *//p')
# The summary and ranking, the charts, the inadmissible applications and
# the provenance each begin a page.
[ "${pages:-0}" -ge 4 ] || t_fail "rapport.pdf has ${pages:-no} pages, 4 at least wanted"
t_run aap-export --call "$HOSTILE" --format summaries --pdf -d s hostile.stream
t_status 0
for id in 101 102 103; do
	p=$(pdfinfo "s/$id.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
	[ "${p:-0}" = 1 ] || t_fail "s/$id.pdf has ${p:-no} pages, 1 wanted"
done
ls s/*.part 2>/dev/null && t_fail "a .part file was left"
t_end

t_begin pdf_without_chromium_fails_with_status_3
html_hostile
t_run env AAP_CHROMIUM=/nonexistent/chromium aap-export --call "$HOSTILE" \
	--format html --pdf -o h.html hostile.stream
t_status 3
t_stderr_has 'could not run "/nonexistent/chromium"'
t_end

t_begin summary_template_of_the_call_is_used
cp -R "$HOSTILE" call
printf '<h1>{{label:summary:title}} n° {{application_id}}</h1>\n<p>{{applicant}} : {{decision}}</p>\n' >call/summary.html
aap-ingest --call call call/sample/apps.csv | aap-validate --call call 2>/dev/null >c.stream
t_run aap-export --call call --format summaries -d s c.stream
t_status 0
grep -q "<h1>Rapport d&#39;évaluation n° 101</h1>" s/101.html || t_fail "the template was not used"
grep -q "<p>&lt;script&gt;alert(1)&lt;/script&gt; : Oui</p>" s/101.html ||
	t_fail "a value was not escaped"
t_end

t_begin unknown_name_in_the_template_stops_with_its_line
cp -R "$HOSTILE" call
printf '<h1>{{applicant}}</h1>\n<p>{{montant}}</p>\n' >call/summary.html
aap-ingest --call call call/sample/apps.csv | aap-validate --call call 2>/dev/null >c.stream
t_run aap-export --call call --format summaries -d s c.stream
t_status 2
t_stderr_has 'summary.html:2: error: unknown name "montant"'
[ ! -e s ] || t_fail "a folder was made"
t_end

t_begin cut_off_stream_leaves_no_report_and_no_summary
html_hostile
head -n -1 hostile.stream >cut.stream
t_run aap-export --call "$HOSTILE" --format html -o h.html cut.stream
t_status 1
[ ! -e h.html ] && [ ! -e h.html.part ] || t_fail "a report was left"
t_run aap-export --call "$HOSTILE" --format summaries -d s cut.stream
t_status 1
[ ! -e s ] || t_fail "summaries were written"
t_end

t_begin html_options_are_checked_before_reading
t_run aap-export --call "$CALL" --format summaries
t_status 2
t_stderr_has "summaries need --out-dir DIR"
t_run aap-export --call "$CALL" --format csv --pdf
t_status 2
t_stderr_has "--pdf is for html and summaries"
t_run aap-export --call "$CALL" --format html --pdf
t_status 2
t_stderr_has "--pdf needs --output FILE"
t_run aap-export --call "$CALL" --format html --out-dir d
t_status 2
t_stderr_has "--out-dir is for summaries"
t_run aap-export --call "$CALL" --format html --reviews "$CALL/sample/reviews.csv"
t_status 2
t_stderr_has "the html is the ranking only"
t_end

t_begin report_lists_the_fragile_decisions_first
# tests/data/score-cases/sensitivity (its README works it by hand): S-3 is
# funded only thanks to r1, S-2 and S-4 swap with a 5 % lower impact
# weight; S-1 hangs on nothing.
d="$DATA/score-cases/sensitivity"
aap-validate --call "$d/call" --no-truncation-check "$d/apps.csv" 2>/dev/null |
	aap-score --call "$d/call" --reviews "$d/reviews.csv" --sensitivity >s
t_run aap-export --call "$d/call" --format html s
t_status 0
python3 - out <<'PY' || t_fail "the fragile decisions are not listed first"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
f, c = h.find('<section id="fragiles">'), h.find('<section id="classement">')
assert 0 <= f < c, (f, c)
# The rows of its body, the header row left out.
rows = [re.sub(r"<[^>]+>", "|", r) for r in re.findall(r"<tr>.*?</tr>", h[f:c])][1:]
got = [r.split("|") for r in rows]
got = [[x for x in r if x] for r in got]
assert got == [["2", "S-3", "Financé", "r1 → Non financé", "0,0001"],
               ["3", "S-2", "Financé", "r2 → Non financé", "-5 % (Impact) → Non financé", "0,0000"],
               ["4", "S-4", "Non financé", "-5 % (Impact) → Financé", "-0,1665"]], got
PY
t_end

t_begin report_without_sensitivity_has_no_fragile_section
aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" 2>/dev/null | aap-validate --call "$CALL" 2>/dev/null |
	aap-score --call "$CALL" --reviews "$CALL/sample/reviews.csv" --consensus "$CALL/sample/consensus.csv" \
		--conflicts "$CALL/sample/conflicts.csv" >s
t_run aap-export --call "$CALL" --format html s
t_status 0
t_stdout_lacks 'id="fragiles"'
t_end

t_begin envelope_chart_costs_the_reserve_at_its_capped_award
# With PME capped at 50 % of the eligible cost, 18204518 (reserve, PME,
# asking 200,000.00 of 380,000.00) would get 190,000.00.
cp -R "$CALL" call
sed 's/^PME,0.6$/PME,0.5/' "$CALL/rates.csv" >call/rates.csv
aap-ingest --call call "$CALL/sample/dossiers.csv" | aap-validate --call call 2>/dev/null |
	aap-score --call call --reviews "$CALL/sample/reviews.csv" \
		--consensus "$CALL/sample/consensus.csv" \
		--conflicts "$CALL/sample/conflicts.csv" >s
grep -q '^18204518,.*,reserve,' s || t_fail "18204518 is not on the reserve list"
t_run aap-export --call call --format html s
t_status 0
t_stdout_has "Liste complémentaire, aides plafonnées : 190$(printf '\342\200\257')000,00$(printf '\302\240')€"
t_end

t_begin committee_decisions_in_the_report_and_the_summaries
# The sample's decisions (make demo): 18204511 withdraws, 18204516's award
# is reduced, 18204518 is funded with the money freed.
html_sample
aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null |
	aap-score --call "$CALL" --reviews "$CALL/sample/reviews.csv" \
		--consensus "$CALL/sample/consensus.csv" --conflicts "$CALL/sample/conflicts.csv" \
		--decisions "$CALL/sample/decisions.csv" >decided.stream
sed 's/Le porteur renonce/<script>alert(4)<\/script> Le porteur renonce/' \
	"$CALL/sample/decisions.csv" >d.csv
aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" | aap-validate --call "$CALL" 2>/dev/null |
	aap-score --call "$CALL" --reviews "$CALL/sample/reviews.csv" \
		--consensus "$CALL/sample/consensus.csv" --conflicts "$CALL/sample/conflicts.csv" \
		--decisions d.csv >hostile.stream
aap-export --call "$CALL" --format html -o r.html --decisions "$CALL/sample/decisions.csv" \
	decided.stream &&
	aap-export --call "$CALL" --format summaries -d s --decisions "$CALL/sample/decisions.csv" \
		decided.stream &&
	aap-export --call "$CALL" --format html -o h.html --decisions d.csv hostile.stream ||
	t_fail "an export failed"
t_run /usr/bin/python3 "$BROWSER" --ids decided.stream --charts 4 \
	--expect "Décisions du comité" \
	--expect "Décision du comité (aide réduite, Comité de sélection, decisions.csv, ligne 3)" \
	--expect "Décision du comité (désistement, Comité de sélection, decisions.csv, ligne 2)" \
	--expect "Classement, sommes libérées par le comité" \
	--expect "Frais de mission hors assiette éligible retirés" r.html \
	--clear --expect "Origine de la décision" --expect "désistement, Comité de sélection" \
	--expect "Le porteur renonce" s/18204511.html \
	--clear --expect "<script>alert(4)</script> Le porteur renonce" h.html
t_status 0
[ -s out ] && t_fail "$(cat out)"
python3 - r.html <<'PY' || t_fail "the committee's decisions are not listed after the ranking"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
d, c = h.find('<section id="decisions">'), h.find('<section id="classement">')
assert 0 <= c < d, (c, d)
ids = re.findall(r"<tr><td class=\"n\">\d+</td><td>(\d+)</td>", h[d:h.find("</section>", d)])
assert ids == ["18204516", "18204511"], ids
PY
grep -q '<script>alert(4)' h.html && t_fail "a justification was not escaped"
aap-export --call "$CALL" --format html scored.stream >plain.html
grep -q 'id="decisions"\|Origine de la décision' plain.html &&
	t_fail "a stream scored without decisions shows them"
t_end
