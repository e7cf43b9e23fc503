# t-catalogue.sh - the catalogue of bad inputs (issue 10): one row per
# case, each the input (a printf format, written to in.csv), the command
# (a shell line run in the case's folder), the expected status, a text
# its standard error must hold, and what its standard output must show.
# Some cases are also tests of their own elsewhere (t-ingest.sh,
# t-exports.sh, t-stream.sh, t-validate.sh, t-score.sh): here they are in
# one place, so that the catalogue is complete.  A row whose stage is not
# built yet prints "skip" and counts neither as passed nor as failed.
# shellcheck shell=bash disable=SC2016,SC1112

export RULES="$DATA/calls/rules"
# The header every mini row starts with, and the one of the rules call.
H='ID,Titre du projet,Montant de l%saide demandée\n'
HR='application_id,name,siret,iban,size,amount,cost,insee,postcode,submitted,start,end,trl_start,trl_target\n'
# A call with one reviewed criterion (merit, 0 to 5 by 0.5), its apps.
export NC="$DATA/calls/normalise"

# row NAME INPUT COMMAND STATUS STDERR [STDOUT]
#   INPUT   printf format of in.csv ('' for none); its one %s is "'"
#   COMMAND shell line; $MINI, $CALL, $RULES, $NC, $DATA are set
#   STATUS  the exit status (of the pipeline: pipefail)
#   STDERR  a text standard error holds; '-': it is empty; '': not checked
#   STDOUT  '': not checked; '=TEXT': holds TEXT; '!TEXT': lacks TEXT;
#           'cut': does not end with a trailer; 'empty': nothing
row() {
	local name=$1 input=$2 cmd=$3 status=$4 stderr=$5 stdout=${6:-}
	t_begin "catalogue_$name"
	# shellcheck disable=SC2059
	[ -n "$input" ] && printf "$input" "'" >in.csv
	t_sh "$cmd"
	t_status "$status"
	case $stderr in
	'') ;;
	-) t_stderr_is </dev/null ;;
	*) t_stderr_has "$stderr" ;;
	esac
	case $stdout in
	'') ;;
	cut) t_no_trailer ;;
	empty) t_stdout_is </dev/null ;;
	=*) t_stdout_has "${stdout#=}" ;;
	!*) t_stdout_lacks "${stdout#!}" ;;
	esac
	t_end
}

# row_if PROGRAM ROW...: the row, or a skip line when PROGRAM is not built.
row_if() {
	local prog=$1
	shift
	if [ ! -x "$T_TOP/build/bin/$prog" ]; then
		echo "skip - catalogue_$1: $prog is not built yet"
		return 0
	fi
	row "$@"
}

ING='aap-ingest --call "$MINI" --plain in.csv'
ING_S='aap-ingest --call "$MINI" in.csv'

# --- CSV structure
row unterminated_quote_at_end_of_file \
	"${H}A-1,x,1\nA-2,\"Ouvert,2\n" "$ING_S" 1 \
	'aap-ingest:in.csv:3: error: unterminated quoted field' cut
row stray_quote_in_an_unquoted_field \
	"${H}A-1,Mal \"cité\",1\nA-2,x,2\n" "$ING" 0 \
	'aap-ingest:in.csv:2: warning: stray quote in field "Titre du projet" (column 2)' \
	'=A-1,,,,in.csv,2,error:bad_quote:title'
row stray_quote_in_the_first_field_is_carried_not_dropped \
	"${H}A\"1,x,1\nA-2,y,2\n" "$ING" 0 \
	'aap-ingest:in.csv:2: warning: stray quote in field "ID" (column 1)' \
	'=,,,,in.csv,2,error:bad_quote:application_id'
row text_after_a_closing_quote \
	"${H}A-1,\"Titre\" suite,1\nA-2,x,2\n" "$ING" 0 \
	'aap-ingest:in.csv:2: warning: text after the closing quote of field "Titre du projet"' \
	'=A-2,x,2.00,,in.csv,3,'
row quoted_line_breaks_keep_later_line_numbers_right \
	"${H}A-1,\"un\ndeux\r\ntrois\",1\nA-2,x,2\n" "$ING" 0 - \
	'=A-2,x,2.00,,in.csv,5,'
row too_few_fields \
	"${H}A-1,x\n" "$ING" 0 \
	'aap-ingest:in.csv:2: warning: the record has 2 fields, the header 3' \
	'=A-1,x,,,in.csv,2,error:field_count'
