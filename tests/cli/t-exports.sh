# t-exports.sh - aap-ingest on exports as people send them: Démarches
# Simplifiées, French Excel, BOMs, encodings, delimiters, line ends,
# every value form, and memory that does not grow with the input.
# shellcheck shell=bash

# records FILE: the records of a --plain output without the source_*
# columns, one field a line, to compare exports of the same applications.
records() {
	python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")):
    r.pop("source_file"); r.pop("source_line")
    print(repr(sorted(r.items())))
' "$1"
}

t_begin excel_and_bom_saves_give_the_same_records_as_the_export
aap-ingest --call "$CALL" --plain "$CALL/sample/dossiers.csv" >ds.csv 2>ds.err
aap-ingest --call "$CALL" --plain "$DATA/exports/dossiers-excel.csv" >xl.csv 2>xl.err
aap-ingest --call "$CALL" --plain "$DATA/exports/dossiers-bom.csv" >bom.csv 2>bom.err
records ds.csv >ds.rec
records xl.csv >xl.rec
records bom.csv >bom.rec
[ "$(wc -l <ds.rec)" = 8 ] || t_fail "expected 8 records from the export"
cmp -s ds.rec xl.rec || t_fail "the Excel save differs: $(diff ds.rec xl.rec | head -5)"
cmp -s ds.rec bom.rec || t_fail "the UTF-8 save with a BOM differs"
[ ! -s ds.err ] && [ ! -s xl.err ] && [ ! -s bom.err ] || t_fail "warnings: $(cat ds.err xl.err bom.err)"
grep -q '^18204514,35600000000048,Luberon Robotique,84400,84003,ETI,en_instruction,2025-03-12T08:59:58+01:00,.*,300000.00,900000.00,4,7,2025-11-01,2028-10-31,Grèce|Italie,' xl.csv ||
	t_fail "normalised values: $(grep ^18204514 xl.csv)"
t_end

t_begin provenance_names_delimiter_and_encoding
t_run aap-ingest --call "$CALL" "$DATA/exports/dossiers-excel.csv"
t_status 0
t_stdout_has " source=dossiers-excel.csv delimiter=; unmapped=Email unmapped=Téléphone"
t_stdout_has " encoding=WINDOWS-1252 sha256="
t_run aap-ingest --call "$CALL" "$DATA/exports/dossiers-bom.csv"
t_stdout_has " encoding=UTF-8 sha256="
t_end

t_begin every_value_form_is_normalised_or_flagged
t_run aap-ingest --call "$DATA/calls/forms" --plain "$DATA/exports/forms.csv"
t_status 0
diff -u "$DATA/exports/forms.expected" out >diff || t_fail "$(cat diff)"
t_end

t_begin windows_1252_apostrophe_is_decoded_as_such
printf 'ID;Titre du projet;amount\r\nA-1;L\x92aide \x80 la r\xe9gion;1\r\n' >in.csv
t_run aap-ingest --call "$MINI" --plain in.csv
t_status 0
t_stdout_has "A-1,L’aide € la région,1.00,,in.csv,2,"
t_end

t_begin undefined_windows_1252_byte_is_an_error_with_its_line
printf 'ID;Titre du projet;amount\r\nA-1;R\xe9gion;1\r\nA-2;x\x81y;2\r\n' >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_is <<'EOF2'
aap-ingest:in.csv:3: error: byte 0x81 is not a Windows-1252 character
EOF2
t_end

t_begin mixed_utf8_and_other_bytes_is_an_error_never_redecoded
printf 'ID,Titre du projet,amount\nA-1,R\xc3\xa9gion,1\nA-2,R\xe9gion,2\n' >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_is <<'EOF2'
aap-ingest:in.csv:3: error: byte 0xE9 is not valid UTF-8
aap-ingest: detail: the file mixes valid UTF-8 with other bytes; it is not taken as Windows-1252
EOF2
printf 'ID,Titre du projet,amount\nA-1,R\xe9gion,1\nA-2,R\xc3\xa9gion,2\n' >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_has "aap-ingest:in.csv:3: error: valid UTF-8 in a file taken as Windows-1252"
t_end

