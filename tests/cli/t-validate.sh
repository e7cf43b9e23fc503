# t-validate.sh - aap-validate end to end: every kind of rule and both
# severities, the rejects report, the summary line, the sample call, and
# the rules that stop a run (a pattern that does not compile or explodes,
# a wrong rules table).
# shellcheck shell=bash

RULES="$DATA/calls/rules"

# rules_csv: applications for the call tests/data/calls/rules, headed by
# its canonical field names.
rules_csv() {
	printf 'application_id,name,siret,iban,size,amount,cost,insee,postcode,submitted,start,end,trl_start,trl_target\n'
	printf 'A-1,Hélène Dupont,82161143100031,FR7630006000011234567890189,micro,7000.00,10000.00,13202,13002,2025-03-31T23:59:59+02:00,2025-09-01,2026-08-31,3,6\n'
	printf 'A-2,,82161143100039,FR7630006000011234567890188,GE,200000.00,100000.00,69382,13002,2025-04-01T00:00:00+02:00,2026-01-01,2025-01-01,7,4\n'
	printf 'A-3,R2-D2,82161143100031,,PME,5000.00,10000.00,,04100,2025-03-31T21:59:59Z,,,,\n'
	printf 'A-1,Jean Martin,73282932000074,,ETI,1.234,10000.00,,20200,,,,,\n'
	printf 'A-5,Luberon,35600000041461,,PME,50000.01,100000.00,2A004,,,,,,\n'
	printf '=1+2,=1+2,,,,,,13202,,,,,,\n'
}

