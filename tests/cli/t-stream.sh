# t-stream.sh - the stream contract between stages, through the real
# binaries: trailers, cut-off streams, --plain, --no-truncation-check.
# shellcheck shell=bash

mini_csv() {
	printf 'ID,Titre du projet,Montant de l%saide demandée\n' "'"
	printf 'A-1,Premier,1000.00\n'
	printf 'A-2,"Deux\n#trailer records=1 sha256=0",2000.00\n'
	printf 'A-3,Trois,3000.00\n'
}

t_begin stages_chain_through_a_pipe
mini_csv >in.csv
t_sh "aap-ingest --call '$MINI' in.csv | aap-validate --call '$MINI'"
t_status 0
t_stdout_has "application_id,title,amount,note,source_file,source_line,findings,admissible"
t_stdout_has "A-3,Trois,3000.00,,in.csv,5,,yes"
t_stdout_has "#stage name=aap-validate version=0.1.0 call=mini file=call:call.csv:"
t_stdout_has "#trailer records=3 input=-:"
[ "$(grep -c '^#stage' out)" = 2 ] || t_fail "expected two #stage lines"
t_end

t_begin trailer_chains_to_the_input_digest
mini_csv >in.csv
aap-ingest --call "$MINI" in.csv >s1
t_run aap-validate --call "$MINI" s1
t_status 0
t_stdout_has "#trailer records=3 input=s1:$(sha256sum <s1 | cut -c1-64) sha256=$(head -n -1 out | sha256sum | cut -c1-64)"
t_end

t_begin every_cut_of_a_stream_is_refused
mini_csv >in.csv
aap-ingest --call "$MINI" in.csv >s1
size=$(wc -c <s1)
for n in $(seq 0 "$((size - 1))"); do
	head -c "$n" s1 >cut
	aap-validate --call "$MINI" cut >cut.out 2>cut.err
	st=$?
	if [ "$st" != 1 ] || tail -n 1 cut.out | grep -q '^#trailer records=3 '; then
		t_fail "a stream cut at byte $n of $size gave status $st"
		break
	fi
done
t_end