row too_many_fields \
	"${H}A-1,x,1,extra\n" "$ING" 0 \
	'aap-ingest:in.csv:2: warning: the record has 4 fields, the header 3' \
	'=A-1,x,1.00,,in.csv,2,error:field_count'
row blank_header_label \
	"ID,Titre du projet, ,Montant de l%saide demandée\nA-1,x,y,1\n" "$ING" 1 \
	'aap-ingest:in.csv:1: error: column 3 has a blank header label' empty
row duplicate_header_labels_for_one_field \
	"${H%\\n},Titre du projet\nA-1,x,1,y\n" "$ING" 1 \
	'error: columns "Titre du projet" and "Titre du projet" both map to the field "title"' empty
row duplicate_unmapped_header_labels_are_listed_once \
	"${H%\\n},Email,email\nA-1,x,1,a,b\n" "$ING_S" 0 - \
	'= unmapped=Email'$'\n'
# 200,000 unmapped labels, each listed once: mapping a header is linear
# in its width (it once took minutes at this width, seconds at 1,000).
row two_hundred_thousand_unmapped_header_labels \
	'' 'awk '"'"'BEGIN { printf "ID,Titre du projet,Montant de l\047aide demand\303\251e";
		for (i = 0; i < 200000; i++) printf ",c%d", i % 199999; print "";
		printf "A-1,x,1"; for (i = 0; i < 200000; i++) printf ",v"; print "" }'"'"' >in.csv &&
		aap-ingest -d , --call "$MINI" in.csv | sed -n 2p | tr " " "\n" | grep -c "^unmapped=" >n && grep -qx 199999 n' 0 - \
	empty
row bom_before_a_quoted_header \
	"\xef\xbb\xbf\"ID\",\"Titre du projet\",\"Montant de l%saide demandée\"\nA-1,x,1\n" "$ING" 0 - \
	'=A-1,x,1.00,,in.csv,2,'
row blank_line_is_skipped_with_a_warning \
	"${H}\nA-1,x,1\n" "$ING" 0 'aap-ingest:in.csv:2: warning: blank line skipped' \
	'=A-1,x,1.00,,in.csv,3,'

# --- Encodings and bytes
row windows_1252_apostrophe \
	"ID;Titre du projet;amount\r\nA-1;L\x92aide \x80 la r\xe9gion;1\r\n" "$ING" 0 - \
	'=A-1,L’aide € la région,1.00,,in.csv,2,'
row undefined_windows_1252_byte \
	"ID;Titre du projet;amount\r\nA-1;R\xe9gion;1\r\nA-2;x\x81y;2\r\n" "$ING_S" 1 \
	'aap-ingest:in.csv:3: error: byte 0x81 is not a Windows-1252 character' cut
row invalid_utf8_in_a_utf8_file \
	"${H}A-1,R\xc3\xa9gion,1\nA-2,R\xe9gion,2\n" "$ING_S" 1 \
	'aap-ingest:in.csv:3: error: byte 0xE9 is not valid UTF-8' cut
row invalid_utf8_surrogate_in_a_utf8_file \
	"${H}A-1,R\xc3\xa9gion,1\nA-2,\xed\xa0\x80,2\n" "$ING_S" 1 \
	'aap-ingest:in.csv:3: error: byte 0xED is not valid UTF-8' cut
row nul_byte \
	"${H}A-1,a\0b,1\n" "$ING_S" 1 \
	'aap-ingest:in.csv:2: error: NUL byte in field "Titre du projet" (column 2)' cut
row utf16_file_is_refused \
	"\xff\xfeI\0D\0\n\0" "$ING_S" 1 '' cut
row field_of_100_mb \
	'' "{ printf '${H}A-1,\"' \"'\"; head -c 100000000 /dev/zero | tr '\\\\0' x; printf '\",1\\\\n'; } | aap-ingest --call \"\$MINI\"" 1 \
	'aap-ingest:-:2: error: record longer than 4194304 bytes' cut
row line_with_no_end \
	'' "{ printf '${H}A-1,' \"'\"; head -c 5000000 /dev/zero | tr '\\\\0' x; } | aap-ingest --call \"\$MINI\"" 1 \
	'aap-ingest:-:2: error: record longer than 4194304 bytes' cut

