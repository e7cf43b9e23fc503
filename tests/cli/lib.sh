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

# t_start SCRIPT: t_sh in the background, without fd 3 (the case may hold
# a fifo open there); t_wait waits for it.
t_start() {
	bash -c "set -o pipefail; $1" </dev/null >out 2>err 3>&- &
	t_bg=$!
}

t_wait() {
	# stderr away: bash would report a stage the case killed.
	wait "$t_bg" 2>/dev/null
	t_status=$?
}

# t_wait_until CMD...: waits until CMD succeeds, trying it again and again.
# A case waits for a condition, never for a time: T_WAIT_MAX seconds
# (default 600) only end a wait when something is broken.
t_wait_until() {
	local end=$((SECONDS + ${T_WAIT_MAX:-600}))
	until "$@"; do
		if [ "$SECONDS" -ge "$end" ]; then
			t_fail "waited in vain for: $*"
			return 1
		fi
		sleep 0.01
	done
}

# t_drained FIFO: all that was written to FIFO has been read from it.
t_drained() {
	python3 -c '
import array, fcntl, os, sys, termios
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)
n = array.array("i", [0])
fcntl.ioctl(fd, termios.FIONREAD, n)
sys.exit(n[0] != 0)' "$1"
}

# t_pidfile FILE CMD...: runs CMD in this process, its pid kept in FILE, so
# that a case can kill that one stage of a pipeline at a point it chooses.
t_pidfile() {
	echo "$BASHPID" >"$1"
	shift
	exec "$@"
}
export -f t_pidfile

# t_kill PIDFILE: kills the process that t_pidfile started, once it has.
t_kill() {
	t_wait_until test -s "$1" && kill -KILL "$(cat "$1")"
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

# t_pg_start: starts a private PostgreSQL server for the test file,
# stopped when the tests end, migrates it and exports its PG* variables.
# Returns 1, having counted a failed case, when it cannot start.
t_pg_start() {
	PG_DIR=$(mktemp -d)
	if ! pg_env=$("$T_TOP/scripts/pg-sandbox" start "$PG_DIR" 2>"$T_TMP/pg.err"); then
		t_begin a_private_server_starts
		t_fail "$(cat "$T_TMP/pg.err")"
		t_end
		return 1
	fi
	T_CLEANUP+=("'$T_TOP/scripts/pg-sandbox' stop '$PG_DIR' >/dev/null 2>&1")
	eval "$pg_env"
	"$T_TOP/scripts/migrate" >/dev/null
}

# admin ARGS...: psql as the sandbox's superuser, rows unaligned.
admin() {
	PGUSER=aap_admin psql -X -q -t -A -v ON_ERROR_STOP=1 "$@"
}