# own_call: a copy of the rules call in ./call, to change.
own_call() {
	mkdir call && cp "$RULES"/*.csv call/
}

t_begin help_names_the_rejects_report
t_run aap-validate --help
t_status 0
t_stdout_has "-r, --rejects FILE"
t_end

t_begin every_rule_kind_gives_its_finding
rules_csv >in.csv
aap-ingest --call "$RULES" in.csv >stdin
t_run aap-validate --call "$RULES" --plain
t_status 0
t_stdout_is <<'EOF2'
application_id,name,siret,iban,size,amount,cost,insee,postcode,submitted,start,end,trl_start,trl_target,source_file,source_line,findings,admissible
A-1,Hélène Dupont,82161143100031,FR7630006000011234567890189,micro,7000.00,10000.00,13202,13002,2025-03-31T23:59:59+02:00,2025-09-01,2026-08-31,3,6,in.csv,2,,yes
A-2,,82161143100039,FR7630006000011234567890188,GE,200000.00,100000.00,69382,13002,2025-04-01T00:00:00+02:00,2026-01-01,2025-01-01,7,4,in.csv,3,error:missing:name;error:bad_checksum:siret;error:bad_checksum:iban;error:not_allowed:size;error:above_max:amount;error:outside_region:insee:69;error:above_max:submitted;error:after:start:end;error:above:trl_start:trl_target,no
A-3,R2-D2,82161143100031,,PME,5000.00,10000.00,,04100,2025-03-31T21:59:59+00:00,,,,,in.csv,4,warning:no_match:name;warning:duplicate:siret:2,yes
A-1,Jean Martin,73282932000074,,ETI,1.234,10000.00,,20200,,,,,,in.csv,5,error:duplicate:application_id:2;error:ambiguous_number:amount;error:outside_region:postcode:2B,no
A-5,Luberon,35600000041461,,PME,50000.01,100000.00,2A004,,,,,,,in.csv,6,error:share_above_max:amount:0.5;error:outside_region:insee:2A,no
=1+2,=1+2,,,,,,13202,,,,,,,in.csv,7,warning:no_match:name,yes
EOF2
t_stderr_is <<'EOF2'
aap-validate: warning: 3 of 6 applications are not admissible
EOF2
t_end

t_begin rejects_report_lists_every_finding_neutralised
rules_csv >in.csv
aap-ingest --call "$RULES" in.csv >stdin
t_run aap-validate --call "$RULES" --rejects rejects.csv
t_status 0
t_stdout_has "#trailer records=6 "
diff -u - rejects.csv <<'EOF2' || t_fail "rejects.csv differs"
source_file,source_line,application_id,field,code,severity,message,value
in.csv,3,A-2,name,missing,error,a value is required,
in.csv,3,A-2,siret,bad_checksum,error,fails the siret checksum,82161143100039
in.csv,3,A-2,iban,bad_checksum,error,fails the iban checksum,FR7630006000011234567890188
in.csv,3,A-2,size,not_allowed,error,not one of the allowed values: micro|PME|ETI,GE
in.csv,3,A-2,amount,above_max,error,the call funds up to 100 000 €,200000.00
in.csv,3,A-2,insee,outside_region,error,"located in département 69, outside the call's region",69382
in.csv,3,A-2,submitted,above_max,error,submitted after the deadline,2025-04-01T00:00:00+02:00
in.csv,3,A-2,start,after,error,after the field end,2026-01-01
in.csv,3,A-2,trl_start,above,error,above the field trl_target,7
in.csv,4,A-3,name,no_match,warning,does not match the pattern [\p{L} '-]+,R2-D2
in.csv,4,A-3,siret,duplicate,warning,the same value as the application at line 2,82161143100031
in.csv,5,A-1,application_id,duplicate,error,the same value as the application at line 2,A-1
in.csv,5,A-1,amount,ambiguous_number,error,the number can be read two ways,1.234
in.csv,5,A-1,postcode,outside_region,error,"located in département 2B, outside the call's region",20200
in.csv,6,A-5,amount,share_above_max,error,more than 50 % of the field cost,50000.01
in.csv,6,A-5,insee,outside_region,error,"located in département 2A, outside the call's region",2A004
in.csv,7,'=1+2,name,no_match,warning,does not match the pattern [\p{L} '-]+,'=1+2
EOF2
t_end

t_begin rejects_report_neutralises_every_formula_trigger
printf 'application_id,name,amount\n' >in.csv
printf '@SUM(A1),"-cmd|x",-12.00\n+33,Ab,5\n' >>in.csv
mkdir call && cp "$RULES/call.csv" call/
printf 'field,type,required,headers\napplication_id,text,yes,\nname,text,yes,\namount,money,yes,\n' >call/fields.csv
printf 'field,rule,value\nname,pattern,[a-z]+\namount,min,0\n' >call/rules.csv
aap-ingest --call call in.csv >stdin
t_run aap-validate --call call --rejects rejects.csv --plain
t_status 0
t_stdout_has '@SUM(A1),-cmd|x,-12.00,in.csv,2,error:no_match:name;error:below_min:amount,no'
diff -u - rejects.csv <<'EOF2' || t_fail "rejects.csv differs"
source_file,source_line,application_id,field,code,severity,message,value
in.csv,2,'@SUM(A1),name,no_match,error,does not match the pattern [a-z]+,'-cmd|x
in.csv,2,'@SUM(A1),amount,below_min,error,below the minimum 0,'-12.00
in.csv,3,'+33,name,no_match,error,does not match the pattern [a-z]+,Ab
EOF2
t_end

t_begin all_admissible_prints_no_summary
rules_csv | head -n 2 >in.csv
aap-ingest --call "$RULES" in.csv >stdin
t_run aap-validate --call "$RULES" --rejects rejects.csv
t_status 0
t_stderr_is </dev/null
[ "$(cat rejects.csv)" = "source_file,source_line,application_id,field,code,severity,message,value" ] ||
	t_fail "rejects.csv: $(cat rejects.csv)"
t_end

t_begin provenance_names_the_rules_with_their_digest
rules_csv >in.csv
aap-ingest --call "$RULES" in.csv >stdin
t_run aap-validate --call "$RULES"
t_status 0
t_stdout_has "#stage name=aap-validate version=0.1.0 call=rules file=call:call.csv:$(sha256sum <"$RULES/call.csv" | cut -c1-64) file=call:fields.csv:$(sha256sum <"$RULES/fields.csv" | cut -c1-64) file=call:rules.csv:$(sha256sum <"$RULES/rules.csv" | cut -c1-64)"
t_end

t_begin duplicates_name_the_first_copy_across_files
printf 'application_id,name\nA-1,Un\nA-2,Deux\n' >a.csv
printf 'application_id,name\nA-2,Deux bis\nA-2,Deux ter\n' >b.csv
mkdir call && cp "$RULES/call.csv" call/
printf 'field,type,required,headers\napplication_id,text,yes,\nname,text,yes,\n' >call/fields.csv
printf 'field,rule\napplication_id,unique\n' >call/rules.csv
aap-ingest --call call a.csv b.csv >stdin
t_run aap-validate --call call --plain --rejects rejects.csv
t_status 0
t_stdout_is <<'EOF2'
application_id,name,source_file,source_line,findings,admissible
A-1,Un,a.csv,2,,yes
A-2,Deux,a.csv,3,,yes
A-2,Deux bis,b.csv,2,error:duplicate:application_id:3,no
A-2,Deux ter,b.csv,3,error:duplicate:application_id:3,no
EOF2
grep -qF 'b.csv,2,A-2,application_id,duplicate,error,the same value as the application at line 3 of a.csv,A-2' rejects.csv ||
	t_fail "rejects.csv: $(cat rejects.csv)"
t_end

t_begin sample_call_outcomes
aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" >stdin
t_run aap-validate --call "$CALL" --plain
t_status 0
python3 -c '
import csv, sys
for r in csv.DictReader(open("out")):
    print(r["application_id"], r["admissible"], r["findings"])
' >verdicts
diff -u - verdicts <<'EOF2' || t_fail "verdicts differ"
18204511 yes 
18204512 yes 
18204513 yes 
18204514 yes 
18204515 no error:bad_checksum:siret
18204516 yes warning:below_min:start_date
18204517 no error:duplicate:siret:4;error:outside_region:insee_code:69
18204518 yes 
EOF2
t_stderr_is <<'EOF2'
aap-validate: warning: 2 of 8 applications are not admissible
EOF2
t_end

t_begin pattern_that_does_not_compile_stops_before_reading
own_call
printf 'name,pattern,"[a-z",,,,\n' >>call/rules.csv
t_run aap-validate --call call missing.stream
t_status 2
t_stderr_is <<'EOF2'
aap-validate:call/rules.csv:18: error: the pattern of field "name" does not compile: missing terminating ] for character class at offset 4
EOF2
t_stdout_is </dev/null
t_end

t_begin exploding_pattern_stops_the_run
own_call
sed -i 's/^name,pattern,.*/name,pattern,(a+)+$,,,,/' call/rules.csv
{ rules_csv | head -n 2; printf 'A-9,%s!\n' "$(printf 'a%.0s' $(seq 40))"; } |
	sed '3s/$/,,,,,,,,,,,,/' >in.csv
aap-ingest --call call in.csv >stdin
t_run timeout 120 aap-validate --call call --rejects rejects.csv
t_status 2
t_stderr_is <<'EOF2'
aap-validate:call/rules.csv:5: error: the pattern of field "name" is unsafe: match limit exceeded on application "A-9" (in.csv line 3)
aap-validate: hint: the call's rule is unsafe: write a pattern that does not backtrack without bound
EOF2
t_no_trailer
t_end

t_begin wrong_rules_tables_name_file_and_line
own_call
printf 'nope,required,,,,,\n' >>call/rules.csv
t_run aap-validate --call call
t_status 2
t_stderr_is <<'EOF2'
aap-validate:call/rules.csv:18: error: rule "required" names the field "nope", which the call does not have
EOF2
rm -r call && own_call
printf 'amount,max,12,,,warning,\n' >>call/rules.csv
t_run aap-validate --call call
t_status 2
t_stderr_has 'aap-validate:call/rules.csv:18: error: rule "max" of field "amount" is given twice, first at line 11'
rm -r call && own_call
printf 'start,min,01/13/2025,,,,\n' >>call/rules.csv
t_run aap-validate --call call
t_status 2
t_stderr_has 'aap-validate:call/rules.csv:18: error: the bound "01/13/2025" is not a date value'
rm -r call && own_call
printf 'name,type,integer,,,,\n' >>call/rules.csv
t_run aap-validate --call call
t_status 2
t_stderr_has 'aap-validate:call/rules.csv:18: error: unknown rule "type"'
t_end

t_begin stream_without_trailer_is_refused
rules_csv >in.csv
aap-ingest --call "$RULES" in.csv | head -n -1 >stdin
t_run aap-validate --call "$RULES" --rejects rejects.csv
t_status 1
t_stderr_has "it was cut off"
t_no_trailer
t_run aap-validate --call "$RULES" --no-truncation-check --plain
t_status 0
t_stdout_has "A-5,Luberon,"
t_end

t_begin rejects_option_is_checked
t_run aap-validate --call "$RULES" --rejects -
t_status 2
t_stderr_has "--rejects needs a file"
rules_csv >in.csv
aap-ingest --call "$RULES" in.csv >stdin
t_run aap-validate --call "$RULES" --rejects no/such/dir/r.csv
t_status 3
t_stderr_has 'could not open "no/such/dir/r.csv": No such file or directory'
t_no_trailer
t_end