# --- Delimiters and line ends
row delimiters_tied_in_the_header \
	"ID,Titre du projet;Montant\nA-1,x;1\n" "$ING" 1 \
	'aap-ingest:in.csv:1: error: cannot tell the delimiter: the header has as many commas as semicolons' empty
row wrong_delimiter_given \
	"ID;Titre du projet;amount\nA-1;x;1\n" 'aap-ingest --call "$MINI" --delimiter , in.csv' 1 \
	'aap-ingest:in.csv:1: error: no column for the required field "application_id"' empty
row cr_only_line_ends \
	"${H%\\n}\rA-1,a,1\rA-2,c,2\r" "$ING" 0 - '=A-2,c,2.00,,in.csv,3,'
row mixed_line_ends \
	"${H%\\n}\r\nA-1,a,1\nA-2,b,2\rA-3,c,3" "$ING" 0 - '=A-3,c,3.00,,in.csv,4,'
row empty_file \
	'' ': >in.csv; aap-ingest --call "$MINI" in.csv' 1 \
	'aap-ingest:in.csv: error: the file is empty: not even a header' empty
row header_only_is_a_batch_of_zero \
	"${H}" "$ING_S" 0 - '=#trailer records=0 '

# --- Values: never guessed, never re-encoded
row ambiguous_thousands_point \
	"${H}A-1,x,1.234\n" "$ING" 0 '1 of 1 applications have a value that could not be read: carried with a finding' '=A-1,x,1.234,,in.csv,2,error:ambiguous_number:amount'
row ambiguous_thousands_comma \
	"${H}A-1,x,\"1,234\"\n" "$ING" 0 '1 of 1 applications have a value that could not be read: carried with a finding' '=A-1,x,"1,234",,in.csv,2,error:ambiguous_number:amount'
row excel_scientific_notation \
	"${H}A-1,x,\"1,23457E+13\"\n" "$ING" 0 '1 of 1 applications have a value that could not be read: carried with a finding' '=error:scientific_notation:amount'
row id_excel_turned_into_a_number \
	"ID,Établissement SIRET\n18204511,\"8,21611E+13\"\n" \
	'mkdir call && cp "$CALL"/call.csv call/ && printf "field,type,required,headers\napplication_id,text,yes,ID\nsiret,integer,yes,Établissement SIRET\n" >call/fields.csv && aap-ingest --call call --plain in.csv' 0 \
	'1 of 1 applications have a value that could not be read: carried with a finding' \
	'=18204511,"8,21611E+13",in.csv,2,error:scientific_notation:siret'
row formula_like_text_stays_exact_in_the_stream \
	"${H}\"=HYPERLINK(\"\"http://x\"\")\",@SUM(A1),1\n+33612345678,-cmd|x,2\n" "$ING" 0 - \
	'="=HYPERLINK(""http://x"")",@SUM(A1),1.00,,in.csv,2,'
row backslash_dot_and_backslash_n_stay_values \
	"${H}A-1,\\\\.,1\nA-2,\\\\N,2\n" "$ING" 0 - '=A-2,\N,2.00,,in.csv,3,'
row hash_at_the_start_of_a_record_is_data \
	"${H}#A-1,\"#x\n#trailer records=0 sha256=0\",1\n" 'aap-ingest --call "$MINI" in.csv | aap-validate --call "$MINI" --plain' 0 '' \
	'="#A-1","#x'

# --- The stream
row stream_cut_off \
	"${H}A-1,x,1\n" 'aap-ingest --call "$MINI" in.csv | head -n -1 | aap-validate --call "$MINI"' 1 \
	'the stream ends after its last record without its trailer: it was cut off' cut
row stream_altered \
	"${H}A-1,x,1\n" 'aap-ingest --call "$MINI" in.csv | sed "s/^A-1,x/A-1,y/" | aap-validate --call "$MINI"' 1 \
	"the trailer's sha256 does not match the stream: it was altered" cut
row stream_with_data_after_the_trailer \
	"${H}A-1,x,1\n" '{ aap-ingest --call "$MINI" in.csv; echo A-2,y,2.00,,in.csv,3,; } | aap-validate --call "$MINI"' 1 \
	'data after the trailer' cut
row bare_csv_given_as_a_stream \
	"${H}A-1,x,1\n" "$ING | aap-validate --call \"\$MINI\"" 1 \
	'the input is bare CSV, not an aap stream: nothing proves it whole' empty
