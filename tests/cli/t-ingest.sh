# t-ingest.sh - aap-ingest end to end: options, exit statuses, header
# mapping, records carried with findings, the stream it writes.
# shellcheck shell=bash

mini_csv() {
	printf 'ID,Titre du projet,Email,Montant de l%saide demandée\n' "'"
	printf 'A-1,Premier,a@x.fr,1000.00\n'
	printf 'A-2,"Deux, avec ""guillemets""",b@x.fr,2000.00\n'
}

t_begin help_and_version_go_to_stdout
t_run aap-ingest --help
t_status 0
t_stdout_has "Usage: aap-ingest --call DIR"
t_run aap-ingest --version
t_status 0
t_stdout_is <<<"aap-ingest 0.1.0"
t_end

t_begin bad_option_is_a_usage_error
t_run aap-ingest --call "$MINI" --frobnicate
t_status 2
t_stderr_has 'aap-ingest: hint: try "aap-ingest --help"'
t_stdout_is </dev/null
t_end

t_begin call_option_is_required
t_run aap-ingest in.csv
t_status 2
t_stderr_has "aap-ingest: error: --call DIR is required"
t_end

t_begin missing_call_folder_is_a_configuration_error
t_run aap-ingest --call ./nowhere
t_status 2
t_stderr_is <<'EOF2'
aap-ingest: error: could not open "./nowhere/call.csv": No such file or directory
EOF2
t_end

