# t-man.sh - the manual pages (man/): mandoc finds nothing to say of any,
# every program has one, and each lists exactly the options its --help does.
# shellcheck shell=bash

# man_programs: the name of every program, one a line: each */aap-*.c of
# the source tree, and aap-migrate (scripts/migrate).
man_programs() {
	local c
	for c in "$T_TOP"/*/aap-*.c; do
		c=${c##*/}
		echo "${c%.c}"
	done
	echo aap-migrate
}

# man_help PROGRAM: the program's --help.
man_help() {
	if [ "$1" = aap-migrate ]; then
		"$T_TOP/scripts/migrate" --help
	else
		"$1" --help
	fi
}

# man_help_options: the options of the --help on stdin that start an
# option line (`  -c, --call DIR`, `      --plain`), one a line, sorted.
man_help_options() {
	sed -n 's/^ \{1,\}\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z-]*\).*/\1\2/p' |
		tr -d ',' | tr ' ' '\n' | sed '/^$/d' | sort -u
}

# man_page_options PAGE: the options the page's option list gives
# (`.It Fl c Ar dir , Fl -call Ar dir`), one a line, sorted.
man_page_options() {
	sed -n '/^\.It Fl /p' "$1" |
		grep -oE '(^\.It|,) Fl -?[A-Za-z][a-z-]*' |
		sed 's/.* Fl /-/' | sort -u
}

# man_synopsis_options PAGE: every option the SYNOPSIS names, sorted.
man_synopsis_options() {
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$1" |
		grep -oE 'Fl -?[A-Za-z][a-z-]*|\| [A-Z]$' |
		sed 's/^Fl /-/; s/^| /-/' | sort -u
}

t_begin every_page_is_clean_under_mandoc_lint
for page in "$T_TOP"/man/*.[0-9]; do
	if ! mandoc -Tlint -W warning "$page" >lint 2>&1 || [ -s lint ]; then
		t_fail "mandoc -Tlint -W warning on ${page#"$T_TOP"/}:"$'\n'"$(cat lint)"
	fi
done
t_end

t_begin every_program_has_a_page_and_every_page_a_subject
for p in $(man_programs); do
	[ -f "$T_TOP/man/$p.1" ] || t_fail "$p has no page: write man/$p.1"
done
for page in "$T_TOP"/man/*.1; do
	name=${page##*/}
	man_programs | grep -qx "${name%.1}" || t_fail "man/$name is the page of no program"
done
for page in aap-call.5 aap-stream.5; do
	[ -f "$T_TOP/man/$page" ] || t_fail "man/$page is missing"
done
t_end

t_begin every_page_gives_exactly_the_options_of_its_help
for p in $(man_programs); do
	page=$T_TOP/man/$p.1
	[ -f "$page" ] || continue
	man_help "$p" | man_help_options >help.opts
	[ -s help.opts ] || t_fail "no option found in $p --help"
	man_page_options "$page" >page.opts
	diff -u help.opts page.opts >opts.diff ||
		t_fail "the options of man/$p.1 differ from $p --help (+ page only, - help only):"$'\n'"$(cat opts.diff)"
	man_synopsis_options "$page" >synopsis.opts
	comm -23 synopsis.opts help.opts >stale
	[ -s stale ] && t_fail "the SYNOPSIS of man/$p.1 names options $p --help lacks: $(tr '\n' ' ' <stale)"
done
t_end

t_begin the_option_check_sees_a_page_that_lacks_an_option
sed '/^\.It Fl -plain$/d' "$T_TOP/man/aap-ingest.1" >page.1
aap-ingest --help | man_help_options >help.opts
man_page_options page.1 >page.opts
diff help.opts page.opts >/dev/null && t_fail "a page without --plain passes"
grep -qx -- --plain help.opts || t_fail "--plain not read from aap-ingest --help"
t_end