t_begin encoding_option_overrides_the_detection
printf 'ID,Titre du projet,amount\nA-1,R\xc3\xa9gion,1\n' >in.csv
t_run aap-ingest --call "$MINI" --plain --encoding windows-1252 in.csv
t_status 0
t_stdout_has "A-1,RÃ©gion,1.00"
t_run aap-ingest --call "$MINI" --encoding latin-9 in.csv
t_status 2
t_end

t_begin delimiters_are_detected_or_given
printf 'ID\tTitre du projet\tamount\nA-1\tx, y; z\t1\n' >tab.csv
t_run aap-ingest --call "$MINI" --plain tab.csv
t_status 0
t_stdout_has 'A-1,"x, y; z",1.00,'
printf 'ID,Titre du projet;Montant\nA-1,x;1\n' >amb.csv
t_run aap-ingest --call "$MINI" amb.csv
t_status 1
t_stderr_is <<'EOF2'
aap-ingest:amb.csv:1: error: cannot tell the delimiter: the header has as many commas as semicolons
aap-ingest: hint: give --delimiter
EOF2
printf 'ID;Titre du projet, en bref;amount\nA-1;x;1\n' >semi.csv
t_run aap-ingest --call "$MINI" --plain --delimiter ';' semi.csv
t_status 1
t_stderr_has 'no column for the required field "title"'
t_end

t_begin line_ends_crlf_cr_and_none_at_the_end
printf 'ID,Titre du projet,amount\r\nA-1,"a\r\nb",1\r\nA-2,c,2' >crlf.csv
t_run aap-ingest --call "$MINI" --plain crlf.csv
t_status 0
t_stdout_has "A-2,c,2.00,,crlf.csv,4,"
printf 'ID,Titre du projet,amount\rA-1,a,1\rA-2,c,2\r' >cr.csv
t_run aap-ingest --call "$MINI" --plain cr.csv
t_status 0
t_stdout_has "A-2,c,2.00,,cr.csv,3,"
t_end

t_begin nul_byte_is_an_error
printf 'ID,Titre du projet,amount\nA-1,a\0b,1\n' >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_has "aap-ingest:in.csv:2: error: NUL byte in field \"Titre du projet\" (column 2): this is not a text export"
t_end

t_begin field_over_the_cap_is_an_error
{ printf 'ID,Titre du projet,amount\nA-1,"'; head -c 1100000 /dev/zero | tr '\0' x; printf '",1\n'; } >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_has "aap-ingest:in.csv:2: error: field 2 is longer than 1048576 bytes"
t_end

t_begin line_with_no_end_is_bounded
{ printf 'ID,Titre du projet,amount\nA-1,'; head -c 5000000 /dev/zero | tr '\0' x; } >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_has "aap-ingest:in.csv:2: error: record longer than 4194304 bytes"
t_end

t_begin memory_does_not_grow_with_the_input
gen() {
	python3 -c '
import sys
n = int(sys.argv[1])
print("ID,Titre du projet,Montant de l\x27aide demandée,Remarque")
for i in range(n):
    print("A-%d,\"Projet %d, \"\"IA\"\" et données\",%d,\"ligne 1\nligne 2\"" % (i, i, 1000 + i))
' "$1"
}
maxrss() {
	python3 -c '
import resource, subprocess, sys
with open(sys.argv[1], "rb") as f:
    subprocess.run(sys.argv[2:], stdin=f, stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
' "$@"
}
gen 10000 >small.csv
gen 100000 >large.csv
small=$(maxrss small.csv aap-ingest --call "$MINI") || t_fail "the small run failed"
large=$(maxrss large.csv aap-ingest --call "$MINI") || t_fail "the large run failed"
# ru_maxrss is in KiB: within 2 MB of each other.
[ "$((large - small))" -le 2048 ] || t_fail "peak memory grew from ${small} KiB to ${large} KiB"
t_end