# sweep_trailer STREAM SKIP CMD...: each byte of STREAM's trailer but its
# line end (and but those of the text SKIP, when not empty) made a "Z" in
# turn; CMD, given the altered stream, must refuse it with status 1 and
# end its own output without a trailer.
sweep_trailer() {
	local s=$1 skip=$2 start len n from=-1 to=-1
	shift 2
	start=$(($(wc -c <"$s") - $(tail -n 1 "$s" | wc -c)))
	len=$(($(tail -n 1 "$s" | wc -c) - 1))
	if [ -n "$skip" ]; then
		from=$(tail -n 1 "$s" | grep -bo -F -- "$skip" | head -n 1 | cut -d: -f1)
		to=$((from + ${#skip}))
	fi
	for n in $(seq 0 "$((len - 1))"); do
		[ "$n" -ge "$from" ] && [ "$n" -lt "$to" ] && continue
		[ "$(tail -c +$((start + n + 1)) "$s" | head -c 1)" = Z ] && continue
		{ head -c "$((start + n))" "$s"; printf Z; tail -c +$((start + n + 2)) "$s"; } >alt
		"$@" alt >alt.out 2>alt.err
		st=$?
		if [ "$st" != 1 ] || tail -n 1 alt.out | grep -q '^#trailer '; then
			t_fail "byte $n of the trailer $(tail -n 1 "$s") made a Z: status $st"
			break
		fi
	done
}

t_begin every_byte_of_a_trailer_altered_is_refused
mini_csv >in.csv
printf 'ID;Titre du projet;amount\r\nB-1;R\xe9gion;1\r\n' >b.csv
aap-ingest --call "$MINI" in.csv b.csv >s1
grep -q ' input=in.csv:.* encoding=UTF-8 input=b.csv:.* encoding=WINDOWS-1252 sha256=' s1 ||
	t_fail "the trailer has not two sources: $(tail -n 1 s1)"
sweep_trailer s1 '' aap-validate --call "$MINI"
# A stage that read a stream names it as its operand: nothing else says
# what that name was, so those bytes alone are left out.
NC="$DATA/calls/normalise"
aap-validate --call "$NC" --no-truncation-check "$NC/sample/apps.csv" >s2 2>/dev/null
sweep_trailer s2 'input=apps.csv:' aap-score --call "$NC" --reviews "$NC/sample/reviews.csv"
t_end

t_begin trailer_tokens_are_exactly_those_of_the_stage_that_wrote_it
mini_csv >in.csv
aap-ingest --call "$MINI" in.csv >s1
t_sh "sed '\$s/ sha256=/ grxnted=1.00 sha256=/' s1 | aap-validate --call '$MINI'"
t_status 1
t_stderr_has 'aap-validate:-:8: error: the trailer holds an unknown token "grxnted": the stream was altered'
t_sh "sed '\$s/ encoding=UTF-8 / encoding=UTF-8 encoding=UTF-8 /' s1 | aap-validate --call '$MINI'"
t_status 1
t_stderr_has 'error: the trailer holds a repeated token "encoding": the stream was altered'
t_sh "sed '\$s/ encoding=UTF-8 / /' s1 | aap-validate --call '$MINI'"
t_status 1
t_stderr_has 'error: the trailer lacks its token "encoding": the stream was altered'
t_sh "sed '\$s/ input=in.csv:/ input=other.csv:/' s1 | aap-validate --call '$MINI'"
t_status 1
t_stderr_has "error: the trailer's input token names another file than its '#stage' line's source: the stream was altered"
t_end

t_begin cut_stream_message_names_the_cause
mini_csv >in.csv
aap-ingest --call "$MINI" in.csv | head -n -1 >stdin
t_run aap-validate --call "$MINI"
t_status 1
t_stderr_is <<'EOF2'
aap-validate:-:8: error: the stream ends after its last record without its trailer: it was cut off
aap-validate: hint: the stage that wrote it failed or was stopped; its own message says why
EOF2
t_no_trailer
t_end

t_begin failing_stage_fails_the_stages_after_it
# Enough records before the bad byte for some to be written already.
{ mini_csv; for i in $(seq 4 3000); do printf 'A-%d,Titre,%d\n' "$i" "$i"; done
  printf 'A-9999,Caf\xc3\xa9 \xff,4\n'; } >in.csv
t_sh "aap-ingest --call '$MINI' in.csv | aap-validate --call '$MINI'"
t_status 1
t_stderr_has 'aap-ingest:in.csv:3003: error: byte 0xFF is not valid UTF-8'
t_stderr_has 'aap-validate:-:'
t_stderr_has 'it was cut off'
t_no_trailer
t_end

t_begin altered_stream_is_refused
mini_csv >in.csv
aap-ingest --call "$MINI" in.csv | sed 's/Premier/Premiere/' >stdin
t_run aap-validate --call "$MINI"
t_status 1
t_stderr_has "the trailer's sha256 does not match the stream: it was altered"
t_end

t_begin data_after_the_trailer_is_refused
mini_csv >in.csv
aap-ingest --call "$MINI" in.csv >s1
cat s1 s1 >stdin
t_run aap-validate --call "$MINI"
t_status 1
t_stderr_has "error: data after the trailer"
t_end

t_begin bare_csv_is_refused_without_the_option
mini_csv >in.csv
aap-ingest --call "$MINI" --plain in.csv >stdin
t_run aap-validate --call "$MINI"
t_status 1
t_stderr_is <<'EOF2'
aap-validate:-:1: error: the input is bare CSV, not an aap stream: nothing proves it whole
aap-validate: hint: give --no-truncation-check to take it as it is
EOF2
t_stdout_is </dev/null
t_end

t_begin no_truncation_check_takes_bare_csv_and_says_so
mini_csv >in.csv
aap-ingest --call "$MINI" --plain in.csv >stdin
t_run aap-validate --call "$MINI" --no-truncation-check
t_status 0
t_stdout_has "#aap-stream format=1"
t_stdout_has " truncation-check=off"
t_stdout_has "#trailer records=3 "
t_end

t_begin no_truncation_check_takes_a_stream_without_trailer
mini_csv >in.csv
aap-ingest --call "$MINI" in.csv | head -n -1 >stdin
t_run aap-validate --call "$MINI" --no-truncation-check --plain
t_status 0
t_stdout_has "A-3,Trois,3000.00,,in.csv,5,,yes"
t_stdout_lacks "#aap-stream"
t_stdout_lacks "#stage"
t_end

t_begin no_truncation_check_still_refuses_a_wrong_trailer
mini_csv >in.csv
aap-ingest --call "$MINI" in.csv | sed 's/records=3/records=2/' >stdin
t_run aap-validate --call "$MINI" --no-truncation-check
t_status 1
t_stderr_has "does not count the 3 records"
t_end

t_begin plain_output_of_a_later_stage
mini_csv >in.csv
aap-ingest --call "$MINI" in.csv >stdin
t_run aap-validate --call "$MINI" --plain
t_status 0
t_stdout_is <<'EOF2'
application_id,title,amount,note,source_file,source_line,findings,admissible
A-1,Premier,1000.00,,in.csv,2,,yes
A-2,"Deux
#trailer records=1 sha256=0",2000.00,,in.csv,3,,yes
A-3,Trois,3000.00,,in.csv,5,,yes
EOF2
t_end

t_begin stream_of_another_call_is_refused
mkdir other && cp "$MINI"/*.csv other/ && sed -i 's/^id,mini/id,other/' other/call.csv
mini_csv >in.csv
aap-ingest --call other in.csv >stdin
t_run aap-validate --call "$MINI"
t_status 1
t_stderr_is <<'EOF2'
aap-validate:-: error: the stream is of the call "other", not "mini"
EOF2
t_end

t_begin running_a_stage_twice_is_refused
mini_csv >in.csv
aap-ingest --call "$MINI" in.csv | aap-validate --call "$MINI" >stdin
t_run aap-validate --call "$MINI"
t_status 1
t_stderr_has 'the stream already has a column "admissible": did aap-validate run twice?'
t_end

t_begin error_findings_make_an_application_inadmissible
{ mini_csv; printf 'A-4,Court\n'; } >in.csv
t_sh "aap-ingest --call '$MINI' in.csv 2>/dev/null | aap-validate --call '$MINI' --plain"
t_status 0
t_stdout_has "A-4,Court,,,in.csv,6,error:field_count,no"
t_end

t_begin stream_stage_statuses
t_run aap-validate --call "$MINI" --bogus
t_status 2
t_run aap-validate --call "$MINI" a b
t_status 2
t_stderr_has "one stream at most"
t_run aap-validate --call "$MINI" missing.stream
t_status 3
t_stderr_has 'could not open "missing.stream": No such file or directory'
: >stdin
t_run aap-validate --call "$MINI"
t_status 1
t_stderr_has "the input is empty"
t_run aap-validate --version
t_status 0
t_stdout_is <<<"aap-validate 0.1.0"
t_end
