# lib.sh - helpers for the CLI tests, sourced by tests/cli/run: each case
# runs the real binaries in a fresh folder and checks stdout, stderr and
# the exit status; a mismatch prints a diff.
# shellcheck shell=bash

t_name=
t_ok=1

# t_begin NAME: starts a case in a fresh empty folder.
t_begin() {
	t_name=$1
	t_ok=1
	t_dir=$(mktemp -d "$T_TMP/case.XXXXXX")
	cd "$t_dir" || exit 1
}

# t_fail MESSAGE...: marks the case failed.
t_fail() {
	t_ok=0
	printf '  %s: %s\n' "$t_name" "$*"
}

# t_run CMD...: runs CMD with stdin from ./stdin when that file exists;
# keeps stdout in ./out, stderr in ./err and the status in $t_status.
t_run() {
	if [ -f stdin ]; then
		"$@" <stdin >out 2>err
	else
		"$@" </dev/null >out 2>err
	fi
	t_status=$?
}

# t_sh SCRIPT: t_run for a shell pipeline.
t_sh() {
	t_run bash -c "set -o pipefail; $1"
}

t_status() {
	[ "$t_status" = "$1" ] || t_fail "status $t_status, expected $1"$'\n'"$(sed 's/^/    stderr: /' err)"
}

# t_stdout_is / t_stderr_is: the whole output equals stdin.
t_stdout_is() {
	cat >expected
	diff -u expected out >diff || t_fail "stdout differs:"$'\n'"$(cat diff)"
}

t_stderr_is() {
	cat >expected.err
	diff -u expected.err err >diff || t_fail "stderr differs:"$'\n'"$(cat diff)"
}

# t_stdout_has / t_stderr_has TEXT: the output holds TEXT (fixed string).
t_stdout_has() {
	grep -qF -- "$1" out || t_fail "stdout lacks: $1"
}

t_stderr_has() {
	grep -qF -- "$1" err || t_fail "stderr lacks: $1"$'\n'"$(sed 's/^/    stderr: /' err)"
}

t_stdout_lacks() {
	! grep -qF -- "$1" out || t_fail "stdout has: $1"
}

# t_end: counts the case.
t_end() {
	if [ "$t_ok" = 1 ]; then
		T_PASS=$((T_PASS + 1))
		printf 'ok - %s\n' "$t_name"
	else
		T_FAIL=$((T_FAIL + 1))
		printf 'not ok - %s\n' "$t_name"
	fi
	cd "$T_TOP" || exit 1
}

# t_no_trailer [FILE]: the output (./out by default) does not end with a
# trailer line, so whatever reads it will see it cut off.
t_no_trailer() {
	if tail -n 1 "${1:-out}" | grep -qE '^#trailer records=[0-9]+ .*sha256=[0-9a-f]{64}$'; then
		t_fail "${1:-out} ends with a trailer"
	fi
}