row blank_header_line_in_a_stream \
	'#aap-stream format=1\n\n#trailer records=0 sha256=0\n' 'aap-validate --call "$MINI" in.csv' 1 \
	'the first column is not "application_id"' empty

# --- Rules (aap-validate)
row_if aap-validate duplicate_application_ids \
	"${HR}A-1,Ann,,,,,,,,,,,,\nA-1,Bob,,,,,,,,,,,,\n" 'aap-ingest --call "$RULES" in.csv | aap-validate --call "$RULES" --plain' 0 \
	'applications are not admissible' \
	'=,in.csv,3,error:duplicate:application_id:2'
row_if aap-validate formula_like_text_is_neutralised_in_the_rejects_report \
	"${HR}=HYPERLINK(\"http://x\"),@SUM(A1),,,,,,,,,,,,\n" 'aap-ingest --call "$RULES" in.csv | aap-validate --call "$RULES" --rejects rej.csv >/dev/null && cat rej.csv' 0 '' \
	"!,=HYPERLINK"
row_if aap-validate pattern_that_does_not_compile \
	"${HR}" 'mkdir call && cp "$RULES"/*.csv call/ && printf "name,pattern,[a-z,,,,\n" >>call/rules.csv && aap-ingest --call call in.csv | aap-validate --call call' 2 \
	'aap-validate:call/rules.csv:18: error: the pattern of field "name" does not compile: missing terminating ] for character class' empty
row_if aap-validate exploding_pattern \
	"${HR}A-9,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!,,,,,,,,,,,,\n" 'mkdir call && cp "$RULES"/*.csv call/ && sed -i "s/^name,pattern,.*/name,pattern,(a+)+\$,,,,/" call/rules.csv && aap-ingest --call call in.csv | timeout 120 aap-validate --call call' 2 \
	'is unsafe: match limit exceeded on application "A-9" (in.csv line 2)' cut

# --- Scoring tables and side files (aap-score).  $NC's apps through
# aap-validate, then aap-score with the call copied to ./call and changed.
SCORE='aap-validate --call call --no-truncation-check "$NC/sample/apps.csv" 2>/dev/null | aap-score --call call'
NC_COPY='mkdir call && cp "$NC"/*.csv call/'
row_if aap-score criteria_with_a_duplicate_criterion \
	'' "$NC_COPY && printf 'merit,Merit again,1,0,5,0.5,,reviews,\n' >>call/criteria.csv && $SCORE --reviews \"\$NC/sample/reviews.csv\"" 2 \
	'call/criteria.csv:3: error:' empty
row_if aap-score criteria_weight_not_a_number \
	'' "$NC_COPY && sed -i 's/^merit,Merit,1,/merit,Merit,heavy,/' call/criteria.csv && $SCORE --reviews \"\$NC/sample/reviews.csv\"" 2 \
	'call/criteria.csv:2: error:' empty
row_if aap-score reviews_naming_an_unknown_criterion \
	"application_id,reviewer,criterion,mark,comment\nN-1,r1,originality,4,\n" "$NC_COPY && $SCORE --reviews in.csv" 1 \
	'aap-score:in.csv:2: error: unknown criterion "originality"' empty
row_if aap-score marks_off_the_scale_or_the_step \
	"application_id,reviewer,criterion,mark,comment\nN-1,r1,merit,5.5,\nN-1,r2,merit,3.25,\n" "$NC_COPY && $SCORE --reviews in.csv" 1 \
	'aap-score:in.csv:3: error: mark 3.25 is off the step of criterion "merit"' empty

# --- Call folder tables
row call_table_with_a_nul_byte \
	"${H}A-1,x,1\n" "mkdir call && cp \"\$MINI\"/fields.csv call/ && printf 'setting,value\nid,mini\ntitle,A\\0 hidden\n' >call/call.csv && aap-ingest --call call in.csv" 2 \
	'call/call.csv:3: error:' empty
row call_table_with_invalid_utf8 \
	"${H}A-1,x,1\n" "mkdir call && cp \"\$MINI\"/fields.csv call/ && printf 'setting,value\nid,mini\ntitle,R\\xe9gion\n' >call/call.csv && aap-ingest --call call in.csv" 2 \
	'call/call.csv:3: error:' empty