t_begin bad_call_table_names_file_and_line
mkdir call && cp "$MINI"/*.csv call/ && printf 'x,float,no,X\n' >>call/fields.csv
t_run aap-ingest --call call
t_status 2
t_stderr_is <<'EOF2'
aap-ingest:call/fields.csv:6: error: field "x" has unknown type "float"
EOF2
t_end

t_begin plain_output_is_bare_csv_of_canonical_fields
mini_csv >in.csv
t_run aap-ingest --call "$MINI" --plain in.csv
t_status 0
t_stdout_is <<'EOF2'
application_id,title,amount,note,source_file,source_line,findings
A-1,Premier,1000.00,,in.csv,2,
A-2,"Deux, avec ""guillemets""",2000.00,,in.csv,3,
EOF2
t_stderr_is </dev/null
t_end

t_begin stream_carries_provenance_and_trailer
mini_csv >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 0
head -n 1 out >line1
t_stdout_has "#stage name=aap-ingest version=0.1.0 call=mini file=call:call.csv:$(sha256sum <"$MINI/call.csv" | cut -c1-64) file=call:fields.csv:$(sha256sum <"$MINI/fields.csv" | cut -c1-64) source=in.csv delimiter=, unmapped=Email"
[ "$(cat line1)" = "#aap-stream format=1" ] || t_fail "first line: $(cat line1)"
last=$(tail -n 1 out)
body=$(head -n -1 out | sha256sum | cut -c1-64)
[ "$last" = "#trailer records=2 input=in.csv:$(sha256sum <in.csv | cut -c1-64) encoding=UTF-8 sha256=$body" ] ||
	t_fail "trailer: $last"
t_end

t_begin stdin_is_read_without_operand_or_with_dash
mini_csv >stdin
t_run aap-ingest --call "$MINI" --plain
t_status 0
t_stdout_has "A-2,"
t_stdout_has ",-,3,"
t_run aap-ingest --call "$MINI" --plain -
t_stdout_has "A-1,Premier,1000.00,,-,2,"
t_end

t_begin several_files_keep_their_names_and_lines
mini_csv >a.csv
{ printf 'Numéro de dossier,Montant de l%saide demandée,Titre du projet\n' "'"; printf 'B-1,5.00,Autre\n'; } >b.csv
t_run aap-ingest --call "$MINI" --plain a.csv b.csv
t_status 0
t_stdout_has "A-1,Premier,1000.00,,a.csv,2,"
t_stdout_has "B-1,Autre,5.00,,b.csv,2,"
t_end

t_begin unreadable_file_is_a_system_failure_with_no_output
mini_csv >a.csv
t_run aap-ingest --call "$MINI" a.csv missing.csv
t_status 3
t_stderr_is <<'EOF2'
aap-ingest: error: could not open "missing.csv": No such file or directory
EOF2
t_stdout_is </dev/null
t_end

t_begin stdin_cannot_be_named_twice
t_run aap-ingest --call "$MINI" - -
t_status 2
t_end

t_begin empty_file_is_an_error
: >empty.csv
t_run aap-ingest --call "$MINI" empty.csv
t_status 1
t_stderr_is <<'EOF2'
aap-ingest:empty.csv: error: the file is empty: not even a header
EOF2
t_end

t_begin header_only_is_a_batch_of_zero
mini_csv | head -n 1 >h.csv
t_run aap-ingest --call "$MINI" h.csv
t_status 0
t_stdout_has "#trailer records=0 "
t_end

t_begin missing_required_column_names_the_headers_looked_for
printf 'ID,Titre du projet\nA-1,x\n' >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_is <<'EOF2'
aap-ingest:in.csv:1: error: no column for the required field "amount"
aap-ingest: detail: headers looked for: "amount", "Montant de l'aide demandée"
EOF2
t_stdout_is </dev/null
t_end

t_begin two_columns_for_one_field_is_an_error
printf 'ID,Titre du projet,title,amount\nA-1,x,y,1\n' >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_has 'aap-ingest:in.csv:1: error: columns "Titre du projet" and "title" both map to the field "title"'
t_end

t_begin blank_header_label_is_an_error
printf 'ID,Titre du projet, ,amount\nA-1,x,y,1\n' >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_has 'aap-ingest:in.csv:1: error: column 3 has a blank header label'
t_end

t_begin duplicate_unmapped_labels_are_listed_once
printf 'ID,Titre du projet,Email,amount,email\nA-1,x,a,1,b\n' >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 0
t_stdout_has " unmapped=Email"$'\n'
t_end

t_begin header_matching_forgives_case_spaces_composition_and_apostrophes
# "numéro" decomposed (e + U+0301), a no-break space, a typographic apostrophe.
printf '  NUMe\xcc\x81RO  DE\xc2\xa0DOSSIER ,titre du projet,MONTANT DE L\xe2\x80\x99AIDE DEMANDÉE\nA-1,x,1\n' >in.csv
t_run aap-ingest --call "$MINI" --plain in.csv
t_status 0
t_stdout_has "A-1,x,1.00,,in.csv,2,"
t_end

t_begin short_and_long_records_are_carried_with_a_finding
{ mini_csv; printf 'A-3,Court\nA-4,Long,c@x.fr,4,extra\n'; } >in.csv
t_run aap-ingest --call "$MINI" --plain in.csv
t_status 0
t_stdout_has "A-3,Court,,,in.csv,4,error:field_count"
t_stdout_has "A-4,Long,4.00,,in.csv,5,error:field_count"
t_stderr_has "aap-ingest:in.csv:4: warning: the record has 2 fields, the header 4: carried with a finding"
t_stderr_has "aap-ingest:in.csv:5: warning: the record has 5 fields, the header 4"
t_end

t_begin stray_quote_is_carried_and_the_next_line_read
{ mini_csv; printf 'A-3,Mal "cité",c,3\nA-4,x,d,4\n'; } >in.csv
t_run aap-ingest --call "$MINI" --plain in.csv
t_status 0
t_stderr_is <<'EOF2'
aap-ingest:in.csv:4: warning: stray quote in field "Titre du projet" (column 2); the rest of its line was skipped: carried with a finding
EOF2
t_stdout_has "A-3,,,,in.csv,4,error:bad_quote:title"
t_stdout_has "A-4,x,4.00,,in.csv,5,"
t_end

t_begin text_after_closing_quote_does_not_swallow_the_lines_after_it
{ mini_csv; printf 'A-3,"Titre" suite,c,3\nA-4,"x",d,4\nA-5,y,e,5\n'; } >in.csv
t_run aap-ingest --call "$MINI" --plain in.csv
t_status 0
t_stderr_has "aap-ingest:in.csv:4: warning: text after the closing quote of field \"Titre du projet\" (column 2)"
t_stdout_has "A-3,,,,in.csv,4,error:bad_quote:title"
t_stdout_has "A-4,x,4.00,,in.csv,5,"
t_stdout_has "A-5,y,5.00,,in.csv,6,"
t_end

t_begin unterminated_quote_stops_with_no_trailer
{ mini_csv; printf 'A-3,"Ouvert,c,3\nA-4,x,d,4\n'; } >in.csv
t_run aap-ingest --call "$MINI" in.csv
t_status 1
t_stderr_is <<'EOF2'
aap-ingest:in.csv:4: error: unterminated quoted field
aap-ingest: detail: the input ends inside field 2 of the record
EOF2
t_no_trailer
t_end

t_begin output_is_the_same_in_every_locale
locale -a | grep -qix 'fr_FR\.utf-\{0,1\}8' || t_fail "the fr_FR.UTF-8 locale is missing: run scripts/install-deps as root"
LC_ALL=fr_FR.UTF-8 aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" >fr.out 2>fr.err
LC_ALL=C aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" >c.out 2>c.err
cmp -s fr.out c.out || t_fail "output differs between fr_FR.UTF-8 and C"
[ -s c.out ] || t_fail "no output"
t_end

t_begin closed_reader_ends_the_stage_quietly
mini_csv >in.csv
for i in $(seq 3 30000); do printf 'A-%d,Titre %d,x,%d.00\n' "$i" "$i" "$i"; done >>in.csv
t_sh "aap-ingest --call '$MINI' in.csv | head -n 1"
t_status 141
t_stderr_is </dev/null
t_end

t_begin full_disk_is_a_system_failure
mini_csv >in.csv
t_sh "aap-ingest --call '$MINI' in.csv >/dev/full"
t_status 3
t_stderr_has "aap-ingest: error: could not write to standard output: No space left on device"
t_end

t_begin unreadable_value_is_carried_with_one_warning
sed 's/,180000.00,400000.00,/,beaucoup,400000.00,/; s/,95000.00,160000.00,/,"1.234",160000.00,/' \
	"$CALL/sample/dossiers.csv" >dossiers.csv
t_run aap-ingest --call "$CALL" --plain dossiers.csv
t_status 0
t_stdout_has ',beaucoup,400000.00,'
t_stdout_has 'dossiers.csv,2,error:bad_number:amount_requested'
t_stdout_has 'dossiers.csv,4,error:ambiguous_number:amount_requested'
t_stderr_is <<'EOF2'
aap-ingest: warning: 2 of 8 applications have a value that could not be read: carried with a finding
aap-ingest: detail: the first is line 2 of "dossiers.csv", field "amount_requested"
EOF2
t_end
