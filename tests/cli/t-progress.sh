# t-progress.sh - the progress line on standard error: a stage run under a
# pseudo-terminal (script, from util-linux) shows it when asked, and on its
# own once the run is long; without a terminal, or with --no-progress, it
# shows none; standard output is the same either way.
# shellcheck shell=bash

# in_pty LOG SCRIPT: runs the shell command SCRIPT with a pseudo-terminal
# as its terminal (its stdout redirected within SCRIPT); what it writes on
# the terminal is kept in LOG, as it goes.
in_pty() {
	script -qefc "$2" "$1" </dev/null >/dev/null
}

# PROGRESS_LINE: the line's pattern (grep -E).
PROGRESS_LINE='aap-validate: [0-9]+ records?, [0-9]+\.[0-9] MB, [0-9]+ records/s'

# validated_input: the sample call ingested (./in.stream), and validated
# from stdin without progress (./plain.stream, its stderr ./plain.err).
validated_input() {
	aap-ingest --call "$CALL" "$CALL/sample/dossiers.csv" >in.stream 2>/dev/null
	aap-validate --call "$CALL" <in.stream >plain.stream 2>plain.err
}

t_begin progress_asked_for_shows_on_a_terminal_with_the_final_count
validated_input
in_pty tty.log "aap-validate --call '$CALL' --progress <in.stream >out.stream" ||
	t_fail "aap-validate failed under a terminal"
n=$(sed -n 's/^#trailer records=\([0-9]*\) .*/\1/p' in.stream)
grep -qE "aap-validate: $n records, [0-9]+\.[0-9] MB, [0-9]+ records/s" tty.log ||
	t_fail "no line with $n records:"$'\n'"$(cat -A tty.log)"
cmp -s out.stream plain.stream || t_fail "stdout differs with --progress"
t_end

t_begin progress_asked_for_goes_to_stderr_even_when_not_a_terminal
validated_input
t_run aap-validate --call "$CALL" --progress in.stream
t_status 0
grep -qE "$PROGRESS_LINE" err || t_fail "no progress line in stderr"
t_end

# Three runs of one stage read a stream held back after its first bytes:
# one without a terminal, one on a terminal with --no-progress (both
# started first), and one on a terminal, which after about a second shows
# its progress while it waits.  Once it has, the rest of the stream
# follows; the first two have shown nothing.
t_begin progress_shows_on_a_terminal_in_a_long_run_and_nowhere_else
validated_input
mkfifo f1 f2 f3
aap-validate --call "$CALL" <f1 >o1.stream 2>o1.err &
p1=$!
in_pty t2.log "aap-validate --call '$CALL' --no-progress <f2 >o2.stream" &
p2=$!
in_pty t3.log "aap-validate --call '$CALL' <f3 >o3.stream" &
p3=$!
exec 4>f1 5>f2 6>f3
head -c 1500 in.stream | tee /dev/fd/4 /dev/fd/5 >&6
t_wait_until grep -qE "$PROGRESS_LINE" t3.log
tail -c +1501 in.stream | tee /dev/fd/4 /dev/fd/5 >&6
exec 4>&- 5>&- 6>&-
wait "$p1" "$p2" "$p3"
for i in 1 2 3; do
	cmp -s "o$i.stream" plain.stream || t_fail "run $i: stdout differs"
done
cmp -s o1.err plain.err || t_fail "stderr without a terminal differs:"$'\n'"$(cat o1.err)"
grep -q 'records/s' t2.log && t_fail "--no-progress shows progress: $(cat -A t2.log)"
# The line is cleared at the end: blanks, then the cursor back at its start.
grep -qE "$PROGRESS_LINE"$'\r *\r' t3.log || t_fail "the line is not cleared: $(cat -A t3.log)"
t_end
